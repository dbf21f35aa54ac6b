/*
** What a script may keep between calls: nothing that one conversation can change for the
** next. A script's top level runs once, when the file loads; every call after that runs
** in the same Lua state. So what the top level left behind (declared globals, module
** tables, file-level locals captured by the handlers) is shared by every conversation,
** and a handler that wrote into it would hand one customer's data to the next.
**
** Once a file has loaded, parley_settle makes all of it constant:
**   - every table reachable from it becomes read-only, in place (so every reference to it,
**     from anywhere, sees the change): its contents move to a hidden table that its new
**     metatable reads through, and writes raise. Keys named like metamethods ("__index")
**     stay in the table too, so a class table still works as a metatable; those fields,
**     the one writable part left, are put back after every call;
**   - every local of the file that a function captured (an upvalue cell) is remembered
**     with its value, and parley_restore puts it back after every call.
** Objects of the host (the global table, the libraries, the prelude) are never entered:
** parley_mark_host lists them once the sandbox is ready.
**
** Metatables also become read-only when setmetatable first sees them: a metatable that
** gains __mode turns the collector's ephemeron pass quadratic, outside any budget.
*/
#include "lua_shim.h"
#include "guards.h"
#include <string.h>

static const char FROZEN = 'f';      /* key in a read-only table's metatable: its contents */
static const char HOST = 'h';        /* weak set: objects walks never enter */
static const char WALK_ONLY = 'w';   /* weak set: tables walked but never frozen */
static const char RESTORE = 'r';     /* triples (owner, slot, value) each call must leave as found */
static const char CELLS = 'c';       /* upvalue cells already in RESTORE, by id */

/* Pushes the registry table at key, created on first use (weak-keyed when weak). */
static void registry_table(lua_State *L, const char *key, int weak) {
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
    registry_table(L, set, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

void parley_walk_only(lua_State *L, int idx) { add_to_set(L, &WALK_ONLY, idx); }
void parley_host_object(lua_State *L, int idx) { add_to_set(L, &HOST, idx); }

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

/* The number of slots used in the RESTORE list, kept at [0]: values may be nil, so the
** list has holes and no length of its own. [-0, +0, -] on the list at idx */
static lua_Integer restore_size(lua_State *L, int list) {
    lua_rawgeti(L, list, 0);
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return n;
}

static void remember(lua_State *L, int owner, int slot, int value) {
    owner = lua_absindex(L, owner), slot = lua_absindex(L, slot), value = lua_absindex(L, value);
    registry_table(L, &RESTORE, 0);
    lua_Integer n = restore_size(L, lua_gettop(L));
    lua_pushinteger(L, n + 3);
    lua_rawseti(L, -2, 0);
    lua_pushvalue(L, owner);
    lua_rawseti(L, -2, n + 1);
    lua_pushvalue(L, slot);
    lua_rawseti(L, -2, n + 2);
    lua_pushvalue(L, value);
    lua_rawseti(L, -2, n + 3);
    lua_pop(L, 1);
}

static int refuse_write(lua_State *L) {
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L,
        "cannot set '%s': this table is read-only. Tables made while the script loaded are shared by every "
        "conversation, and a metatable is fixed once in use; keep per-conversation data in conv.state, or change a copy",
        key);
}

static int frozen_length(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
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
static void move_contents(lua_State *L, int t, int p, int remembered) {
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
        } else if (remembered) {
            lua_pushvalue(L, -1);
            lua_rawget(L, p);
            remember(L, t, -2, -1);
            lua_pop(L, 1);
        }
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
            parley_walk_only(L, -1);
            lua_setmetatable(L, p);
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, p);
    lua_setfield(L, f, "__index");
    lua_pushcfunction(L, refuse_write);
    lua_setfield(L, f, "__newindex");
    if (lua_getfield(L, f, "__len") == LUA_TNIL) {
        lua_pushvalue(L, p);
        lua_pushcclosure(L, frozen_length, 1);
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
** back after every call. Nothing for host tables, environments, or tables already so. */
static void freeze_table(lua_State *L, int idx, int remembered) {
    int t = lua_absindex(L, idx);
    if (parley_is_frozen(L, t) || in_set(L, &HOST, t) || in_set(L, &WALK_ONLY, t)) return;
    lua_checkstack(L, 24);
    int top = lua_gettop(L);
    int m = lua_getmetatable(L, t) ? lua_gettop(L) : 0;
    lua_newtable(L);
    int p = lua_gettop(L);
    move_contents(L, t, p, remembered);
    push_frozen_metatable(L, t, p, m);
    parley_walk_only(L, -1);
    parley_walk_only(L, p);
    lua_setmetatable(L, t);
    lua_settop(L, top);
}

void parley_freeze_table(lua_State *L, int idx) { freeze_table(L, idx, 0); }

/* A coroutine that can still run holds a stack: a channel from one call to the next. */
static int is_live_coroutine(lua_State *L, int idx) {
    lua_State *co = lua_tothread(L, idx);
    if (co == NULL || co == L) return 0;
    int status = lua_status(co);
    if (status == LUA_YIELD) return 1;
    if (status != LUA_OK) return 0;                         /* died of an error */
    lua_Debug ar;
    return lua_getstack(co, 0, &ar) > 0 || lua_gettop(co) > 0;   /* running, or not started */
}

enum walk_mode { MARK_HOST, SETTLE };

typedef struct walk {
    int work;          /* stack of values to visit */
    lua_Integer size;
    int seen;
} walk;

static void push_work(lua_State *L, walk *w, int idx) {
    int t = lua_type(L, idx);
    if (t != LUA_TTABLE && t != LUA_TFUNCTION && t != LUA_TTHREAD && t != LUA_TUSERDATA) return;
    lua_pushvalue(L, idx);
    lua_rawseti(L, w->work, ++w->size);
}

static void visit_table(lua_State *L, walk *w, int v, enum walk_mode mode) {
    if (mode == SETTLE) freeze_table(L, v, 1);
    parley_rawtarget(L, v);
    int contents = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {
        push_work(L, w, -2);
        push_work(L, w, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (lua_getmetatable(L, v)) {
        push_work(L, w, -1);
        lua_pop(L, 1);
    }
}

static void visit_function(lua_State *L, walk *w, int v, enum walk_mode mode) {
    int lua_function = !lua_iscfunction(L, v);
    for (int i = 1; lua_getupvalue(L, v, i) != NULL; i++) {
        if (mode == SETTLE && lua_function) {
            registry_table(L, &CELLS, 0);
            lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
            if (lua_rawget(L, -2) == LUA_TNIL) {   /* a cell not yet remembered */
                lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
                lua_pushboolean(L, 1);
                lua_rawset(L, -4);
                lua_pushinteger(L, i);
                remember(L, v, -1, -4);
                lua_pop(L, 1);
            }
            lua_pop(L, 2);
        }
        push_work(L, w, -1);
        lua_pop(L, 1);
    }
}

/* Visits everything reachable from the value at idx. Returns 0, or 1 after pushing an
** error message (SETTLE only: a live coroutine). */
static int walk_from(lua_State *L, int idx, enum walk_mode mode) {
    idx = lua_absindex(L, idx);
    lua_checkstack(L, 32);
    int top = lua_gettop(L);
    lua_newtable(L);
    lua_newtable(L);
    walk w = {top + 1, 0, top + 2};
    push_work(L, &w, idx);
    while (w.size > 0) {
        lua_rawgeti(L, w.work, w.size);
        lua_pushnil(L);
        lua_rawseti(L, w.work, w.size--);
        int v = lua_gettop(L);
        lua_pushvalue(L, v);
        int seen = lua_rawget(L, w.seen) != LUA_TNIL;
        lua_pop(L, 1);
        if (seen || (mode == SETTLE && in_set(L, &HOST, v))) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, v);
        lua_pushboolean(L, 1);
        lua_rawset(L, w.seen);
        if (mode == MARK_HOST) add_to_set(L, &HOST, v);
        switch (lua_type(L, v)) {
        case LUA_TTABLE: visit_table(L, &w, v, mode); break;
        case LUA_TFUNCTION: visit_function(L, &w, v, mode); break;
        case LUA_TTHREAD:
            if (mode == SETTLE && is_live_coroutine(L, v)) {
                lua_settop(L, top);
                lua_pushliteral(L, "a coroutine made while the file loaded would carry data from one conversation "
                                   "to the next; create coroutines inside the handler that uses them");
                return 1;
            }
            break;
        default: break;
        }
        lua_settop(L, v - 1);
    }
    lua_settop(L, top);
    return 0;
}

void parley_mark_host(lua_State *L, int idx) { (void)walk_from(L, idx, MARK_HOST); }

int parley_settle(lua_State *L, int idx) { return walk_from(L, idx, SETTLE); }

static const char SETTLING = 's';   /* registry flag: modules settle as they load */

void parley_settle_modules(lua_State *L) {
    lua_pushboolean(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SETTLING);
}

int parley_lua_settle(lua_State *L) {
    int on = lua_rawgetp(L, LUA_REGISTRYINDEX, &SETTLING) == LUA_TBOOLEAN;
    lua_pop(L, 1);
    if (on && parley_settle(L, 1) != 0) return lua_error(L);
    lua_settop(L, 1);
    return 1;
}

int parley_restore(lua_State *L, const char **first) {
    *first = NULL;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &RESTORE) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    int list = lua_gettop(L);
    lua_Integer n = restore_size(L, list);
    int changed = 0;
    lua_checkstack(L, 8);
    for (lua_Integer i = 1; i + 2 <= n; i += 3) {
        lua_rawgeti(L, list, i);       /* owner: a function (an upvalue) or a table (a field) */
        lua_rawgeti(L, list, i + 1);   /* slot: the upvalue's number, or the key */
        lua_rawgeti(L, list, i + 2);   /* the value the file left there */
        int owner = list + 1, slot = list + 2, value = list + 3;
        const char *name = NULL;
        if (lua_type(L, owner) == LUA_TFUNCTION) {
            int up = (int)lua_tointeger(L, slot);
            name = lua_getupvalue(L, owner, up);   /* names live as long as the function */
            if (name != NULL && !lua_rawequal(L, -1, value)) {
                lua_pushvalue(L, value);
                lua_setupvalue(L, owner, up);
            } else {
                name = NULL;
            }
        } else {
            lua_pushvalue(L, slot);
            if (lua_rawget(L, owner), !lua_rawequal(L, -1, value)) {
                lua_pushvalue(L, slot);
                lua_pushvalue(L, value);
                lua_rawset(L, owner);
                name = lua_tostring(L, slot);   /* the key, kept alive by the list */
            }
        }
        if (name != NULL && changed++ == 0) *first = name;
        lua_settop(L, list);
    }
    lua_pop(L, 1);
    return changed;
}
