/*
** The table functions that loop: insert, remove, move, concat, unpack and sort.
**
** Lua's own run their loops in C, where the count hook never fires, over a length a
** script controls (__len may say math.maxinteger) and through __index chains up to 2,000
** tables deep: table.remove on such a table never returned, and table.unpack over a deep
** chain ran 86 s. These do the same work through the same metamethods, but check the
** budget every CHECK_EVERY steps, so a call ends within its wall time whatever its table
** claims. Their sort is a stable merge sort: Lua's quicksort picks pivots from the clock
** when a partition goes badly, and equal elements could then land differently each run.
*/
#include "shim_internal.h"

#define CHECK_EVERY 64
/* Elements table.move takes in one call: a larger count is a mistake worth naming at
** once, rather than a loop stopped by the wall time. */
#define MOVE_LIMIT 1000000
#define STEP(L, i) do { if (((i) & (CHECK_EVERY - 1)) == 0) parley_check_budget(L); } while (0)

/* Whether the value at arg acts as a table for these operations: a table, or a value
** whose metatable gives the metamethods they use. As Lua's checktab. */
static void check_table(lua_State *L, int arg, int needs_index, int needs_newindex, int needs_len) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    int ok = lua_getmetatable(L, arg);
    if (ok) {
        if (needs_index) ok = ok && luaL_getmetafield(L, arg, "__index") != LUA_TNIL && (lua_pop(L, 1), 1);
        if (needs_newindex) ok = ok && luaL_getmetafield(L, arg, "__newindex") != LUA_TNIL && (lua_pop(L, 1), 1);
        if (needs_len) ok = ok && (lua_type(L, arg) == LUA_TSTRING || (luaL_getmetafield(L, arg, "__len") != LUA_TNIL && (lua_pop(L, 1), 1)));
        lua_pop(L, 1);
    }
    if (!ok) luaL_checktype(L, arg, LUA_TTABLE);
}

static lua_Integer length_of(lua_State *L, int arg, int writes) {
    check_table(L, arg, 1, writes, 1);
    return luaL_len(L, arg);
}

/* t[to] = t[from], for every from in [first, last] stepping by +1 or -1, to = from + shift. */
static void shift(lua_State *L, int t, lua_Integer first, lua_Integer last, lua_Integer shift_by) {
    lua_Integer step = first <= last ? 1 : -1;
    lua_Integer done = 0;
    for (lua_Integer i = first;; i += step) {
        STEP(L, ++done);
        lua_geti(L, t, i);
        lua_seti(L, t, i + shift_by);
        if (i == last) break;
    }
}

/* table.insert(t, [pos,] v) */
static int tab_insert(lua_State *L) {
    lua_Integer e = length_of(L, 1, 1);
    e = (lua_Integer)((lua_Unsigned)e + 1u);   /* first empty slot; wraps as Lua's does */
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2:
        pos = e;
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        if (e > pos) shift(L, 1, e - 1, pos, 1);   /* t[i + 1] = t[i], from the end down */
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

/* table.remove(t [, pos]) */
static int tab_remove(lua_State *L) {
    lua_Integer size = length_of(L, 1, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    lua_geti(L, 1, pos);
    if (pos < size) shift(L, 1, pos + 1, size, -1);   /* t[i - 1] = t[i], from pos up */
    lua_pushnil(L);
    lua_seti(L, 1, pos < size ? size : pos);
    return 1;
}

/* table.move(a1, f, e, t [, a2]) */
static int tab_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !parley_isnoneornil(L, 5) ? 5 : 1;
    check_table(L, 1, 1, 0, 0);
    check_table(L, tt, 0, 1, 0);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        if (n > MOVE_LIMIT)
            return luaL_error(L, "table.move: %I elements exceed the limit of %d per call", (LUAI_UACINT)n, MOVE_LIMIT);
        int forward = t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ));
        for (lua_Integer k = 0; k < n; k++) {
            lua_Integer i = forward ? k : n - 1 - k;
            STEP(L, k + 1);
            lua_geti(L, 1, f + i);
            lua_seti(L, tt, t + i);
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

static void add_field(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1), (LUAI_UACINT)i);
    luaL_addvalue(b);
}

/* table.concat(t [, sep [, i [, j]]]) */
static int tab_concat(lua_State *L) {
    luaL_Buffer b;
    lua_Integer last = length_of(L, 1, 0);
    size_t seplen;
    const char *sep = luaL_optlstring(L, 2, "", &seplen);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_buffinit(L, &b);
    lua_Integer done = 0;
    for (; i < last; i++) {
        STEP(L, ++done);
        add_field(L, &b, i);
        luaL_addlstring(&b, sep, seplen);
    }
    if (i == last) add_field(L, &b, i);
    luaL_pushresult(&b);
    return 1;
}

/* table.unpack(t [, i [, j]]) */
static int tab_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = parley_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (i > e) return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i;
    if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n)))
        return luaL_error(L, "too many results to unpack");
    for (lua_Unsigned k = 0; k < n; k++) {
        STEP(L, k + 1);
        lua_geti(L, 1, i + (lua_Integer)k);
    }
    return (int)n;
}

/* Whether the value at a sorts before the one at b (absolute indices). */
static int sorts_before(lua_State *L, int comparator, int a, int b) {
    if (!comparator) return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 1);
    int result = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return result;
}

/* One bottom-up pass: merges runs of `width` from src into dst (raw tables, 1..n). */
static void merge_pass(lua_State *L, int comparator, int src, int dst, lua_Integer n, lua_Integer width, lua_Integer *steps) {
    for (lua_Integer lo = 1; lo <= n; lo += 2 * width) {
        lua_Integer mid = lo + width <= n + 1 ? lo + width : n + 1;
        lua_Integer hi = mid + width <= n + 1 ? mid + width : n + 1;
        lua_Integer i = lo, j = mid, k = lo;
        while (i < mid || j < hi) {
            STEP(L, ++*steps);
            int take_right;
            if (i >= mid) take_right = 1;
            else if (j >= hi) take_right = 0;
            else {
                lua_rawgeti(L, src, i);
                lua_rawgeti(L, src, j);
                take_right = sorts_before(L, comparator, lua_absindex(L, -1), lua_absindex(L, -2));  /* stable: only if strictly before */
                lua_pop(L, 2);
            }
            lua_rawgeti(L, src, take_right ? j++ : i++);
            lua_rawseti(L, dst, k++);
        }
    }
}

/* table.sort(t [, comp]): stable, O(n log n), the same order every run. */
static int tab_sort(lua_State *L) {
    lua_Integer n = length_of(L, 1, 1);
    if (n <= 1) return 0;
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    int comparator = !parley_isnoneornil(L, 2);
    if (comparator) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_createtable(L, (int)(n < (1 << 16) ? n : (1 << 16)), 0);
    int a = lua_gettop(L);
    lua_createtable(L, (int)(n < (1 << 16) ? n : (1 << 16)), 0);
    int b = lua_gettop(L);
    lua_Integer steps = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        STEP(L, ++steps);
        lua_geti(L, 1, i);
        lua_rawseti(L, a, i);
    }
    int src = a, dst = b;
    for (lua_Integer width = 1; width < n; width *= 2) {
        merge_pass(L, comparator, src, dst, n, width, &steps);
        int swap = src; src = dst; dst = swap;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        STEP(L, ++steps);
        lua_rawgeti(L, src, i);
        lua_seti(L, 1, i);
    }
    return 0;
}

void parley_open_table_functions(lua_State *L, int table) {
    static const luaL_Reg functions[] = {
        {"insert", tab_insert}, {"remove", tab_remove}, {"move", tab_move},
        {"concat", tab_concat}, {"unpack", tab_unpack}, {"sort", tab_sort},
        {NULL, NULL},
    };
    table = lua_absindex(L, table);
    for (const luaL_Reg *f = functions; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, table, f->name);
    }
}
