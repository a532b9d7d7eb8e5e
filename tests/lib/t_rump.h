/* t_rump.h: booting and halting a rump kernel in a test case. */
#ifndef TESTS_T_RUMP_H
#define TESTS_T_RUMP_H

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include "t.h"

/* Boot with umask 0 so modes come out as asked. */
static inline void
t_boot(void)
{
	CHECK_ERR(rump_init(), 0);
	rump_sys_umask(0);
}

/* Shut down, which must succeed (and leaves nothing for LSan to find). */
static inline void
t_halt(void)
{
	CHECK_ERR(rump_shutdown(), 0);
}

#endif /* TESTS_T_RUMP_H */
