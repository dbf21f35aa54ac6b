/* The bare floor of the in-memory event path, for parley-bench's ratio row: the same work as
 * ../shared/bench/floor/bench.c, so that both can be run alternately with the pipeline. A C
 * host, Lua 5.4 with its standard libraries, a handler that lowercases the text and looks for
 * a word, and a C `send` that checks the contact's window in an open-addressing hash map and
 * returns a result table. */
#include "bench_floor.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SLOTS 65536
#define WINDOW_SECONDS 86400.0

static uint64_t slot_keys[SLOTS];
static double last_inbound[SLOTS];
static const double now = 1e9;

/* FNV-1a: cheap and good enough for a benchmark's keys. */
static uint64_t hash(const char *s, size_t n) {
  uint64_t x = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) { x ^= (unsigned char)s[i]; x *= 1099511628211ULL; }
  return x;
}

static int slot_of(uint64_t key) {
  uint64_t i = key & (SLOTS - 1);
  while (slot_keys[i] && slot_keys[i] != key) i = (i + 1) & (SLOTS - 1);
  slot_keys[i] = key;
  return (int)i;
}

static int floor_send(lua_State *L) {
  size_t n;
  const char *to = luaL_checklstring(L, 1, &n);
  luaL_checkstring(L, 2);
  int in_window = now < last_inbound[slot_of(hash(to, n))] + WINDOW_SECONDS;
  lua_createtable(L, 0, 3);
  lua_pushboolean(L, in_window);
  lua_setfield(L, -2, "ok");
  lua_pushstring(L, in_window ? "session" : "outside_window");
  lua_setfield(L, -2, in_window ? "kind" : "reason");
  return 1;
}

static const char *handler_source =
    "return function(conv, msg)\n"
    "  local t = msg.text:lower()\n"
    "  if t:find('order', 1, true) then return send(conv.contact, 'Your order is on its way.') end\n"
    "  return send(conv.contact, 'Sorry, ask me about your order.')\n"
    "end";

double bench_floor_ns_per_event(long events) {
  memset(slot_keys, 0, sizeof slot_keys);
  lua_State *L = luaL_newstate();
  if (!L) return -1;
  luaL_openlibs(L);
  lua_register(L, "send", floor_send);
  if (luaL_dostring(L, handler_source) != LUA_OK) { lua_close(L); return -1; }
  int handler = luaL_ref(L, LUA_REGISTRYINDEX);
  char contact[32];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < events; i++) {
    snprintf(contact, sizeof contact, "+1415555%04d", (int)(i % 10000));
    last_inbound[slot_of(hash(contact, strlen(contact)))] = now;  /* the inbound opens the window */
    lua_rawgeti(L, LUA_REGISTRYINDEX, handler);
    lua_createtable(L, 0, 1);
    lua_pushstring(L, contact);
    lua_setfield(L, -2, "contact");
    lua_createtable(L, 0, 1);
    lua_pushstring(L, (i & 1) ? "Where is my ORDER?" : "hello there");
    lua_setfield(L, -2, "text");
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) { lua_close(L); return -1; }
    lua_pop(L, 1);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  lua_close(L);
  double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  return seconds / (double)events * 1e9;
}
