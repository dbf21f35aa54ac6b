/* Guarded library functions (guards.c, pairs.c). Each wrapper's upvalue 1 is the
** original function, where there is one. */
#ifndef PARLEY_GUARDS_H
#define PARLEY_GUARDS_H
#include "lua_shim.h"
#include <limits.h>

int parley_guarded_rep(lua_State *L);
int parley_guarded_find(lua_State *L);
int parley_guarded_match(lua_State *L);
int parley_guarded_gmatch(lua_State *L);
int parley_guarded_gsub(lua_State *L);
int parley_ordered_pairs(lua_State *L);
int parley_ordered_next(lua_State *L);
int parley_checked_entry(lua_State *L);
void parley_check_on_entry(lua_State *L, int table);
void parley_open_random(lua_State *L, int math);
void parley_open_table_functions(lua_State *L, int table);
void parley_reset_call_caches(lua_State *L);
int parley_index_chain_length(lua_State *L, int idx);
int parley_stable_tostring(lua_State *L);

#endif
