/*
** The conversation table a handler receives as `conv`. Its `state` is produced only when
** the script reads it, and once the call has ended the table is retired: a `conv` kept
** past its call must not read or write for another conversation.
*/
#include "lua_shim.h"
#include <string.h>

static const char RETIRED = 'r';   /* the shared metatable of retired conversation tables */

/* __index of a conversation table: upvalue 1 the methods, upvalue 2 the state loader.
** conv.state is produced only when a script reads it, so a call that never looks at it
** costs neither the push nor the read-back of the state. */
static int conversation_index(lua_State *L) {
    size_t len;
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : NULL;
    if (key != NULL && ((len == 5 && memcmp(key, "state", 5) == 0) || (len == 7 && memcmp(key, "session", 7) == 0))) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 2);
        lua_call(L, 2, 1);
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);
        return 1;
    }
    lua_settop(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

void parley_push_conversation_index(lua_State *L) {
    lua_pushcclosure(L, conversation_index, 2);
}

void parley_push_conversation(lua_State *L, int metatable, const char *contact, size_t contact_len,
                              const char *number, size_t number_len, const char *owner, size_t owner_len,
                              int has_language, const char *language, size_t language_len) {
    lua_createtable(L, 0, 5);
    lua_pushlstring(L, contact, contact_len);
    lua_setfield(L, -2, "contact");
    lua_pushlstring(L, number, number_len);
    lua_setfield(L, -2, "number");
    lua_pushlstring(L, owner, owner_len);
    lua_setfield(L, -2, "owner");
    if (has_language) {
        lua_pushlstring(L, language, language_len);
        lua_setfield(L, -2, "language");
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, metatable);
    lua_setmetatable(L, -2);
}

static int retired_access(lua_State *L) {
    return luaL_error(L, "this conv belongs to a call that has ended; use the conv your handler received "
                         "(keep what must last in conv.state)");
}

void parley_retire_conversation(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_checkstack(L, 4);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {   /* empty it: contact, number, owner, language, state */
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, idx);   /* clearing a field during a traversal is allowed (lua_next) */
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &RETIRED) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 3);
        lua_pushcfunction(L, retired_access);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, retired_access);
        lua_setfield(L, -2, "__newindex");
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &RETIRED);
    }
    lua_setmetatable(L, idx);
}
