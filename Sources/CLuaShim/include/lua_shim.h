/*
** The C half of Parley's Lua host.
**
** Swift cannot import Lua's function-like macros, and must never be unwound by
** lua_error's longjmp. So everything that may raise lives here, in C:
**   - the budgeted allocator and the instruction hook (CPU, memory, wall time);
**   - the trampoline through which Lua calls Swift: the Swift function returns a
**     count or PARLEY_HOST_ERROR, and the trampoline raises once no Swift frame is left;
**   - the sandbox's guarded library functions (pcall, xpcall, setmetatable, string.rep,
**     table.move, the pattern functions, pairs...).
**
** Rule for Swift callers: touch the Lua API only between parley_host_enter and
** parley_host_leave (the trampoline does this for host functions). Inside, the budget
** is not enforced, so allocation cannot fail short of the process running out of
** memory, which aborts (as Swift itself would) instead of longjmp-ing through Swift.
** Use raw table access only, so no metamethod can run.
**
** Stack effects use the Lua manual's [-o, +p, x] notation.
*/
#ifndef PARLEY_LUA_SHIM_H
#define PARLEY_LUA_SHIM_H

#include <stddef.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* Why a budgeted call was stopped. */
enum {
    PARLEY_KILL_NONE = 0,
    PARLEY_KILL_INSTRUCTIONS = 1,
    PARLEY_KILL_MEMORY = 2,
    PARLEY_KILL_WALLTIME = 3
};

/* Returned by a Swift host function after pushing an error message. */
#define PARLEY_HOST_ERROR (-1)

/* The per-state accounting, owned by the Swift sandbox and passed as the allocator's ud. */
typedef struct parley_budget {
    size_t bytes_in_use;
    size_t peak_bytes;
    size_t byte_limit;            /* enforced only while armed and not in host code */
    long long instructions;       /* executed in the current call, in hook steps */
    long long instruction_limit;
    long long deadline_ns;        /* CLOCK_MONOTONIC; 0 = none */
    int host_depth;               /* > 0 while Swift host code runs */
    int armed;                    /* 1 while a budgeted call runs */
    int killed;                   /* PARLEY_KILL_*: sticky until the next arm */
    long long allocations_left;   /* for tests: fail the Nth allocation of a call; -1 = off */
    long long call_seed;          /* math.random's seed for this call (see parley_begin_call) */
    int random_seeded;            /* whether math.random has been seeded in this call */
    char kill_where[192];         /* "file:line" of the Lua code running when the kill was raised */
    void *block_cache;            /* small blocks freed, kept for reuse (blockcache.c) */
} parley_budget;

/* A Swift function callable from Lua through the trampoline. */
typedef int (*parley_host_fn)(lua_State *L);

/* A new state using the budgeted allocator, with a panic handler that aborts and the
** instruction hook installed. NULL when out of memory. */
lua_State *parley_newstate(parley_budget *budget);

/* Frees the blocks the allocator keeps for reuse: after lua_close, before the budget goes. */
void parley_budget_release(parley_budget *b);

/* Starts and ends a budgeted call. Limits of 0 mean none. */
void parley_budget_arm(parley_budget *b, long long instructions, size_t bytes, long long wall_ms);
void parley_budget_disarm(parley_budget *b);

/* Brackets for Swift code that touches the Lua API (see the rule above). */
void parley_host_enter(lua_State *L);
void parley_host_leave(lua_State *L);

/* Opens the sandboxed libraries into the global table, protected: base (without dofile,
** loadfile, print), string, table, math, utf8, coroutine, with the guarded functions,
** a locked string metatable and a fixed math.random seed. Returns a lua_pcall status;
** on failure the error message is on the stack. [-0, +(0|1), -] */
int parley_open_sandbox(lua_State *L);

/* A new strict environment table: reads fall through to the global table, new globals
** may be declared until parley_env_seal, then an undeclared name raises. Protected.
** Returns a status; on success the table is on the stack. [-0, +1, -] */
int parley_new_env(lua_State *L);
/* Seals the environment at index idx. Cannot raise. [-0, +0, -] */
void parley_env_seal(lua_State *L, int idx);
/* The same two as Lua functions, for the trusted prelude: new_env() and seal_env(t). */
int parley_lua_new_env(lua_State *L);
int parley_lua_seal_env(lua_State *L);
/* locate(f): a function that calls f and prefixes any error with its caller's position.
** For the script constructors: `return bot { ... }` is a tail call, which erases the
** script's frame from a Lua function's view, but not from a C function's. */
int parley_lua_locate(lua_State *L);
/* Pops a methods table and a loader function and pushes the __index for conversation
** tables: a method by name, or "state", which the loader produces on first use (it gets
** the conversation table) and which is then stored in the table. [-2, +1, m] */
void parley_push_conversation_index(lua_State *L);
/* Pushes a new conversation table: its text fields (`language` only if has_language) and the
** metatable kept at registry reference `metatable`. One call for what every handler call
** pushes, rather than one per field. Host mode. [-0, +1, m] */
void parley_push_conversation(lua_State *L, int metatable, const char *contact, size_t contact_len,
                              const char *number, size_t number_len, const char *owner, size_t owner_len,
                              int has_language, const char *language, size_t language_len);

/* freeze(t): a read-only view of t, for the library tables, so a script cannot keep data
** in them between conversations or change what the next call sees. */
int parley_lua_freeze(lua_State *L);

/* Pushes the table whose raw contents the table at idx shows: for a table made read-only
** (see readonly.c) its hidden contents, otherwise the table itself. Host code reads tables
** raw, so it must read through this. Cannot raise. [-0, +1, -] */
void parley_rawtarget(lua_State *L, int idx);

/* Pushes the trampoline as a closure over a Swift function, its context and an integer
** tag (which host function it is). Call only inside parley_host_enter/leave. [-0, +1, m] */
void parley_push_host_function(lua_State *L, parley_host_fn fn, void *context, lua_Integer tag);
/* Inside a host function: its context and tag. Cannot raise. */
void *parley_host_context(lua_State *L);
lua_Integer parley_host_tag(lua_State *L);

/* Compiles `text` (source only, never bytecode) into a function on the stack, or an error
** message, as lua_load does; the budget is checked between small pieces of the text, so
** arm it first. Never raises. [-0, +1, -] */
int parley_load_text(lua_State *L, const char *text, size_t length, const char *chunkname);

/* lua_pcall with no message handler; afterwards the budget's killed flag outranks the
** status. nresults must not be LUA_MULTRET. [-(nargs+1), +(nresults|1), -] */
int parley_pcall(lua_State *L, int nargs, int nresults);

/* Raises the kill if the running call is over its wall time or memory, or already
** killed: the guarded library functions call it before their work, the trampoline after a
** host call, so long C calls cannot add up between two hook steps. [-0, +0, v] */
void parley_check_budget(lua_State *L);

/* Before each budgeted call, in host mode: what one call may learn of the calls before it
** goes (the order of tostring's numbers, the traversal caches), and math.random starts
** from `seed` (derived from the call's conversation and time: the same scenario gives
** the same numbers, and one call's randomseed cannot reach the next). Cannot raise. */
void parley_begin_call(lua_State *L, long long seed);

/* After a call has returned, in host mode: puts back every local of the file that a
** handler reassigned, and every metamethod field of a read-only table (see settle.c).
** Returns how many were put back, and in *first the name of the first. Cannot raise. */
int parley_restore(lua_State *L, const char **first);

/* Makes everything reachable from the value at idx constant (settle.c): tables read-only
** in place, captured locals remembered for parley_restore. Host mode. Returns 0, or 1
** with an error message pushed (a live coroutine). [-0, +(0|1), m] */
int parley_settle(lua_State *L, int idx);
/* settle(value) as a Lua function, to run under a budget: a file's data, made read-only,
** takes more memory than before, and a file may hold much of it. Raises on error. */
int parley_lua_settle_now(lua_State *L);
/* Once a script's file has loaded: a module first required in a call is that call's only. */
void parley_modules_per_call(lua_State *L);
/* For the prelude: the table of this call's modules, or nil while files load. */
int parley_lua_call_modules(lua_State *L);
/* For the prelude: makes one table read-only in place (a Stdlib module scripts can reach). */
int parley_lua_make_read_only(lua_State *L);
/* From now on, each module settles when it has loaded (scripts' states, not specs'). */
void parley_settle_modules(lua_State *L);
/* settle(value) for the trusted prelude's require: settles the value when modules
** settle in this state, returns it; raises on error. */
int parley_lua_settle(lua_State *L);
/* Marks everything reachable from the value at idx as the host's: never frozen, never
** walked. Host mode, once the sandbox is ready. [-0, +0, m] */
void parley_mark_host(lua_State *L, int idx);
/* Marks the one object at idx as the host's (no walk). [-0, +0, m] */
void parley_host_object(lua_State *L, int idx);
/* Marks the table at idx as walked but never frozen (environments). [-0, +0, m] */
void parley_walk_only(lua_State *L, int idx);
/* Makes one table read-only in place (setmetatable does this to a metatable). [-0, +0, m] */
void parley_freeze_table(lua_State *L, int idx);
/* Whether the table at idx was made read-only. Cannot raise. */
int parley_is_frozen(lua_State *L, int idx);

/* Empties the conversation table at idx and makes any further use of it an error: its
** call has ended. Host mode. [-0, +0, m] */
void parley_retire_conversation(lua_State *L, int idx);

/* Raises the kill again when the running call was killed (for code that caught an error):
** from then on every instruction of the thread raises too. [-0, +0, v] */
int parley_raise_if_killed(lua_State *L);

/* The message the hook raises when a budget is exceeded. */
const char *parley_kill_message(int reason);

/* A full collection, in host mode (lua_gc is variadic, so Swift cannot call it). */
static inline void parley_collect_garbage(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }

/* Replacements for macros Swift cannot import. */
static inline void parley_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }                       /* lua_pop */
static inline void parley_newtable(lua_State *L) { lua_createtable(L, 0, 0); }                        /* lua_newtable */
static inline const char *parley_tostring(lua_State *L, int i, size_t *len) { return lua_tolstring(L, i, len); } /* lua_tolstring (on strings only) */
static inline int parley_registryindex(void) { return LUA_REGISTRYINDEX; }                          /* LUA_REGISTRYINDEX */
static inline int parley_upvalueindex(int i) { return lua_upvalueindex(i); }                          /* lua_upvalueindex */
static inline void parley_insert(lua_State *L, int idx) { lua_rotate(L, idx, 1); }                    /* lua_insert */
static inline void parley_remove(lua_State *L, int idx) { lua_rotate(L, idx, -1); lua_settop(L, -2); } /* lua_remove */
static inline void parley_pushglobaltable(lua_State *L) { lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); } /* lua_pushglobaltable */
static inline int parley_isnoneornil(lua_State *L, int idx) { return lua_type(L, idx) <= 0; }          /* lua_isnoneornil */

#endif
