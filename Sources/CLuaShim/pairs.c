/*
** pairs, next and tostring in a fixed order, the same every run. Lua seeds its string
** hashes per state from the time and from addresses, so plain `next` visits keys in an
** order that differs between runs, and tostring({}) prints an address; a bot that builds a
** menu with pairs, or logs a table, would then give different transcripts for the same
** scenario.
**
** next visits integer keys in ascending order, then float keys, then strings in byte
** order, then booleans, then the one other key (a table, a function...) if there is one:
** with two or more it refuses, since their order in the table follows their addresses. A traversal snapshots the
** keys when it starts (next(t, nil)); keys removed meanwhile are skipped, as in Lua. A
** read-only table (readonly.c) is traversed through its hidden contents.
**
** The snapshots are cached per call, in a plain table: a weak one would be an ephemeron
** table whose entries can chain, and the collector's cost for those grows with the square
** of their number, outside any budget. A finished traversal drops its snapshot.
*/
#include "shim_internal.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char ORDER_CACHE = 'k';   /* t -> { keys = {...}, at = {key -> position} }, for this call */
static const char OBJECT_IDS = 'i';    /* weak table: object -> its number for tostring, in this call */

typedef struct sort_key {
    int rank;          /* 0 integer, 1 float, 2 string, 3 boolean, 4 other */
    lua_Integer i;
    lua_Number f;
    const char *s;
    size_t len;
    int slot;          /* index of the key in the unsorted keys table */
} sort_key;

static int compare_keys(const void *pa, const void *pb) {
    const sort_key *a = pa, *b = pb;
    if (a->rank != b->rank) return a->rank - b->rank;
    switch (a->rank) {
    case 0: return (a->i > b->i) - (a->i < b->i);
    case 1: return (a->f > b->f) - (a->f < b->f);
    case 2: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        if (c != 0) return c;
        return (a->len > b->len) - (a->len < b->len);
    }
    case 3: return (int)a->i - (int)b->i;
    default: return a->slot - b->slot;
    }
}

void parley_reset_call_caches(lua_State *L) {
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ORDER_CACHE);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &OBJECT_IDS);
    parley_drop_call_modules(L);
}

/* Snapshots the keys of the table at index t in order, caches them, and pushes the cache
** entry: { keys = sorted list, at = key -> position }. [-0, +1, m] */
static void snapshot(lua_State *L, int t) {
    lua_newtable(L);                                   /* unsorted keys */
    int unsorted = lua_gettop(L);
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, unsorted, ++count);
    }
    sort_key *keys = lua_newuserdatauv(L, sizeof(sort_key) * (size_t)(count > 0 ? count : 1), 0);
    int others = 0;
    for (int k = 0; k < count; k++) {
        sort_key *key = &keys[k];
        memset(key, 0, sizeof *key);
        key->slot = k + 1;
        lua_rawgeti(L, unsorted, k + 1);
        switch (lua_type(L, -1)) {
        case LUA_TNUMBER:
            if (lua_isinteger(L, -1)) { key->rank = 0; key->i = lua_tointeger(L, -1); }
            else { key->rank = 1; key->f = lua_tonumber(L, -1); }
            break;
        case LUA_TSTRING:
            key->rank = 2;
            key->s = lua_tolstring(L, -1, &key->len);   /* kept alive by the unsorted table */
            break;
        case LUA_TBOOLEAN:
            key->rank = 3;
            key->i = lua_toboolean(L, -1);
            break;
        default:
            key->rank = 4;
            if (++others > 1)
                luaL_error(L, "pairs: this table has more than one table, function or coroutine as a key, and those have "
                              "no order that is the same every run; key it by strings or numbers, or keep a list");
        }
        lua_pop(L, 1);
    }
    qsort(keys, (size_t)count, sizeof(sort_key), compare_keys);
    lua_createtable(L, 0, 2);                          /* the entry */
    int entry = lua_gettop(L);
    lua_createtable(L, count, 0);                      /* sorted keys */
    lua_createtable(L, 0, count);                      /* key -> position */
    for (int k = 0; k < count; k++) {
        lua_rawgeti(L, unsorted, keys[k].slot);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -4, k + 1);
        lua_pushinteger(L, k + 1);
        lua_rawset(L, -3);
    }
    lua_setfield(L, entry, "at");
    lua_setfield(L, entry, "keys");
    parley_registry_table(L, &ORDER_CACHE, 0);
    lua_pushvalue(L, t);
    lua_pushvalue(L, entry);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, unsorted);                          /* leave just the entry */
    lua_settop(L, unsorted);
}

/* Forgets the snapshot of the table at t: its traversal is over. */
static void drop_snapshot(lua_State *L, int t) {
    parley_registry_table(L, &ORDER_CACHE, 0);
    lua_pushvalue(L, t);
    lua_pushnil(L);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* next(t [, k]) in the fixed order. Slot 3 holds the table whose contents are read. */
int parley_ordered_next(lua_State *L) {
    parley_check_budget(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    parley_rawtarget(L, 1);
    lua_Integer position = 0;
    if (lua_isnil(L, 2)) {
        snapshot(L, 3);
    } else {
        parley_registry_table(L, &ORDER_CACHE, 0);
        lua_pushvalue(L, 3);
        if (lua_rawget(L, -2) != LUA_TTABLE) {         /* no traversal started: begin one */
            lua_pop(L, 2);
            snapshot(L, 3);
        } else {
            lua_remove(L, -2);
        }
        lua_getfield(L, -1, "at");
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNUMBER) return luaL_error(L, "invalid key to 'next'");
        position = lua_tointeger(L, -1);
        lua_pop(L, 2);
    }
    int entry = lua_gettop(L);
    lua_getfield(L, entry, "keys");
    for (;;) {
        position++;
        if (lua_rawgeti(L, -1, position) == LUA_TNIL) {
            drop_snapshot(L, 3);
            lua_pushnil(L);
            return 1;
        }
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 3) != LUA_TNIL) return 2;    /* key, value */
        lua_pop(L, 2);                                 /* removed meanwhile: skip it */
    }
}

int parley_ordered_pairs(lua_State *L) {
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {   /* honour __pairs, as Lua does */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushcfunction(L, parley_ordered_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void parley_push_stable_name(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    const char *name = luaL_typename(L, idx);
    if (luaL_getmetafield(L, idx, "__name") != LUA_TNIL) {   /* as Lua prints it, "x: 0x..." */
        if (lua_type(L, -1) == LUA_TSTRING) name = lua_tostring(L, -1);   /* kept alive by the metatable */
        lua_pop(L, 1);
    }
    parley_registry_table(L, &OBJECT_IDS, 1);
    lua_pushvalue(L, idx);
    lua_Integer id;
    if (lua_rawget(L, -2) == LUA_TNUMBER) {
        id = lua_tointeger(L, -1);
    } else {
        lua_pushliteral(L, "count");
        lua_rawget(L, -3);
        id = lua_tointeger(L, -1) + 1;
        lua_pushliteral(L, "count");
        lua_pushinteger(L, id);
        lua_rawset(L, -5);
        lua_pushvalue(L, idx);
        lua_pushinteger(L, id);
        lua_rawset(L, -5);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    char text[96];
    snprintf(text, sizeof text, "%.60s: 0x%08lld", name, (long long)id);
    lua_pushstring(L, text);
}

/* tostring: as Lua's, but an object without __tostring prints a number in order of first
** printing instead of its address (with its __name, when it has one). Upvalue 1: the
** original. */
int parley_stable_tostring(lua_State *L) {
    parley_check_budget(L);
    luaL_checkany(L, 1);
    int t = lua_type(L, 1);
    if ((t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA)
        && luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL) {
        parley_push_stable_name(L, 1);
        return 1;
    }
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    return 1;
}
