/*
** The sandboxed standard library: only safe libraries, and guarded replacements for the
** base functions that would let a script escape its budget or the host's rules.
*/
#include "lua_shim.h"
#include "shim_internal.h"
#include <string.h>

/* Re-raises a kill: a script's pcall may catch errors, never a budget overrun. */
static int rethrow_if_killed(lua_State *L) { return parley_raise_if_killed(L); }

static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
    rethrow_if_killed(L);
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

/* pcall(f, ...): as Lua's, but a kill passes through. The continuation keeps yields
** across it working inside coroutines. */
static int sandbox_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_rotate(L, 1, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

static int finish_xpcall(lua_State *L, int status, lua_KContext extra) {
    (void)extra;
    rethrow_if_killed(L);
    if (status != LUA_OK && status != LUA_YIELD) {
        /* Stack: handler, true, error. The handler runs as a plain call after the
        ** unwinding, where the count hook still fires: inside Lua's own message-handler
        ** slot, a handler for an error the hook raised would run unbudgeted. */
        lua_pushvalue(L, 1);
        lua_rotate(L, -2, 1);
        lua_pcall(L, 1, 1, 0);
        rethrow_if_killed(L);
        lua_pushboolean(L, 0);
        lua_replace(L, 2);
        return 2;
    }
    return lua_gettop(L) - 1;
}

/* xpcall(f, handler, ...) */
static int sandbox_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);          /* f, handler, true, f, args... */
    lua_rotate(L, 1, -1);
    lua_settop(L, -2);            /* handler, true, f, args... */
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 0, 0, finish_xpcall);
    return finish_xpcall(L, status, 0);
}

/* Whether the metatable at mt has a field named `name`, raw. */
static int has_field(lua_State *L, int mt, const char *name) {
    lua_pushstring(L, name);
    int found = lua_rawget(L, mt) != LUA_TNIL;
    lua_pop(L, 1);
    return found;
}

/* setmetatable(t, mt): refuses __gc, because a finalizer runs where no hook can stop it
** (during a collection, or at lua_close), and __mode, because the collector's pass over
** weak-keyed tables can take time quadratic in their size; refuses protected metatables.
** The metatable becomes read-only (readonly.c), so neither can be added to it later. */
static int sandbox_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        if (has_field(L, 2, "__gc"))
            return luaL_error(L, "__gc metamethods are not allowed in Parley scripts (finalizers run outside any budget)");
        if (has_field(L, 2, "__mode"))
            return luaL_error(L, "weak tables (__mode) are not allowed in Parley scripts (the collector's cost for them "
                                 "grows with the square of their size, outside any budget)");
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE) parley_freeze_table(L, 2);
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* rawget(t, k) and rawlen(v): a read-only table answers from its hidden contents. */
static int sandbox_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    parley_rawtarget(L, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

static int sandbox_rawlen(lua_State *L) {
    int t = lua_type(L, 1);
    luaL_argexpected(L, t == LUA_TTABLE || t == LUA_TSTRING, 1, "table or string");
    parley_rawtarget(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* rawset(t, k, v): not on protected tables (environments, library proxies). */
static int sandbox_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "rawset on a protected table");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static void set_function(lua_State *L, int table, const char *name, lua_CFunction f) {
    lua_pushcfunction(L, f);
    lua_setfield(L, table, name);
}

/* Replaces table[name] with a C closure whose one upvalue is the original function. */
static void wrap_function(lua_State *L, int table, const char *name, lua_CFunction f) {
    lua_getfield(L, table, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, table, name);
}

static void remove_field(lua_State *L, int table, const char *name) {
    lua_pushnil(L);
    lua_setfield(L, table, name);
}

static int open_sandbox(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},
        {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_COLIBNAME, luaopen_coroutine},
        {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int g = lua_gettop(L);

    remove_field(L, g, "dofile");
    remove_field(L, g, "loadfile");
    remove_field(L, g, "print");         /* the host binds print to log */
    set_function(L, g, "pcall", sandbox_pcall);
    set_function(L, g, "xpcall", sandbox_xpcall);
    set_function(L, g, "setmetatable", sandbox_setmetatable);
    set_function(L, g, "rawset", sandbox_rawset);
    set_function(L, g, "rawget", sandbox_rawget);
    set_function(L, g, "rawlen", sandbox_rawlen);
    remove_field(L, g, "warn");          /* nowhere to go: warnings are off in these states */
    remove_field(L, g, "collectgarbage");   /* even "count" tells one call of the garbage another left */
    set_function(L, g, "pairs", parley_ordered_pairs);
    set_function(L, g, "next", parley_ordered_next);
    wrap_function(L, g, "tostring", parley_stable_tostring);
    set_function(L, g, "load", parley_sandbox_load);

    lua_getfield(L, g, LUA_STRLIBNAME);
    int str = lua_gettop(L);
    remove_field(L, str, "dump");         /* bytecode could be loaded back elsewhere */
    wrap_function(L, str, "rep", parley_guarded_rep);
    wrap_function(L, str, "find", parley_guarded_find);
    wrap_function(L, str, "match", parley_guarded_match);
    wrap_function(L, str, "gmatch", parley_guarded_gmatch);
    wrap_function(L, str, "gsub", parley_guarded_gsub);
    wrap_function(L, str, "format", parley_guarded_format);
    lua_pop(L, 1);

    lua_getfield(L, g, LUA_TABLIBNAME);
    parley_open_table_functions(L, -1);
    lua_pop(L, 1);

    lua_getfield(L, g, LUA_MATHLIBNAME);
    parley_open_random(L, -1);
    lua_pop(L, 1);

    /* Every other library function checks the budget as it starts: a loop of cheap C
    ** calls ends at the wall time, not at the next hook step. */
    static const char *const checked[] = {
        LUA_GNAME, LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_COLIBNAME, NULL,
    };
    for (const char *const *name = checked; *name; name++) {
        if (strcmp(*name, LUA_GNAME) == 0) lua_pushvalue(L, g);
        else lua_getfield(L, g, *name);
        parley_check_on_entry(L, -1);
        lua_pop(L, 1);
    }

    /* The string metatable: getmetatable("") now answers false, so a script cannot
    ** reach (and rewrite) the methods every string shares. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    parley_host_object(L, -1);
    lua_pop(L, 2);

    /* Generational collection: each call leaves short-lived tables (conv, msg, results). */
    lua_gc(L, LUA_GCGEN, 0, 0);

    lua_pop(L, 1);
    return 0;
}

int parley_open_sandbox(lua_State *L) {
    lua_pushcfunction(L, open_sandbox);
    return lua_pcall(L, 0, 0, 0);
}
