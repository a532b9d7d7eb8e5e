/* failnth.h: repeatable one-shot fault injection for tests: the n-th counted event from arming fails. */
#ifndef KERN_FAILNTH_H
#define KERN_FAILNTH_H

#include <stdbool.h>
#include <stdint.h>

struct failnth {
	uint64_t	fn_left;	/* atomic: events left before the failing one; 0 = off */
	uint64_t	fn_hits;	/* atomic: failures injected */
};

/* Arm f so that the n-th failnth_now() from here returns true (0 disarms). */
void	failnth_arm(struct failnth *f, uint64_t n);
/* Count one event: whether it is the one to fail. */
bool	failnth_now(struct failnth *f);
uint64_t failnth_hits(const struct failnth *f);

#endif /* KERN_FAILNTH_H */
