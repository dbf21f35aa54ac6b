/*
** Compiling Lua source under the budget. The parser runs in C, where no hook sees it, and
** some source costs it far more than its length: each use of a name deep inside nested
** functions scans every local and upvalue in scope, so half a megabyte took 13 s. So the
** parser is fed in small pieces, and the budget is checked before each: a raise inside the
** reader ends the parse with an error (lua_load is protected), and the kill stays set.
*/
#include "shim_internal.h"
#include <string.h>

#define PIECE 1024

typedef struct piece_reader {
    const char *text;      /* what is left of the current text */
    size_t left;
    int source;            /* stack index of a function that gives more text; 0: none */
    int reserved;          /* stack index that keeps the current text alive */
} piece_reader;

static const char *read_piece(lua_State *L, void *data, size_t *size) {
    piece_reader *r = (piece_reader *)data;
    parley_check_budget(L);
    if (r->left == 0 && r->source != 0) {   /* ask the function for more, as load does */
        lua_pushvalue(L, r->source);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            r->source = 0;
        } else if (!lua_isstring(L, -1)) {
            luaL_error(L, "reader function must return a string");
        } else {
            lua_replace(L, r->reserved);
            r->text = lua_tolstring(L, r->reserved, &r->left);
        }
    }
    if (r->left == 0) return NULL;
    *size = r->left < PIECE ? r->left : PIECE;
    const char *piece = r->text;
    r->text += *size;
    r->left -= *size;
    return piece;
}

int parley_load_text(lua_State *L, const char *text, size_t length, const char *chunkname) {
    lua_pushnil(L);   /* the reserved slot; a buffer needs no keeping */
    piece_reader r = {text, length, 0, lua_gettop(L)};
    int status = lua_load(L, read_piece, &r, chunkname, "t");
    lua_remove(L, -2);
    return status;
}

/* load(chunk [, name [, mode [, env]]]): source text only, never bytecode, from a string
** or from a function that gives it in parts; without an env, the chunk gets a new strict
** environment. Returns the function, or nil and the error. */
int parley_sandbox_load(lua_State *L) {
    parley_check_budget(L);
    int from_function = lua_type(L, 1) == LUA_TFUNCTION;
    size_t length = 0;
    const char *text = from_function ? NULL : luaL_checklstring(L, 1, &length);
    if (length > 0 && text[0] == LUA_SIGNATURE[0])
        return luaL_error(L, "load: binary chunks are not allowed; load Lua source text");
    const char *chunkname = luaL_optstring(L, 2, from_function ? "=(load)" : text);
    lua_settop(L, 5);   /* 1 chunk, 2 name, 3 mode (always text), 4 env, 5 the current text */
    if (lua_isnil(L, 4)) {
        if (parley_new_env(L) != LUA_OK) return lua_error(L);
        lua_replace(L, 4);
    }
    piece_reader r = {text, length, from_function ? 1 : 0, 5};
    if (lua_load(L, read_piece, &r, chunkname, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;   /* nil, message */
    }
    lua_pushvalue(L, 4);
    if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);   /* its _ENV */
    return 1;
}
