/* test_component.c: components start at rump_init in type order and stop in reverse; a failure unwinds. */
#include <rump/rump.h>

#include "component.h"
#include "kern_test.h"
#include "kernel.h"
#include "lwp.h"

static char co_log[64];
static int co_fail;		/* when set, the DEV component's init fails */

static void
co_note(char c)
{
	size_t n = strlen(co_log);

	CHECK(n + 1 < sizeof(co_log));
	co_log[n] = c;
	co_log[n + 1] = '\0';
}

/* Upper case: init; lower case: fini.  Each init checks it runs scheduled. */
#define CO_DEFINE(var, type, letter)					\
	static int var##_init(void)					\
	{								\
		CHECK(curlwp->l_cpu != NULL);				\
		co_note(letter);					\
		return 0;						\
	}								\
	static void var##_fini(void) { co_note((char)((letter) + 32)); } \
	static struct rump_component var = {				\
		.rc_type = type, .rc_name = #var,			\
		.rc_init = var##_init, .rc_fini = var##_fini,		\
	};								\
	RUMP_COMPONENT(var)

/* Registered (linked) out of type order on purpose. */
CO_DEFINE(co_fs1, RUMP_COMPONENT_FS, 'F')
CO_DEFINE(co_kern, RUMP_COMPONENT_KERN, 'K')
CO_DEFINE(co_vfs, RUMP_COMPONENT_VFS, 'V')
CO_DEFINE(co_fs2, RUMP_COMPONENT_FS, 'G')

static int
co_dev_init(void)
{
	co_note('D');
	return co_fail ? ENXIO : 0;
}

static void
co_dev_fini(void)
{
	co_note('d');
}

static struct rump_component co_dev = {
	.rc_type = RUMP_COMPONENT_DEV, .rc_name = "co_dev",
	.rc_init = co_dev_init, .rc_fini = co_dev_fini,
};
RUMP_COMPONENT(co_dev)

T_CASE(component_order)
{
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_STREQ(co_log, "KVFGD");
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_STREQ(co_log, "KVFGDdgfvk");

	/* a second boot starts them all again */
	co_log[0] = '\0';
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_STREQ(co_log, "KVFGDdgfvk");
}

T_CASE(component_init_fails)
{
	kt_clear_env();
	co_fail = 1;
	CHECK_ERR(rump_init(), ENXIO);
	/* the failed one is not stopped; the started ones are, in reverse */
	CHECK_STREQ(co_log, "KVFGDgfvk");
	CHECK_ERR(rump_shutdown(), 0);	/* not booted: nothing happens */
	CHECK_STREQ(co_log, "KVFGDgfvk");

	co_fail = 0;
	co_log[0] = '\0';
	CHECK_ERR(rump_init(), 0);
	CHECK_STREQ(co_log, "KVFGD");
	CHECK_ERR(rump_shutdown(), 0);
}

