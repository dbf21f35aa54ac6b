/*
** The bytes malloc has handed out and not taken back, for parley-bench's memory row: the
** resident size does not move when freed pages are reused, so it cannot measure growth
** after the other rows ran.
*/
#include <malloc.h>
#include "bench_floor.h"

long long bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return (long long)(info.uordblks + info.hblkhd);
}
