/*
** Small blocks a Lua state freed, kept for its next allocations.
**
** Each call makes a few dozen small objects (conv, msg, their strings, result tables) and
** the collector frees them in bursts, which glibc's per-thread cache (7 blocks a size)
** mostly misses: most of them took malloc's slow paths. A state keeps at most CACHE_DEPTH
** freed blocks of each size class up to 256 bytes, about 70 KB at most, for its own next
** allocations. The budget never sees the cache: bytes_in_use counts what Lua holds, and
** which allocation fails is decided before a block is taken, as before.
*/
#include "shim_internal.h"
#include <stdlib.h>
#include <string.h>

#define CLASS_BYTES 16
#define CLASSES 16          /* blocks of up to 256 bytes are kept */
#define CACHE_DEPTH 32

typedef struct block_cache {
    void *head[CLASSES];    /* each free block's first word links to the next */
    int count[CLASSES];
} block_cache;

/* The class of a block of `size` bytes (> 0), or -1 for one too large to keep. */
static int class_of(size_t size) {
    return size > (size_t)CLASS_BYTES * CLASSES ? -1 : (int)((size - 1) / CLASS_BYTES);
}

/* What a block for `size` bytes is allocated with: its whole class for a small one, so
** that any block of a class can serve any size in it. */
static size_t capacity_of(size_t size) {
    int c = class_of(size);
    return c < 0 ? size : (size_t)(c + 1) * CLASS_BYTES;
}

void *parley_block_take(parley_budget *b, size_t size) {
    int c = class_of(size);
    block_cache *cache = b->block_cache;
    if (c >= 0 && cache != NULL && cache->head[c] != NULL) {
        void *block = cache->head[c];
        memcpy(&cache->head[c], block, sizeof(void *));
        cache->count[c]--;
        return block;
    }
    return malloc(capacity_of(size));
}

void parley_block_give(parley_budget *b, void *block, size_t size) {
    if (block == NULL) return;
    int c = size > 0 ? class_of(size) : -1;
    if (c >= 0 && b->block_cache == NULL) b->block_cache = calloc(1, sizeof(block_cache));
    block_cache *cache = b->block_cache;
    if (c < 0 || cache == NULL || cache->count[c] >= CACHE_DEPTH) {
        free(block);
        return;
    }
    memcpy(block, &cache->head[c], sizeof(void *));
    cache->head[c] = block;
    cache->count[c]++;
}

void *parley_block_resize(parley_budget *b, void *block, size_t old, size_t size) {
    if (capacity_of(old) == capacity_of(size) && class_of(size) >= 0) return block;   /* same class: it fits */
    if (class_of(old) < 0 && class_of(size) < 0) return realloc(block, size);         /* neither is kept */
    void *moved = parley_block_take(b, size);
    if (moved == NULL) return NULL;   /* the old block stays, as realloc leaves it */
    memcpy(moved, block, old < size ? old : size);
    parley_block_give(b, block, old);
    return moved;
}

void parley_budget_release(parley_budget *b) {
    block_cache *cache = b->block_cache;
    if (cache == NULL) return;
    for (int c = 0; c < CLASSES; c++) {
        while (cache->head[c] != NULL) {
            void *block = cache->head[c];
            memcpy(&cache->head[c], block, sizeof(void *));
            free(block);
        }
    }
    free(cache);
    b->block_cache = NULL;
}
