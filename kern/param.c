/* param.c: the RUMP_* boot parameters, read from the environment once per rump_init(). */
#include "kernel.h"
#include "kern_private.h"
#include "rumpuser.h"

#include <rump/rump.h>

#define NCPU_MAX	256

struct rump_params rump_params;

static int	param_get(const char *name, char *buf, size_t buflen, bool *setp);

/* Digits only, nonempty, at most max: 0, EINVAL or ERANGE. */
static int
parse_digits(const char **sp, uint64_t max, uint64_t *vp)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return ERANGE;
		v = v * 10 + d;
	}
	*sp = s;
	*vp = v;
	return 0;
}

int
rump_parse_size(const char *s, uint64_t *resultp)
{
	uint64_t v, mult = 1;
	int error;

	if ((error = parse_digits(&s, UINT64_MAX, &v)) != 0)
		return error;
	switch (*s) {
	case 'k': case 'K': mult = 1ULL << 10; s++; break;
	case 'm': case 'M': mult = 1ULL << 20; s++; break;
	case 'g': case 'G': mult = 1ULL << 30; s++; break;
	}
	if (*s != '\0')
		return EINVAL;
	if (v > UINT64_MAX / mult)
		return ERANGE;
	*resultp = v * mult;
	return 0;
}

/* Fetch name; *setp false when unset.  A value too long to hold is bad. */
static int
param_get(const char *name, char *buf, size_t buflen, bool *setp)
{
	int error = rumpuser_getparam(name, buf, buflen);

	*setp = error == 0;
	if (error == ENOENT)
		return 0;
	if (error != 0) {
		kprintf("rump_init: %s: value too long\n", name);
		return EINVAL;
	}
	return 0;
}

/* An integer parameter in [min, max]; *vp keeps its default when unset. */
int
rump_param_uint(const char *name, uint64_t min, uint64_t max, uint64_t *vp, const char *what)
{
	char buf[64];
	const char *s = buf;
	uint64_t v;
	bool set;
	int error;

	if ((error = param_get(name, buf, sizeof(buf), &set)) != 0 || !set)
		return error;
	if (parse_digits(&s, UINT64_MAX, &v) != 0 || *s != '\0' || v < min || v > max) {
		kprintf("rump_init: %s: '%s' is not %s (%ju..%ju)\n", name, buf, what,
		    (uintmax_t)min, (uintmax_t)max);
		return EINVAL;
	}
	*vp = v;
	return 0;
}

static int
param_size(const char *name, uint64_t *vp)
{
	char buf[64];
	bool set;
	int error;

	if ((error = param_get(name, buf, sizeof(buf), &set)) != 0 || !set)
		return error;
	if (rump_parse_size(buf, vp) != 0) {
		kprintf("rump_init: %s: '%s' is not a size in bytes "
		    "(digits with an optional k, m or g suffix)\n", name, buf);
		return EINVAL;
	}
	return 0;
}

/*
 * Fill rp from the environment, defaults for what is unset.  The first
 * bad value is named in one line and makes the boot fail with EINVAL.
 */
int
rump_params_read(struct rump_params *rp)
{
	uint64_t ncpu = (uint64_t)MIN(rumpuser_ncpu(), NCPU_MAX);
	uint64_t threads = 1, nvnodes = 8192, verbose = 0, memlimit = 0, cachesize = 0;
	uint64_t blkcut = RUMP_BLKCUT_NONE;
	int error;

	if ((error = rump_param_uint("RUMP_NCPU", 1, NCPU_MAX, &ncpu, "a number of CPUs")) != 0 ||
	    (error = rump_param_uint("RUMP_THREADS", 0, 1, &threads, "a switch")) != 0 ||
	    (error = param_size("RUMP_MEMLIMIT", &memlimit)) != 0 ||
	    (error = param_size("RUMP_CACHESIZE", &cachesize)) != 0 ||
	    (error = rump_param_uint("RUMP_NVNODES", 1, UINT_MAX, &nvnodes, "a vnode count")) != 0 ||
	    (error = rump_param_uint("RUMP_VERBOSE", 0, 1, &verbose, "a switch")) != 0 ||
	    (error = rump_param_uint("RUMP_BLKCUT", 0, RUMP_BLKCUT_NONE - 1, &blkcut,
	    "a number of block writes")) != 0)
		return error;
	rp->rp_ncpu = (int)ncpu;
	rp->rp_threads = (int)threads;
	rp->rp_memlimit = memlimit;
	rp->rp_cachesize = cachesize;
	rp->rp_nvnodes = (unsigned)nvnodes;
	rp->rp_verbose = (int)verbose;
	rp->rp_blkcut = blkcut;
	return 0;
}
