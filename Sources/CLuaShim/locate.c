/*
** Errors at the caller's line. A script ends with `return bot { ... }`: a tail call, so
** inside the Lua constructor the script's frame is gone and error(msg, 2) cannot name
** the script's line. A C function called in tail position runs above its caller's frame,
** which is still there; this wrapper reads the position from it.
*/
#include "lua_shim.h"
#include <string.h>

static int located_call(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_rotate(L, 1, 1);
    if (lua_pcall(L, n, LUA_MULTRET, 0) == LUA_OK) return lua_gettop(L);
    void *ud;
    lua_getallocf(L, &ud);
    int killed = ((parley_budget *)ud)->killed;
    if (killed != PARLEY_KILL_NONE) {
        lua_pushstring(L, parley_kill_message(killed));
        return lua_error(L);
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);   /* level 1 from here is the caller of this C function */
        lua_rotate(L, -2, 1);
        lua_concat(L, 2);
    } else if (lua_type(L, -1) == LUA_TTABLE) {
        /* A structured error (a spec's failed assertion): its message gets the position. */
        lua_pushliteral(L, "message");
        if (lua_rawget(L, -2) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_rotate(L, -2, 1);
            lua_concat(L, 2);
            lua_pushliteral(L, "message");
            lua_rotate(L, -2, 1);
            lua_rawset(L, -3);
        } else {
            lua_pop(L, 1);
        }
    }
    return lua_error(L);
}

int parley_lua_locate(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, located_call, 1);
    return 1;
}

/* __index of a conversation table: upvalue 1 the methods, upvalue 2 the state loader.
** conv.state is produced only when a script reads it, so a call that never looks at it
** costs neither the push nor the read-back of the state. */
static int conversation_index(lua_State *L) {
    size_t len;
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : NULL;
    if (key != NULL && len == 5 && memcmp(key, "state", 5) == 0) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
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

static int read_only(lua_State *L) {
    return luaL_error(L, "library tables are read-only");
}

/* __index of a frozen library: upvalue 1 is the library, upvalue 2 its name. */
static int library_field(lua_State *L) {
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    luaL_where(L, 2);
    lua_pushfstring(L, "'%s.%s' is not available in Parley scripts", lua_tostring(L, lua_upvalueindex(2)),
                    lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
    lua_concat(L, 2);
    return lua_error(L);
}

int parley_lua_freeze(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, library_field, 2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, read_only);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    return 1;
}
