/* kernel.h: what every piece of kernel code includes: types, assertions, console output, time. */
#ifndef KERN_KERNEL_H
#define KERN_KERNEL_H

/*
 * Kernel code may use the host's headers for types and constants
 * (errno values, O_*, S_I*, struct stat) and libc's pure functions
 * (memcpy, strlen, snprintf into a buffer); every host *service* goes
 * through rumpuser.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

typedef int32_t	lwpid_t;	/* NetBSD's; the host has none */

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	(howmany(x, y) * (y))
#define rounddown(x, y)	(((x) / (y)) * (y))
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#define __arraycount(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))
#define __unused	__attribute__((unused))
#define __predict_false(x)	__builtin_expect(!!(x), 0)
#define __predict_true(x)	__builtin_expect(!!(x), 1)

/* Console output (stderr of the host process), printf-style. */
void	kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	vkprintf(const char *fmt, va_list ap);
/* Only when RUMP_VERBOSE is set. */
void	kverbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* KASSERT is for the kernel's own invariants, never for on-disk data. */
#define KASSERT(e) do {							\
	if (__predict_false(!(e)))					\
		panic("kernel assertion \"%s\" failed: %s:%d",		\
		    #e, __FILE__, __LINE__);				\
} while (0)
#define KASSERTMSG(e, ...) do {						\
	if (__predict_false(!(e)))					\
		panic(__VA_ARGS__);					\
} while (0)

/* Time. */
void	getnanotime(struct timespec *ts);	/* wall clock */
void	getnanouptime(struct timespec *ts);	/* monotonic */
/* Sleep the calling lwp (its virtual CPU is released meanwhile). */
void	kpause_ms(unsigned ms);

/* Boot parameters, read once by rump_init() and constant afterwards. */
struct rump_params {
	int		rp_ncpu;	/* RUMP_NCPU: virtual CPUs (>= 1) */
	int		rp_threads;	/* RUMP_THREADS: 0 = no kernel threads */
	uint64_t	rp_memlimit;	/* RUMP_MEMLIMIT: bytes, 0 = unlimited */
	uint64_t	rp_cachesize;	/* RUMP_CACHESIZE: buffer-cache bound in bytes, 0 = the default */
	unsigned	rp_nvnodes;	/* RUMP_NVNODES: unreferenced vnodes kept */
	int		rp_verbose;	/* RUMP_VERBOSE */
	uint64_t	rp_blkcut;	/* RUMP_BLKCUT: block writes before the cut, RUMP_BLKCUT_NONE = none */
};
extern struct rump_params rump_params;

/*
 * A RUMP_* integer parameter in [min, max], for layers that own their
 * parameters; *vp keeps its default when unset.  A bad value is named
 * in one line (what says what was expected) and gives EINVAL.
 */
int	rump_param_uint(const char *name, uint64_t min, uint64_t max, uint64_t *vp,
	    const char *what);

/* Parse a RUMP_* style size: digits with an optional k/m/g suffix. 0 or EINVAL/ERANGE. */
int	rump_parse_size(const char *s, uint64_t *resultp);

#endif /* KERN_KERNEL_H */
