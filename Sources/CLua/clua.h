// The Lua 5.4 C API, from Debian's liblua5.4-dev (pkg-config: lua5.4).
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
