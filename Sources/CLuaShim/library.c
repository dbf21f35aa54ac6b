/*
** Read-only views of the library tables (string, table, math...): a script can neither
** keep data in them between conversations nor change what the next call finds there.
** A missing field names itself, so `os.execute` says it is not available.
*/
#include "lua_shim.h"

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
