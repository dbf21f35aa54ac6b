/*
** Library calls that no count hook can interrupt, because they run in C from start to
** end: string.rep, table.move and pattern matching. Measured on this machine without
** guards: string.rep('', 1e9) took 6.9 s, table.move({}, 1, 1e8, 2) 3.7 s, and
** ('.-.-b') matched on 4,000 characters 132 s. Each guard refuses, before any work, a
** call whose worst case is too large, and says how to write it instead.
*/
#include "guards.h"
#include <string.h>

/* Bytes (or iterations) string.rep may produce. */
#define REP_LIMIT (16.0 * 1024 * 1024)
/* Elements table.move may move in one call. */
#define MOVE_LIMIT 1000000.0
/* Worst-case matcher steps for one pattern call, and byte comparisons for a plain find. */
#define PATTERN_LIMIT 1.0e8
#define PLAIN_LIMIT 1.0e9

/* Calls the original function (upvalue 1) with all arguments; returns all results. */
static int call_original(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_rotate(L, 1, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

int parley_guarded_rep(lua_State *L) {
    parley_check_budget(L);
    size_t len, seplen;
    luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &seplen);
    double unit = (double)(len + seplen);
    if (unit < 1) unit = 1;   /* rep('', n) still loops n times */
    if (n > 0 && (double)n * unit > REP_LIMIT)
        return luaL_error(L, "string.rep: %I copies of %d bytes exceed the limit of %d MiB",
                          n, (int)(len + seplen), (int)(REP_LIMIT / (1024 * 1024)));
    return call_original(L);
}

int parley_guarded_move(lua_State *L) {
    parley_check_budget(L);
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    if (e >= f && (double)e - (double)f + 1 > MOVE_LIMIT)
        return luaL_error(L, "table.move: %f elements exceed the limit of %d per call",
                          (double)e - (double)f + 1, (int)MOVE_LIMIT);
    return call_original(L);
}

typedef struct pattern_shape {
    int anchored;
    int repetitions;   /* items with *, + or -, and %b balances */
    int optionals;     /* items with ?: each doubles the ways to match */
    int has_specials;
} pattern_shape;

/* Skips a character class starting at p[i] ('%x', '[set]' or one character) and
** returns the index after it. */
static size_t class_end(const char *p, size_t len, size_t i) {
    if (p[i] == '%') return i + 2 <= len ? i + 2 : len;
    if (p[i] != '[') return i + 1;
    i++;
    if (i < len && p[i] == '^') i++;
    do {   /* the first ']' after '[' or '[^' is a literal */
        if (i >= len) return len;
        if (p[i] == '%') i++;
        i++;
    } while (i < len && p[i] != ']');
    return i + 1 <= len ? i + 1 : len;
}

static pattern_shape shape_of(const char *p, size_t len, int honour_anchor) {
    pattern_shape s = {0, 0, 0, 0};
    s.has_specials = strpbrk(p, "^$*+?.([%-") != NULL || strlen(p) < len;
    size_t i = 0;
    if (len > 0 && p[0] == '^') {
        s.anchored = honour_anchor;
        i = 1;
    }
    while (i < len) {
        char c = p[i];
        if (c == '(' || c == ')') { i++; continue; }
        if (c == '$' && i + 1 == len) break;
        if (c == '%' && i + 1 < len && p[i + 1] == 'b') {   /* %bxy scans to its match */
            s.repetitions++;
            i += 4;
            continue;
        }
        if (c == '%' && i + 1 < len && p[i + 1] == 'f') {   /* %f[set] is zero-width */
            i = class_end(p, len, i + 2);
            continue;
        }
        i = class_end(p, len, i);
        if (i < len) {
            char q = p[i];
            if (q == '*' || q == '+' || q == '-') { s.repetitions++; i++; }
            else if (q == '?') { s.optionals++; i++; }
        }
    }
    return s;
}

/* Refuses a pattern call whose worst case on this subject is too slow. The estimate
** is deliberately simple: each start position (one when anchored), times the pattern's
** length (each attempt may walk all of it, sets included), times the subject length for
** each repetition item, doubled for each optional item. */
static int check_pattern(lua_State *L, const char *fname, int honour_anchor, int plain_arg) {
    parley_check_budget(L);
    size_t n, m;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);
    pattern_shape s = shape_of(p, m, honour_anchor);
    int plain = (plain_arg > 0 && lua_toboolean(L, plain_arg)) || !s.has_specials;
    if (plain) {
        double cost = n > m ? (double)(n - m + 1) * (double)m : 0;
        if (cost > PLAIN_LIMIT)
            return luaL_error(L, "string.%s: searching %d bytes for a %d-byte text is too costly; search a shorter text",
                              fname, (int)n, (int)m);
        return 0;
    }
    double positions = (double)n + 1;
    double cost = (s.anchored ? 1 : positions) * (m > 0 ? (double)m : 1);
    for (int k = 0; k < s.repetitions && cost <= PATTERN_LIMIT; k++) cost *= positions;
    for (int k = 0; k < s.optionals && cost <= PATTERN_LIMIT; k++) cost *= 2;
    if (cost > PATTERN_LIMIT)
        return luaL_error(L,
            "string.%s: a %d-character pattern is too costly on a %d-character text (%d repetition items%s); "
            "anchor it with ^, use fewer of * + - ?, shorten it, or split the text first (text.split, text.trim, text.contains)",
            fname, (int)m, (int)n, s.repetitions, s.anchored ? "" : ", unanchored");
    return 0;
}

int parley_guarded_find(lua_State *L) {
    check_pattern(L, "find", 1, 4);
    return call_original(L);
}

int parley_guarded_match(lua_State *L) {
    check_pattern(L, "match", 1, 0);
    return call_original(L);
}

int parley_guarded_gmatch(lua_State *L) {
    check_pattern(L, "gmatch", 0, 0);   /* in gmatch, '^' does not anchor */
    return call_original(L);
}

int parley_guarded_gsub(lua_State *L) {
    check_pattern(L, "gsub", 1, 0);
    return call_original(L);
}

/* table.sort and table.concat run in C from start to end: the budget is checked before
** each, so repeating them cannot outrun the wall-time budget by more than one call. */
int parley_checked_call(lua_State *L) {
    parley_check_budget(L);
    return call_original(L);
}
