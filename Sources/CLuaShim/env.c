/*
** Script environments. Each script (and each module it requires) runs with its own
** globals table. While its top level runs it may declare globals, but not redefine a
** built-in. Once sealed, no global can be assigned at all, new or declared: the declared
** ones move to a read-only table behind the environment, so no conversation can leave
** data in a global for the next one. Reading an undeclared name raises at any time: the
** global table's own metatable turns a miss into an error.
*/
#include "lua_shim.h"

static const char OPEN_META = 'o';
static const char SEALED_META = 's';

static int raise_at_caller(lua_State *L, const char *fmt, const char *name) {
    luaL_where(L, 1);
    lua_pushfstring(L, fmt, name);
    lua_concat(L, 2);
    return lua_error(L);
}

static const char *key_name(lua_State *L) {
    return lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
}

/* __index of the global table: a miss is a typo or a forbidden name. */
static int undeclared_read(lua_State *L) {
    return raise_at_caller(L, "undeclared global '%s'", key_name(L));
}

/* __newindex of an open environment: declare, unless it would shadow a built-in. */
static int declare(lua_State *L) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return raise_at_caller(L, "cannot redefine built-in '%s'", key_name(L));
    lua_pop(L, 1);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* __newindex of a sealed environment: upvalue 1 is the table of declared globals. */
static int sealed_write(lua_State *L) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL)
        return raise_at_caller(L,
            "assignment to undeclared global '%s' (globals are declared at the script's top level; keep per-conversation data in conv.state)",
            key_name(L));
    return raise_at_caller(L,
        "assignment to global '%s' after the script loaded: globals are read-only then, so no conversation leaves data for the next; keep per-conversation data in conv.state",
        key_name(L));
}

/* Pushes an environment's metatable: reads go to the table at `reads`, and writes to
** `write`, which gets that table as its upvalue. [-0, +1, m] */
static void push_env_meta(lua_State *L, int reads, lua_CFunction write) {
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, reads);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, reads);
    lua_pushcclosure(L, write, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
}

/* Builds the two shared environment metatables and the global table's own. */
static void ensure_metatables(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &OPEN_META) != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);

    push_env_meta(L, g, declare);
    parley_host_object(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &OPEN_META);

    /* The metatable of a table of declared globals: misses go on to the global table. */
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, g);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    parley_host_object(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SEALED_META);

    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, undeclared_read);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, g);
    lua_pop(L, 1);
}

static int new_env(lua_State *L) {
    ensure_metatables(L);
    lua_createtable(L, 0, 8);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");   /* raw: the table has no metatable yet */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &OPEN_META);
    lua_setmetatable(L, -2);
    return 1;
}

int parley_new_env(lua_State *L) {
    lua_pushcfunction(L, new_env);
    return lua_pcall(L, 0, 1, 0);
}

/* Moves the declared globals of the environment at idx into a table behind it, and gives
** the environment a metatable that reads through to them and refuses every assignment.
** Called by the host (in host mode) and by seal_env in trusted code. [-0, +0, m] */
void parley_env_seal(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_newtable(L);                                    /* the declared globals */
    int declared = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, declared);
    }
    for (;;) {                                          /* empty the environment */
        lua_pushnil(L);
        if (lua_next(L, idx) == 0) break;
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_rawset(L, idx);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &SEALED_META);
    lua_setmetatable(L, declared);
    push_env_meta(L, declared, sealed_write);           /* the environment's metatable */
    parley_walk_only(L, -1);                            /* walked for its globals' values, */
    parley_walk_only(L, declared);                      /* which settling freezes, but itself */
    parley_walk_only(L, idx);                           /* never frozen */
    lua_setmetatable(L, idx);
    lua_pop(L, 1);
}

int parley_lua_new_env(lua_State *L) {
    return new_env(L);
}

int parley_lua_seal_env(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    parley_env_seal(L, 1);
    return 0;
}
