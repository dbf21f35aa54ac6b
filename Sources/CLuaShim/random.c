/*
** math.random and math.randomseed, per call. Lua keeps one generator per state, so a call
** could seed it (math.randomseed(secret)) and the next conversation's call could read the
** seed back from its numbers; and randomseed() without arguments seeds from the clock, so
** a scenario would not give the same transcript twice. Here each call starts from its own
** seed, set by the host (parley_begin_call), on the first use of either function;
** randomseed() without arguments takes that seed too.
*/
#include "shim_internal.h"

static parley_budget *budget_of(lua_State *L) {
    void *ud;
    lua_getallocf(L, &ud);
    return (parley_budget *)ud;
}

/* Calls the original randomseed (upvalue `original`) with the values from `first` to the
** top, or with the call's seed when there are none; returns how many results it left. */
static int reseed(lua_State *L, int original, int first) {
    parley_budget *b = budget_of(L);
    if (lua_gettop(L) < first) lua_pushinteger(L, (lua_Integer)b->call_seed);
    int n = lua_gettop(L) - first + 1;
    lua_pushvalue(L, lua_upvalueindex(original));
    lua_rotate(L, first, 1);
    lua_call(L, n, LUA_MULTRET);
    b->random_seeded = 1;
    return lua_gettop(L) - first + 1;
}

/* math.random([m [, n]]). Upvalues: the original random, the original randomseed. */
static int call_random(lua_State *L) {
    parley_check_budget(L);
    if (!budget_of(L)->random_seeded) {
        int top = lua_gettop(L);
        reseed(L, 2, top + 1);   /* no arguments: the call's seed */
        lua_settop(L, top);      /* drop what randomseed returned */
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* math.randomseed([x [, y]]). Upvalue: the original randomseed. */
static int call_randomseed(lua_State *L) {
    parley_check_budget(L);
    return reseed(L, 1, 1);
}

void parley_open_random(lua_State *L, int math) {
    math = lua_absindex(L, math);
    lua_getfield(L, math, "random");
    lua_getfield(L, math, "randomseed");
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, call_randomseed, 1);
    lua_setfield(L, math, "randomseed");
    lua_pushcclosure(L, call_random, 2);
    lua_setfield(L, math, "random");
}
