/* test_kmem.c: the memory limit, reclaimers and accounting (RUMP_MEMLIMIT=1m). */
#include <stdint.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "kmem.h"

#define CHUNK	(64 * 1024)
#define NSLOTS	64

static void *km_chunks[NSLOTS];
static int km_nchunks;
static int km_reclaim_calls;

/* Gives back cached chunks, newest first, until want is met. */
static size_t
km_reclaim(void *arg, size_t want, int how __unused)
{
	size_t freed = 0;

	CHECK(arg == &km_nchunks);
	km_reclaim_calls++;
	while (freed < want && km_nchunks > 0) {
		kmem_free(km_chunks[--km_nchunks], CHUNK);
		freed += CHUNK;
	}
	return freed;
}

static struct kmem_reclaimer km_reclaimer = {
	.kr_name = "test",
	.kr_reclaim = km_reclaim,
	.kr_arg = &km_nchunks,
};

T_CASE(kmem_limit_reclaim)
{
	uint64_t base;
	void *p;
	char *s;

	kt_clear_env();
	setenv("RUMP_MEMLIMIT", "1m", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK_EQ(kmem_limit(), 1 << 20);
	rump_schedule();
	base = kmem_inuse();
	CHECK(base < CHUNK);

	/* fill to the limit: the allocation that would pass it fails */
	while ((p = kmem_alloc(CHUNK, KM_SLEEP)) != NULL) {
		CHECK(km_nchunks < NSLOTS);
		km_chunks[km_nchunks++] = p;
	}
	CHECK_EQ(km_nchunks, ((1 << 20) - base) / CHUNK);
	CHECK(kmem_inuse() <= kmem_limit());
	CHECK(kmem_pressure());
	CHECK(kmem_alloc(CHUNK, KM_NOSLEEP) == NULL);
	CHECK(kmem_zalloc(CHUNK, KM_SLEEP) == NULL);

	/* with a reclaimer the same allocation succeeds; NOSLEEP never reclaims */
	kmem_reclaimer_register(&km_reclaimer);
	CHECK(kmem_alloc(CHUNK, KM_NOSLEEP) == NULL);
	CHECK_EQ(km_reclaim_calls, 0);
	p = kmem_zalloc(CHUNK, KM_SLEEP);
	CHECK(p != NULL);
	CHECK(km_reclaim_calls >= 1);
	CHECK(((unsigned char *)p)[CHUNK - 1] == 0);
	kmem_reclaimer_unregister(&km_reclaimer);
	kmem_free(p, CHUNK);

	/* freeing alone makes room too */
	kmem_free(km_chunks[--km_nchunks], CHUNK);
	p = kmem_alloc(CHUNK, KM_SLEEP);
	CHECK(p != NULL);
	kmem_free(p, CHUNK);

	while (km_nchunks > 0)
		kmem_free(km_chunks[--km_nchunks], CHUNK);
	CHECK_EQ(kmem_inuse(), base);
	CHECK(!kmem_pressure());

	s = kmem_strdup("hello", KM_SLEEP);
	CHECK_STREQ(s, "hello");
	CHECK_EQ(kmem_inuse(), base + 6);
	kmem_strfree(s);
	CHECK_EQ(kmem_inuse(), base);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kmem_inuse(), 0);
}

/* Accounting from many threads at once stays exact. */
static void *
km_churn(void *arg)
{
	void *p[16];
	int i, j;

	(void)arg;
	rump_schedule();
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < 16; j++)
			CHECK((p[j] = kmem_alloc((size_t)(j + 1) * 8, KM_SLEEP)) != NULL);
		for (j = 0; j < 16; j++)
			kmem_free(p[j], (size_t)(j + 1) * 8);
	}
	rump_unschedule();
	return NULL;
}

T_CASE(kmem_accounting_threads)
{
	uint64_t base;

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	base = kmem_inuse();
	rump_unschedule();
	kt_run_threads(6, km_churn);
	/* the threads' implicit lwps are gone with them */
	CHECK_EQ(kmem_inuse(), base);
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kmem_inuse(), 0);
}
