/*
 * arena.c - a bump allocator for objects that live and die together.
 *
 * A scenario is hundreds of small strings and arrays that are all freed
 * at once; an arena makes that one call and removes a whole class of leak
 * and double-free. Memory comes in blocks of at least 64 KiB; a request
 * larger than a block gets a block of its own. Every allocation is zeroed
 * and aligned to max_align_t. There is no per-object free.
 */
#include "base/internal.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 64 * 1024 };

struct block {
	struct block *next;
	size_t size; /* bytes usable in data */
	size_t used; /* bytes handed out */
	alignas(max_align_t) unsigned char data[];
};

struct sf_arena {
	struct block *head; /* current block first */
};

sf_arena *sf__arena_new(void)
{
	return calloc(1, sizeof(sf_arena));
}

void sf__arena_free(sf_arena *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *sf__arena_alloc(sf_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) & ~(align - 1);

	struct block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		if (size > SIZE_MAX - sizeof(struct block))
			return NULL;
		b = malloc(sizeof(struct block) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		/* A block for one large object goes second, so the current
		 * block keeps serving small requests. */
		if (a->head && n > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

void *sf__arena_calloc(sf_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return sf__arena_alloc(a, count * size);
}

char *sf__arena_strndup(sf_arena *a, const char *s, size_t n)
{
	char *p = sf__arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sf__arena_strdup(sf_arena *a, const char *s)
{
	if (!s)
		return NULL;
	return sf__arena_strndup(a, s, strlen(s));
}
