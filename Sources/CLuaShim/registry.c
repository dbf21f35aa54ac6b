/*
** Tables the shim keeps in the registry, and two sets of objects the settling walk
** (settle.c) treats apart: the host's own (never entered) and environments and the parts of
** read-only tables (walked for what they hold, never frozen themselves).
*/
#include "shim_internal.h"

static const char HOST = 'h';
static const char WALK_ONLY = 'w';

/* Pushes the registry table at key, created on first use (weak-keyed when weak). */
void parley_registry_table(lua_State *L, const char *key, int weak) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    if (weak) {
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}


static int in_set(lua_State *L, const char *set, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, set) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushvalue(L, idx);
    int found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return found;
}

static void add_to_set(lua_State *L, const char *set, int idx) {
    idx = lua_absindex(L, idx);
    parley_registry_table(L, set, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

void parley_walk_only(lua_State *L, int idx) { add_to_set(L, &WALK_ONLY, idx); }
void parley_host_object(lua_State *L, int idx) { add_to_set(L, &HOST, idx); }
int parley_is_host_object(lua_State *L, int idx) { return in_set(L, &HOST, idx); }
void parley_push_host_set(lua_State *L) { parley_registry_table(L, &HOST, 1); }
int parley_is_walk_only(lua_State *L, int idx) { return in_set(L, &WALK_ONLY, idx); }
