/*
** What a script may keep between calls: nothing that one conversation can change for the
** next. A script's top level runs once, when the file loads; every call after that runs
** in the same Lua state. So what the top level left behind (declared globals, module
** tables, file-level locals captured by the handlers) is shared by every conversation,
** and a handler that wrote into it would hand one customer's data to the next.
**
** Once a file has loaded, parley_settle makes all of it constant:
**   - every table reachable from it becomes read-only, in place (readonly.c), and the
**     metamethod fields it keeps in plain sight are remembered;
**   - every local of the file that a function captured (an upvalue cell) is remembered
**     with its value;
** and parley_restore puts everything remembered back after every call. Objects of the host
** (the global table, the libraries, the prelude) are never entered: parley_mark_host lists
** them once the sandbox is ready.
*/
#include "shim_internal.h"

static const char RESTORE = 'r';     /* triples (owner, slot, value) each call must leave as found */
static const char CELLS = 'c';       /* upvalue cells already in RESTORE, by id */

/* The number of slots used in the RESTORE list, kept at [0]: values may be nil, so the
** list has holes and no length of its own. [-0, +0, -] on the list at idx */
static lua_Integer restore_size(lua_State *L, int list) {
    lua_rawgeti(L, list, 0);
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return n;
}

void parley_remember(lua_State *L, int owner, int slot, int value) {
    owner = lua_absindex(L, owner), slot = lua_absindex(L, slot), value = lua_absindex(L, value);
    parley_registry_table(L, &RESTORE, 0);
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
    if (t == LUA_TFUNCTION && lua_iscfunction(L, idx)) {   /* a C function reaches only its upvalues */
        if (lua_getupvalue(L, idx, 1) == NULL) return;
        lua_pop(L, 1);
    }
    lua_pushvalue(L, idx);
    lua_rawseti(L, w->work, ++w->size);
}

static void visit_table(lua_State *L, walk *w, int v, enum walk_mode mode) {
    if (mode == SETTLE) parley_freeze(L, v, 1);
    parley_rawtarget(L, v);
    int contents = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {
        push_work(L, w, -2);
        push_work(L, w, -1);
        lua_pop(L, 1);
    }
    if (lua_getmetatable(L, v)) {
        int meta = lua_gettop(L);
        if (lua_rawequal(L, contents, v)) {
            push_work(L, w, meta);
        } else {
            /* Read-only: its metatable and the hidden table are parts of it, walked for what
            ** they hold (the original's metamethods and metatable, where misses go) rather
            ** than as tables of their own. */
            lua_pushnil(L);
            while (lua_next(L, meta) != 0) {
                if (!lua_rawequal(L, -1, contents)) push_work(L, w, -1);
                lua_pop(L, 1);
            }
            if (lua_getmetatable(L, contents)) {
                lua_pushliteral(L, "__index");
                lua_rawget(L, -2);
                push_work(L, w, -1);
                lua_pop(L, 2);
            }
        }
    }
    lua_settop(L, contents - 1);
}

static void visit_function(lua_State *L, walk *w, int v, enum walk_mode mode) {
    int lua_function = !lua_iscfunction(L, v);
    for (int i = 1; lua_getupvalue(L, v, i) != NULL; i++) {
        if (mode == SETTLE && lua_function) {
            parley_registry_table(L, &CELLS, 0);
            lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
            if (lua_rawget(L, -2) == LUA_TNIL) {   /* a cell not yet remembered */
                lua_pushlightuserdata(L, lua_upvalueid(L, v, i));
                lua_pushboolean(L, 1);
                lua_rawset(L, -4);
                lua_pushinteger(L, i);
                parley_remember(L, v, -1, -4);
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
    if (mode == MARK_HOST) parley_push_host_set(L);   /* marking is seeing */
    else lua_newtable(L);
    walk w = {top + 1, 0, top + 2};
    push_work(L, &w, idx);
    lua_Integer visited = 0;
    while (w.size > 0) {
        if ((++visited & 255) == 0) parley_check_budget(L);   /* settling runs under the budget */
        lua_rawgeti(L, w.work, w.size);
        lua_pushnil(L);
        lua_rawseti(L, w.work, w.size--);
        int v = lua_gettop(L);
        lua_pushvalue(L, v);
        int seen = lua_rawget(L, w.seen) != LUA_TNIL;
        lua_pop(L, 1);
        if (seen || (mode == SETTLE && parley_is_host_object(L, v))) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, v);
        lua_pushboolean(L, 1);
        lua_rawset(L, w.seen);
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
        case LUA_TUSERDATA:   /* C state (a gmatch iterator's position): nothing can freeze or reset it */
            if (mode == SETTLE) {
                lua_settop(L, top);
                lua_pushliteral(L, "a value made while the file loaded keeps state in C (a string.gmatch iterator, say) "
                                   "that would carry from one conversation to the next; make it inside the handler");
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

int parley_lua_settle_now(lua_State *L) {
    if (parley_settle(L, 1) != 0) return lua_error(L);
    return 0;
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

/* Modules, per call (see Prelude.swift): once a script's file has loaded, a module first
** required in a call is kept in a table of that call's, which parley_begin_call drops. */
static const char PER_CALL = 'p';      /* registry flag: the file has loaded */
static const char CALL_MODULES = 'q';  /* this call's modules */

void parley_modules_per_call(lua_State *L) {
    lua_pushboolean(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &PER_CALL);
}

void parley_drop_call_modules(lua_State *L) {
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &CALL_MODULES);
}

int parley_lua_call_modules(lua_State *L) {
    int per_call = lua_rawgetp(L, LUA_REGISTRYINDEX, &PER_CALL) == LUA_TBOOLEAN;
    lua_pop(L, 1);
    if (!per_call) {
        lua_pushnil(L);
        return 1;
    }
    parley_registry_table(L, &CALL_MODULES, 0);
    return 1;
}

int parley_lua_make_read_only(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    parley_freeze(L, 1, 0);
    return 0;
}
