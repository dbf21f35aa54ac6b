/* What the shim's C files share with one another, and not with Swift (lua_shim.h). */
#ifndef PARLEY_SHIM_INTERNAL_H
#define PARLEY_SHIM_INTERNAL_H
#include "lua_shim.h"
#include <limits.h>

int parley_guarded_rep(lua_State *L);
int parley_guarded_find(lua_State *L);
int parley_guarded_match(lua_State *L);
int parley_guarded_gmatch(lua_State *L);
int parley_guarded_gsub(lua_State *L);
int parley_guarded_format(lua_State *L);
/* Pushes "table: 0x00000003": an object's name, numbered in order of first printing in
** this call, the same every run (pairs.c). */
void parley_push_stable_name(lua_State *L, int idx);
int parley_ordered_pairs(lua_State *L);
int parley_ordered_next(lua_State *L);
int parley_checked_entry(lua_State *L);
int parley_sandbox_load(lua_State *L);
void parley_check_on_entry(lua_State *L, int table);
void parley_open_random(lua_State *L, int math);
void parley_open_table_functions(lua_State *L, int table);
void parley_reset_call_caches(lua_State *L);
int parley_index_chain_length(lua_State *L, int idx);

/* Registry tables and sets (registry.c). */
void parley_registry_table(lua_State *L, const char *key, int weak);   /* [-0, +1, m] */
int parley_is_host_object(lua_State *L, int idx);
void parley_push_host_set(lua_State *L);   /* [-0, +1, m] */
int parley_is_walk_only(lua_State *L, int idx);

/* Read-only tables (readonly.c); `remembered`: settle.c puts its metamethod fields back. */
void parley_freeze(lua_State *L, int idx, int remembered);
/* Drops the modules the last call loaded for itself (settle.c). */
void parley_drop_call_modules(lua_State *L);
/* Remembers that `owner`'s `slot` must hold `value` after every call (settle.c). */
void parley_remember(lua_State *L, int owner, int slot, int value);
int parley_stable_tostring(lua_State *L);

/* The allocator's blocks (blockcache.c): take one for `size` bytes (> 0), give one back,
** resize one as realloc does (NULL on failure, the old block kept). */
void *parley_block_take(parley_budget *b, size_t size);
void parley_block_give(parley_budget *b, void *block, size_t size);
void *parley_block_resize(parley_budget *b, void *block, size_t old, size_t size);

#endif
