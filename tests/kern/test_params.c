/* test_params.c: RUMP_* parameter parsing, boot refusal of bad values, boot/shutdown cycles. */
#include <stdint.h>
#include <unistd.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "kmem.h"
#include "locks.h"

T_CASE(params_defaults)
{
	long host = sysconf(_SC_NPROCESSORS_ONLN);

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_EQ(rump_params.rp_ncpu, host > 256 ? 256 : host);
	CHECK_EQ(rump_params.rp_threads, 1);
	CHECK_EQ(rump_params.rp_memlimit, 0);
	CHECK_EQ(rump_params.rp_nvnodes, 8192);
	CHECK_EQ(rump_params.rp_verbose, 0);
	CHECK_EQ(kmem_limit(), 0);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(params_set)
{
	kt_clear_env();
	setenv("RUMP_NCPU", "3", 1);
	setenv("RUMP_THREADS", "0", 1);
	setenv("RUMP_MEMLIMIT", "1m", 1);
	setenv("RUMP_NVNODES", "7", 1);
	setenv("RUMP_VERBOSE", "1", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK_EQ(rump_params.rp_ncpu, 3);
	CHECK_EQ(rump_params.rp_threads, 0);
	CHECK_EQ(rump_params.rp_memlimit, 1 << 20);
	CHECK_EQ(kmem_limit(), 1 << 20);
	CHECK_EQ(rump_params.rp_nvnodes, 7);
	CHECK_EQ(rump_params.rp_verbose, 1);
	CHECK(!rump_locks_up());
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(params_bad)
{
	static const struct { const char *var, *value; } bad[] = {
		{ "RUMP_NCPU", "abc" }, { "RUMP_NCPU", "0" }, { "RUMP_NCPU", "-1" },
		{ "RUMP_NCPU", "999999" }, { "RUMP_NCPU", "" }, { "RUMP_NCPU", "2x" },
		{ "RUMP_NCPU", "257" }, { "RUMP_NCPU", "99999999999999999999999" },
		{ "RUMP_MEMLIMIT", "12q" }, { "RUMP_MEMLIMIT", "-5" }, { "RUMP_MEMLIMIT", "" },
		{ "RUMP_MEMLIMIT", "k" }, { "RUMP_MEMLIMIT", "1mm" }, { "RUMP_MEMLIMIT", "99999999999g" },
		{ "RUMP_MEMLIMIT", "1 m" },
		{ "RUMP_NVNODES", "0" }, { "RUMP_NVNODES", "x" }, { "RUMP_NVNODES", "5000000000" },
		{ "RUMP_THREADS", "x" }, { "RUMP_THREADS", "2" }, { "RUMP_THREADS", "" },
		{ "RUMP_VERBOSE", "yes" },
	};
	size_t i;
	int error;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kt_clear_env();
		setenv(bad[i].var, bad[i].value, 1);
		error = rump_init();
		if (error != EINVAL)
			t_fail(__FILE__, __LINE__, "%s='%s': rump_init returned %d, wanted EINVAL",
			    bad[i].var, bad[i].value, error);
	}
	/* a refused boot leaves nothing behind: a good one works after it */
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(params_parse_size)
{
	uint64_t v;

	CHECK_ERR(rump_parse_size("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_ERR(rump_parse_size("123", &v), 0);
	CHECK_EQ(v, 123);
	CHECK_ERR(rump_parse_size("4k", &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_ERR(rump_parse_size("4K", &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_ERR(rump_parse_size("1m", &v), 0);
	CHECK_EQ(v, 1 << 20);
	CHECK_ERR(rump_parse_size("3M", &v), 0);
	CHECK_EQ(v, 3 << 20);
	CHECK_ERR(rump_parse_size("2g", &v), 0);
	CHECK_EQ(v, 2ULL << 30);
	CHECK_ERR(rump_parse_size("2G", &v), 0);
	CHECK_EQ(v, 2ULL << 30);
	CHECK_ERR(rump_parse_size("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_ERR(rump_parse_size("18446744073709551616", &v), ERANGE);
	CHECK_ERR(rump_parse_size("17179869184g", &v), ERANGE);
	CHECK_ERR(rump_parse_size("", &v), EINVAL);
	CHECK_ERR(rump_parse_size("12q", &v), EINVAL);
	CHECK_ERR(rump_parse_size("-5", &v), EINVAL);
	CHECK_ERR(rump_parse_size("m", &v), EINVAL);
	CHECK_ERR(rump_parse_size("1kb", &v), EINVAL);
	CHECK_ERR(rump_parse_size(" 1", &v), EINVAL);
}

T_CASE(init_twice)
{
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_init(), EBUSY);
	CHECK_ERR(rump_shutdown(), 0);
}

/* Boot, shut down and boot again with other parameters, in one process. */
T_CASE(init_shutdown_init)
{
	kmutex_t m;

	kt_clear_env();
	setenv("RUMP_NCPU", "2", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK(!rump_locks_up());
	rump_schedule();
	mutex_init(&m);
	mutex_enter(&m);
	mutex_exit(&m);
	mutex_destroy(&m);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kmem_inuse(), 0);

	setenv("RUMP_NCPU", "1", 1);
	setenv("RUMP_MEMLIMIT", "64k", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK(rump_locks_up());
	CHECK_EQ(kmem_limit(), 65536);
	rump_schedule();
	mutex_init(&m);
	mutex_enter(&m);
	CHECK(mutex_owned(&m));
	mutex_exit(&m);
	mutex_destroy(&m);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kmem_inuse(), 0);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
}
