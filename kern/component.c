/* component.c: components linked into the program, started by rump_init() in type order. */
#include "component.h"
#include "kernel.h"
#include "kern_private.h"

/* Registration runs from constructors, before main: a list, no allocation. */
static struct rump_component *components;
static struct rump_component **components_tail = &components;
static int components_started;		/* how many, in start order, are up */

void
rump_component_register(struct rump_component *rc)
{
	struct rump_component *c;

	for (c = components; c != NULL; c = c->rc_next)
		if (c == rc)
			return;		/* a library linked twice registers twice */
	rc->rc_next = NULL;
	*components_tail = rc;
	components_tail = &rc->rc_next;
}

/* The n-th component in start order (by type, then by registration). */
static struct rump_component *
component_nth(int n)
{
	struct rump_component *rc;
	int type;

	for (type = 0; type < RUMP_COMPONENT_MAX; type++)
		for (rc = components; rc != NULL; rc = rc->rc_next)
			if ((int)rc->rc_type == type && n-- == 0)
				return rc;
	return NULL;
}

int
component_start_all(void)
{
	struct rump_component *rc;
	int error;

	KASSERT(components_started == 0);
	while ((rc = component_nth(components_started)) != NULL) {
		error = rc->rc_init != NULL ? rc->rc_init() : 0;
		if (error != 0) {
			kprintf("rump_init: component %s failed: error %d\n", rc->rc_name, error);
			component_stop_all();
			return error;
		}
		kverbose("rump_init: component %s started\n", rc->rc_name);
		components_started++;
	}
	return 0;
}

void
component_stop_all(void)
{
	struct rump_component *rc;

	while (components_started > 0) {
		rc = component_nth(--components_started);
		if (rc->rc_fini != NULL)
			rc->rc_fini();
	}
}
