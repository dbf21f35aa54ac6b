/*
** The one lua_CFunction through which Lua calls Swift. The Swift function never raises:
** it returns a result count, or PARLEY_HOST_ERROR after pushing a message, and this
** trampoline raises once the Swift frame is gone. So no longjmp ever crosses Swift.
*/
#include "lua_shim.h"

static int trampoline(lua_State *L) {
    parley_host_fn fn = (parley_host_fn)lua_touserdata(L, lua_upvalueindex(1));
    parley_check_budget(L);   /* a loop of host calls ends at the budget, not after one more */
    parley_host_enter(L);
    int n = fn(L);
    parley_host_leave(L);
    parley_check_budget(L);   /* a slow or memory-hungry host call ends the script here */
    if (n == PARLEY_HOST_ERROR) {
        /* Prefix the script position ("orders.lua:12: "), as luaL_error does. */
        luaL_where(L, 1);
        lua_rotate(L, -2, 1);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return n;
}

void parley_push_host_function(lua_State *L, parley_host_fn fn, void *context, lua_Integer tag) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushinteger(L, tag);
    lua_pushcclosure(L, trampoline, 3);
}

void *parley_host_context(lua_State *L) {
    return lua_touserdata(L, lua_upvalueindex(2));
}

lua_Integer parley_host_tag(lua_State *L) {
    return lua_tointegerx(L, lua_upvalueindex(3), NULL);
}
