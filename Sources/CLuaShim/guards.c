/*
** Library calls that no count hook can interrupt, because they run in C from start to
** end: string.rep and pattern matching. Measured on this machine without guards:
** string.rep('', 1e9) took 6.9 s and ('.-.-b') matched on 4,000 characters 132 s. Each
** guard refuses, before any work, a call whose worst case is too large, and says how to
** write it instead. (The table functions, whose loops can be checked as they go, are
** Parley's own: tablib.c.)
*/
#include "shim_internal.h"
#include <string.h>

/* Bytes (or iterations) string.rep may produce. */
#define REP_LIMIT (16.0 * 1024 * 1024)
/* Worst-case matcher steps for one pattern call, and byte comparisons for a plain find. */
#define PATTERN_LIMIT 1.0e8
#define PLAIN_LIMIT 1.0e9
/* Table reads (each possibly a step of an __index chain) for one call. */
#define TABLE_READ_LIMIT 2.0e7

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
        if (c == '%' && i + 1 < len && p[i + 1] >= '1' && p[i + 1] <= '9') {   /* %1: compares a whole capture */
            s.repetitions++;
            i += 2;
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
** each repetition item (a back-reference %1 counts as one: each try compares a capture as
** long as the subject), doubled for each optional item. */
static int check_pattern(lua_State *L, const char *fname, int honour_anchor, int plain_arg) {
    parley_check_budget(L);
    size_t n, m;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);
    pattern_shape s = shape_of(p, m, honour_anchor);
    /* Only find searches a plain text with a fast byte search; match, gmatch and gsub run
    ** the matcher one character at a time even on plain text, so they cost as patterns. */
    int plain = (plain_arg > 0 && lua_toboolean(L, plain_arg)) || (!s.has_specials && plain_arg > 0);
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

/* string.format: %p prints an address, and %s of a table without __tostring does too
** (luaL_tolstring bypasses tostring): either would make a transcript differ between runs.
** %s gets the stable name tostring gives; %p is refused. */
int parley_guarded_format(lua_State *L) {
    parley_check_budget(L);
    size_t len;
    const char *f = luaL_checklstring(L, 1, &len);
    int arg = 1;
    for (size_t i = 0; i < len; i++) {
        if (f[i] != '%' || ++i >= len || f[i] == '%') continue;
        while (i < len && strchr("-+ #0", f[i]) != NULL) i++;
        while (i < len && f[i] >= '0' && f[i] <= '9') i++;
        if (i < len && f[i] == '.') {
            i++;
            while (i < len && f[i] >= '0' && f[i] <= '9') i++;
        }
        if (i >= len) break;
        arg++;
        if (f[i] == 'p') return luaL_error(L, "string.format: %%p prints an address, different every run; use tostring");
        if (f[i] != 's' || arg > lua_gettop(L)) continue;
        int t = lua_type(L, arg);
        if (t != LUA_TTABLE && t != LUA_TFUNCTION && t != LUA_TTHREAD && t != LUA_TUSERDATA) continue;
        if (luaL_getmetafield(L, arg, "__tostring") != LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        parley_push_stable_name(L, arg);
        lua_replace(L, arg);
    }
    return call_original(L);
}

/* gsub with a table replacement reads it once per match, and each read may walk an
** __index chain up to 2,000 tables deep, in C. */
int parley_guarded_gsub(lua_State *L) {
    check_pattern(L, "gsub", 1, 0);
    if (lua_type(L, 3) == LUA_TTABLE) {
        size_t n = lua_rawlen(L, 1);
        double cost = ((double)n + 1) * (1 + parley_index_chain_length(L, 3));
        if (cost > TABLE_READ_LIMIT)
            return luaL_error(L, "string.gsub: a replacement table behind an __index chain %d tables deep, on a "
                                 "%d-byte text, is too costly; use a plain table or a function",
                              parley_index_chain_length(L, 3), (int)n);
    }
    return call_original(L);
}

/* The wrapper every plain library function gets (upvalue 1: the function): the budget is
** checked as the call starts, then the function runs in this same frame, as if called
** directly, so arguments, errors and their function names are unchanged. */
int parley_checked_entry(lua_State *L) {
    parley_check_budget(L);
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

void parley_check_on_entry(lua_State *L, int table) {
    table = lua_absindex(L, table);
    lua_pushnil(L);
    while (lua_next(L, table) != 0) {
        /* Only functions without upvalues can run in the wrapper's frame; Parley's own
        ** closures check the budget themselves. */
        int plain = 0;
        if (lua_iscfunction(L, -1)) {
            if (lua_getupvalue(L, -1, 1) == NULL) plain = 1;
            else lua_pop(L, 1);
        }
        if (plain) {
            lua_pushcclosure(L, parley_checked_entry, 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, table);
        } else {
            lua_pop(L, 1);
        }
    }
}

/* How many tables deep the __index chain of the value at idx goes (up to Lua's own
** limit, 2,000): each read through it may walk them all. A function ends the chain, since
** its own work is budgeted. Cannot raise. */
int parley_index_chain_length(lua_State *L, int idx) {
    int length = 0;
    lua_pushvalue(L, idx);
    while (length < 2000 && lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "__index");
        int kind = lua_rawget(L, -2);
        lua_remove(L, -2);
        lua_remove(L, -2);
        if (kind == LUA_TNIL || kind == LUA_TFUNCTION) break;
        length++;
    }
    lua_pop(L, 1);
    return length;
}
