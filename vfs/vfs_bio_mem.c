/*
 * vfs_bio_mem.c: memory for buffer contents.  Buffers come and go by the
 * hundred thousand, nearly all of one size (the file system's block).
 * From malloc each new one touched fresh pages (a fault each, and glibc
 * growing a thread's arena by mprotect): a fifth of a 512 MiB write.
 * Here pieces of one size are cut from 2 MiB chunks that the host maps
 * aligned and is asked to back with huge pages; a freed piece is reused
 * by the next buffer of its size; chunks go back at shutdown.  Kernel
 * memory is charged per piece, as with kmem_alloc, so RUMP_MEMLIMIT and
 * the reclaimers see the same numbers.  Sanitizer builds keep kmem_alloc:
 * ASan then still catches a buffer overrun into its neighbour.
 */
#include "kmem.h"
#include "rumpuser.h"
#include "vfs_bio_impl.h"

#if defined(__SANITIZE_ADDRESS__)
#define BMEM_MALLOC	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BMEM_MALLOC	1
#endif
#endif

#define BMEM_CHUNK	(2u << 20)

struct bmem_chunk {
	void			*mc_base;
	LIST_ENTRY(bmem_chunk)	mc_list;
};

struct bmem_class {
	void		*bc_free;	/* freed pieces, linked through their first word */
	char		*bc_cur;	/* the rest of the class's current chunk */
	size_t		bc_left;
};

static struct {
	kmutex_t		m_lock;
	struct bmem_class	m_class[BIO_NFREE];	/* by size / DEV_BSIZE - 1 */
	LIST_HEAD(, bmem_chunk)	m_chunks;
	unsigned		m_nchunks;
} bmem;

void
bio_mem_init(void)
{
	memset(&bmem, 0, sizeof bmem);
	mutex_init(&bmem.m_lock);
	LIST_INIT(&bmem.m_chunks);
}

void
bio_mem_fini(void)
{
	struct bmem_chunk *mc;

	while ((mc = LIST_FIRST(&bmem.m_chunks)) != NULL) {
		LIST_REMOVE(mc, mc_list);
		rumpuser_unmap(mc->mc_base, BMEM_CHUNK);
		kmem_free(mc, sizeof(*mc));
	}
	bmem.m_nchunks = 0;
	mutex_destroy(&bmem.m_lock);
}

/* Kernel memory the allocator keeps for itself (its chunks' records): a cache, not buffers. */
uint64_t
bio_mem_kept(void)
{
	uint64_t n;

	mutex_enter(&bmem.m_lock);
	n = (uint64_t)bmem.m_nchunks * sizeof(struct bmem_chunk);
	mutex_exit(&bmem.m_lock);
	return n;
}

#ifndef BMEM_MALLOC
/* A piece from the class: a freed one, or cut from its chunk (a new chunk when that is used up). */
static void *
bmem_take(struct bmem_class *bc, size_t size)
{
	struct bmem_chunk *mc;
	void *p;

	if ((p = bc->bc_free) != NULL) {
		bc->bc_free = *(void **)p;
		return p;
	}
	if (bc->bc_left < size) {
		if ((mc = kmem_alloc(sizeof(*mc), KM_NOSLEEP)) == NULL)
			return NULL;
		if (rumpuser_anonmap(BMEM_CHUNK, BMEM_CHUNK, &mc->mc_base) != 0) {
			kmem_free(mc, sizeof(*mc));
			return NULL;
		}
		LIST_INSERT_HEAD(&bmem.m_chunks, mc, mc_list);
		bmem.m_nchunks++;
		bc->bc_cur = mc->mc_base;
		bc->bc_left = BMEM_CHUNK;
	}
	p = bc->bc_cur;
	bc->bc_cur += size;
	bc->bc_left -= size;
	return p;
}
#endif

#ifdef BMEM_MALLOC
void *
bio_mem_alloc(int size, int flags)
{
	return kmem_alloc((size_t)size, flags);
}

void
bio_mem_free(void *p, int size)
{
	kmem_free(p, (size_t)size);
}
#else
void *
bio_mem_alloc(int size, int flags)
{
	void *p;

	KASSERT(size > 0 && size <= MAXBSIZE);
	if (size % DEV_BSIZE != 0)
		return kmem_alloc((size_t)size, flags);
	if (!kmem_charge_bytes((size_t)size, flags))
		return NULL;
	mutex_enter(&bmem.m_lock);
	p = bmem_take(&bmem.m_class[size / DEV_BSIZE - 1], (size_t)size);
	mutex_exit(&bmem.m_lock);
	if (p == NULL)
		kmem_uncharge_bytes((size_t)size);
	return p;
}

void
bio_mem_free(void *p, int size)
{
	struct bmem_class *bc;

	if (size % DEV_BSIZE != 0) {
		kmem_free(p, (size_t)size);
		return;
	}
	bc = &bmem.m_class[size / DEV_BSIZE - 1];
	mutex_enter(&bmem.m_lock);
	*(void **)p = bc->bc_free;
	bc->bc_free = p;
	mutex_exit(&bmem.m_lock);
	kmem_uncharge_bytes((size_t)size);
}
#endif
