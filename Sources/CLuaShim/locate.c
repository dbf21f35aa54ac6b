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
    parley_raise_if_killed(L);
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
