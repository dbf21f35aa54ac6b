/*
** The budgets of a sandboxed state: memory through the allocator, CPU and wall time
** through a count hook. Once a budget is exceeded the killed flag stays set until the
** next call is armed, and every hook (and the sandbox's pcall) raises again, so a script
** cannot swallow its own termination.
*/
#include "lua_shim.h"
#include "shim_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* How often the hook runs. Any count hook costs about 2x on tight loops (with one set,
** Lua checks it at every instruction); this count decides how fast an overrun is
** noticed, since one instruction may compare two 16 MB strings. */
#define HOOK_STEP 256

static const char *const kill_messages[] = {
    "",
    "script stopped: instruction budget exceeded",
    "script stopped: memory budget exceeded",
    "script stopped: wall-time budget exceeded",
};

const char *parley_kill_message(int reason) {
    return (reason > 0 && reason <= PARLEY_KILL_WALLTIME) ? kill_messages[reason] : "script stopped";
}

/* The coarse clock: a few nanoseconds to read, which every library call can afford, at a
** resolution (a few milliseconds) far finer than any budget. */
static long long monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static parley_budget *budget_of(lua_State *L) {
    void *ud;
    lua_getallocf(L, &ud);
    return (parley_budget *)ud;
}

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    parley_budget *b = (parley_budget *)ud;
    size_t old = ptr ? osize : 0;   /* without ptr, osize tells the object's type */
    if (nsize == 0) {
        parley_block_give(b, ptr, old);
        b->bytes_in_use -= old;
        return NULL;
    }
    int over_budget = b->byte_limit > 0 && b->bytes_in_use - old + nsize > b->byte_limit;
    int injected = b->allocations_left == 0;
    if (b->allocations_left > 0 && b->armed && b->host_depth == 0) b->allocations_left--;
    if (nsize > old && b->armed && b->host_depth == 0 && (over_budget || injected)) {
        /* A memory overrun is a kill, not an ordinary error: pcall must not hide it. */
        if (b->killed == PARLEY_KILL_NONE) b->killed = PARLEY_KILL_MEMORY;
        return NULL;
    }
    void *p = ptr ? parley_block_resize(b, ptr, old, nsize) : parley_block_take(b, nsize);
    if (p == NULL) {
        /* Host code must never see an allocation fail: that would longjmp through Swift. */
        if (b->host_depth > 0) {
            fputs("parley: out of memory in host code\n", stderr);
            abort();
        }
        return NULL;
    }
    b->bytes_in_use = b->bytes_in_use - old + nsize;
    if (b->bytes_in_use > b->peak_bytes) b->peak_bytes = b->bytes_in_use;
    return p;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Raises the kill message. The strings are static, and pushing one may allocate, which
** near the memory limit fails into a memory error: the host trusts the flag, not the
** error, so either way the call ends as killed. From the kill on, the hook fires at every
** instruction of this thread: unwinding runs each pending __close handler, and each must
** stop at its first instruction, not after a step of its own. */
static void note_kill_where(lua_State *L, parley_budget *b) {
    lua_Debug ar;
    if (b->kill_where[0] != '\0') return;   /* the first place is the one that overran */
    for (int level = 0; level < 4 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(b->kill_where, sizeof b->kill_where, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

static void raise_kill(lua_State *L, int reason) {
    note_kill_where(L, budget_of(L));
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_pushstring(L, parley_kill_message(reason));
    lua_error(L);
}

int parley_raise_if_killed(lua_State *L) {
    int reason = budget_of(L)->killed;
    if (reason != PARLEY_KILL_NONE) raise_kill(L, reason);
    return 0;
}

/* Between hook steps: a library call (or host call) that took long, or grew the state
** past its memory budget, is a kill too. Raises when the call is killed. */
void parley_check_budget(lua_State *L) {
    parley_budget *b = budget_of(L);
    if (!b->armed || b->host_depth > 0) return;
    if (b->killed == PARLEY_KILL_NONE) {
        if (b->deadline_ns > 0 && monotonic_ns() > b->deadline_ns) b->killed = PARLEY_KILL_WALLTIME;
        else if (b->byte_limit > 0 && b->bytes_in_use > b->byte_limit) b->killed = PARLEY_KILL_MEMORY;
    }
    if (b->killed != PARLEY_KILL_NONE) raise_kill(L, b->killed);
}

static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    parley_budget *b = budget_of(L);
    if (!b->armed) return;
    b->instructions += HOOK_STEP;
    if (b->killed == PARLEY_KILL_NONE) {
        if (b->instruction_limit > 0 && b->instructions > b->instruction_limit)
            b->killed = PARLEY_KILL_INSTRUCTIONS;
        else if (b->deadline_ns > 0 && monotonic_ns() > b->deadline_ns)
            b->killed = PARLEY_KILL_WALLTIME;
    }
    if (b->killed != PARLEY_KILL_NONE) raise_kill(L, b->killed);
}

static int panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
    fprintf(stderr, "parley: unprotected Lua error (a host bug): %s\n", msg);
    abort();
    return 0;
}

lua_State *parley_newstate(parley_budget *budget) {
    lua_State *L = lua_newstate(budget_alloc, budget);
    if (L == NULL) return NULL;
    lua_atpanic(L, panic);
    /* Coroutines copy their creator's hook, so a spinning coroutine is counted too. */
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
    return L;
}

void parley_budget_arm(parley_budget *b, long long instructions, size_t bytes, long long wall_ms) {
    b->instructions = 0;
    b->instruction_limit = instructions;
    b->byte_limit = bytes;
    b->deadline_ns = wall_ms > 0 ? monotonic_ns() + wall_ms * 1000000LL : 0;
    b->killed = PARLEY_KILL_NONE;
    b->kill_where[0] = '\0';
    b->random_seeded = 0;
    b->armed = 1;
}

void parley_begin_call(lua_State *L, long long seed) {
    parley_budget *b = budget_of(L);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);   /* a kill may have made it every instruction */
    b->call_seed = seed;
    b->random_seeded = 0;
    parley_reset_call_caches(L);
}

void parley_budget_disarm(parley_budget *b) {
    b->armed = 0;
}

void parley_host_enter(lua_State *L) { budget_of(L)->host_depth++; }
void parley_host_leave(lua_State *L) { budget_of(L)->host_depth--; }

int parley_pcall(lua_State *L, int nargs, int nresults) {
    int status = lua_pcall(L, nargs, nresults, 0);
    parley_budget *b = budget_of(L);
    if (b->killed != PARLEY_KILL_NONE && status == LUA_OK) {
        /* Killed, yet the script's code caught every raise: still a kill. */
        if (nresults > 0) lua_settop(L, -nresults - 1);
        lua_pushstring(L, parley_kill_message(b->killed));
        status = LUA_ERRRUN;
    }
    return status;
}
