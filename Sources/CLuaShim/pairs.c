/*
** pairs in a fixed order. Lua seeds its string hashes per state from the time and
** from addresses, so the order of `next` differs between runs; a bot that builds a menu
** with pairs would then send different transcripts for the same scenario. This pairs
** visits integer keys in ascending order, then float keys, then strings in byte order,
** then booleans, and any other key last, in table order.
*/
#include "guards.h"
#include <stdlib.h>
#include <string.h>

typedef struct sort_key {
    int rank;          /* 0 integer, 1 float, 2 string, 3 boolean, 4 other */
    lua_Integer i;
    lua_Number f;
    const char *s;
    size_t len;
    int slot;          /* index of the key in the keys table */
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

/* Iterator: upvalues are the table, the sorted keys and the position. */
static int ordered_next(lua_State *L) {
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
    for (;;) {
        pos++;
        if (lua_rawgeti(L, lua_upvalueindex(2), pos) == LUA_TNIL) return 1;
        lua_pushvalue(L, -1);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {  /* skip keys removed meanwhile */
            lua_pushinteger(L, pos);
            lua_replace(L, lua_upvalueindex(3));
            return 2;
        }
        lua_pop(L, 2);
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
    lua_settop(L, 1);
    lua_newtable(L);                                   /* 2: keys in table order */
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, 2, ++count);
    }
    sort_key *keys = lua_newuserdatauv(L, sizeof(sort_key) * (size_t)(count > 0 ? count : 1), 0);  /* 3 */
    for (int k = 0; k < count; k++) {
        sort_key *key = &keys[k];
        memset(key, 0, sizeof *key);
        key->slot = k + 1;
        lua_rawgeti(L, 2, k + 1);
        switch (lua_type(L, -1)) {
        case LUA_TNUMBER:
            if (lua_isinteger(L, -1)) { key->rank = 0; key->i = lua_tointeger(L, -1); }
            else { key->rank = 1; key->f = lua_tonumber(L, -1); }
            break;
        case LUA_TSTRING:
            key->rank = 2;
            key->s = lua_tolstring(L, -1, &key->len);   /* kept alive by the keys table */
            break;
        case LUA_TBOOLEAN:
            key->rank = 3;
            key->i = lua_toboolean(L, -1);
            break;
        default:
            key->rank = 4;
        }
        lua_pop(L, 1);
    }
    qsort(keys, (size_t)count, sizeof(sort_key), compare_keys);
    lua_createtable(L, count, 0);                      /* 4: keys in sorted order */
    for (int k = 0; k < count; k++) {
        lua_rawgeti(L, 2, keys[k].slot);
        lua_rawseti(L, 4, k + 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 4);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, ordered_next, 3);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}
