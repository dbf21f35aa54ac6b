/* Guarded library functions (guards.c, pairs.c). Each wrapper's upvalue 1 is the
** original function, where there is one. */
#ifndef PARLEY_GUARDS_H
#define PARLEY_GUARDS_H
#include "lua_shim.h"

int parley_guarded_rep(lua_State *L);
int parley_guarded_move(lua_State *L);
int parley_guarded_find(lua_State *L);
int parley_guarded_match(lua_State *L);
int parley_guarded_gmatch(lua_State *L);
int parley_guarded_gsub(lua_State *L);
int parley_ordered_pairs(lua_State *L);
int parley_ordered_next(lua_State *L);
int parley_checked_call(lua_State *L);
int parley_stable_tostring(lua_State *L);

#endif
