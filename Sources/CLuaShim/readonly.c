/*
** Read-only tables, in place. Lua has no such thing, so a table is made read-only by
** moving its contents into a hidden table that its new metatable reads through, and
** refusing writes: every reference to it, from anywhere, then sees it read-only. Keys named
** like metamethods ("__index") stay in the table too, so a class table still works as a
** metatable; settle.c puts those back after every call, the one writable part left.
** setmetatable makes a metatable read-only this way once it is in use, so __mode and __gc
** cannot be added to it later.
*/
#include "shim_internal.h"
#include <string.h>

static const char FROZEN = 'f';      /* key in a read-only table's metatable: its contents */

void parley_rawtarget(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE && lua_getmetatable(L, idx)) {
        if (lua_rawgetp(L, -1, &FROZEN) == LUA_TTABLE) {
            lua_remove(L, -2);
            return;
        }
        lua_pop(L, 2);
    }
    lua_pushvalue(L, idx);
}

int parley_is_frozen(lua_State *L, int idx) {
    parley_rawtarget(L, idx);
    int frozen = !lua_rawequal(L, -1, idx);
    lua_pop(L, 1);
    return frozen;
}

static int is_metamethod_key(lua_State *L, int idx) {
    size_t len;
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    const char *s = lua_tolstring(L, idx, &len);
    return len > 2 && s[0] == '_' && s[1] == '_';
}

static int refuse_write(lua_State *L) {
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L,
        "cannot set '%s': this table is read-only. Tables made while the script loaded are shared by every "
        "conversation, and a metatable is fixed once in use; keep per-conversation data in conv.state, or change a copy",
        key);
}

/* __len of a read-only table: the length of its hidden contents. One function for all
** (no closure per table: freezing a file's data must not multiply its memory). */
static int frozen_length(lua_State *L) {
    parley_rawtarget(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* A function __index of the original metatable, called with the public table rather than
** its hidden contents. Upvalue 1: the function; 2: the public table. */
static int index_through(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

/* The contents of the table at t move into P, and only metamethod-named keys stay. */
static void move_contents(lua_State *L, int t, int p) {
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, p);
    }
    lua_pushnil(L);
    while (lua_next(L, p) != 0) {
        lua_pop(L, 1);
        if (!is_metamethod_key(L, -1)) {
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, t);
        }
    }
}

static const char REMEMBERED = 'm';   /* read-only tables whose metamethod fields are remembered */

/* Remembers, once per table, the metamethod-named fields a read-only table keeps in plain
** sight (the one part of it a write can reach), for settle.c to put back after each call. */
static void remember_metamethod_fields(lua_State *L, int t) {
    parley_registry_table(L, &REMEMBERED, 1);
    lua_pushvalue(L, t);
    int known = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    if (known) {
        lua_pop(L, 1);
        return;
    }
    lua_pushvalue(L, t);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {   /* only metamethod-named keys are left in t */
        parley_remember(L, t, -2, -1);
        lua_pop(L, 1);
    }
}

/* The metatable of a read-only table: the original's metamethods (but those that would
** write, collect or finalize), reads through P, writes refused. [-0, +1, m] */
static void push_frozen_metatable(lua_State *L, int t, int p, int m) {
    lua_createtable(L, 0, 8);
    int f = lua_gettop(L);
    if (m) {
        lua_pushnil(L);
        while (lua_next(L, m) != 0) {
            const char *k = is_metamethod_key(L, -2) ? lua_tostring(L, -2) : NULL;
            if (k && strcmp(k, "__index") && strcmp(k, "__newindex") && strcmp(k, "__gc") && strcmp(k, "__mode")
                && strcmp(k, "__metatable")) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, f);
            } else {
                lua_pop(L, 1);
            }
        }
        lua_pushliteral(L, "__index");
        int kind = lua_rawget(L, m);
        if (kind != LUA_TNIL) {   /* misses go on where the original's went */
            lua_createtable(L, 0, 2);
            if (kind == LUA_TFUNCTION) {
                lua_pushvalue(L, -2);
                lua_pushvalue(L, t);
                lua_pushcclosure(L, index_through, 2);
            } else {
                lua_pushvalue(L, -2);
            }
            lua_setfield(L, -2, "__index");
            lua_pushboolean(L, 0);
            lua_setfield(L, -2, "__metatable");
            lua_setmetatable(L, p);
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, p);
    lua_setfield(L, f, "__index");
    lua_pushcfunction(L, refuse_write);
    lua_setfield(L, f, "__newindex");
    if (lua_getfield(L, f, "__len") == LUA_TNIL) {
        lua_pushcfunction(L, frozen_length);
        lua_setfield(L, f, "__len");
    }
    lua_pop(L, 1);
    /* getmetatable(t) answers what it answered before: the original (or its __metatable). */
    if (!m) lua_pushboolean(L, 0);
    else {
        lua_pushliteral(L, "__metatable");
        if (lua_rawget(L, m) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_pushvalue(L, m);
        }
    }
    lua_setfield(L, f, "__metatable");
    lua_pushvalue(L, p);
    lua_rawsetp(L, f, &FROZEN);
}

/* Makes the table at idx read-only in place; `remembered`: its metamethod fields are put
** back after every call (also when it was already read-only: setmetatable makes a
** metatable so without remembering). Nothing for host tables or environments. */
void parley_freeze(lua_State *L, int idx, int remembered) {
    int t = lua_absindex(L, idx);
    if (parley_is_host_object(L, t) || parley_is_walk_only(L, t)) return;
    lua_checkstack(L, 24);
    int top = lua_gettop(L);
    if (!parley_is_frozen(L, t)) {
        int m = lua_getmetatable(L, t) ? lua_gettop(L) : 0;
        lua_newtable(L);
        int p = lua_gettop(L);
        move_contents(L, t, p);
        push_frozen_metatable(L, t, p, m);
        lua_setmetatable(L, t);
    }
    if (remembered) remember_metamethod_fields(L, t);
    lua_settop(L, top);
}

void parley_freeze_table(lua_State *L, int idx) { parley_freeze(L, idx, 0); }
