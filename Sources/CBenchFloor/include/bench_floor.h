#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

/// The floor under any Lua-scripted runtime on this machine: `events` inbound messages, each
/// through one Lua handler that calls a C `send` checking a 24-hour window in a hash map.
/// No policy, no state, no Swift. Returns nanoseconds per event, or a negative number when
/// Lua fails.
double bench_floor_ns_per_event(long events);

/// Bytes malloc has handed out and not taken back (glibc's mallinfo2).
long long bench_heap_in_use(void);

#endif
