/* kern_test.h: helpers shared by the kern unit tests: booting and running host threads. */
#ifndef TESTS_KERN_TEST_H
#define TESTS_KERN_TEST_H

#include <pthread.h>
#include <stdlib.h>

#include "t.h"

/* Clear every RUMP_* parameter so a case sees only what it sets. */
static inline void
kt_clear_env(void)
{
	static const char *const vars[] = {
		"RUMP_NCPU", "RUMP_THREADS", "RUMP_MEMLIMIT", "RUMP_NVNODES", "RUMP_VERBOSE",
	};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* Start n host threads running fn(i) and wait for all of them. */
static inline void
kt_run_threads(int n, void *(*fn)(void *))
{
	pthread_t th[64];
	int i;

	CHECK(n <= 64);
	for (i = 0; i < n; i++)
		CHECK(pthread_create(&th[i], NULL, fn, (void *)(intptr_t)i) == 0);
	for (i = 0; i < n; i++)
		CHECK(pthread_join(th[i], NULL) == 0);
}

#endif /* TESTS_KERN_TEST_H */
