/* fuzz.h: librumpfuzz, the harness that fuzzes a rump file system in process (see rumpfuzz(3)). */
#ifndef RUMP_FUZZ_H
#define RUMP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where each input's image is while it runs, and where it is mounted. */
#define RUMPFUZZ_DEVICE		"/dev/rumpfuzz0"
#define RUMPFUZZ_MOUNTPOINT	"/mnt"

/* rumpfuzz_init flags */
#define RUMPFUZZ_F_NOABORT	0x1	/* a finding is returned (RUMPFUZZ_FINDING), not abort() */
#define RUMPFUZZ_F_VERBOSE	0x2	/* print each step and each operation on stderr */
#define RUMPFUZZ_F_FSCK		0x4	/* slow oracle for types without an in-process checker (e2fsck -fn) */
#define RUMPFUZZ_F_NOCHECK	0x8	/* no consistency oracle at all */

/* What rumpfuzz_run made of an input. */
enum rumpfuzz_outcome {
	RUMPFUZZ_REJECTED,	/* not decodable (bad RFZ1 header, image too small or too large) */
	RUMPFUZZ_NOTMOUNTED,	/* no type recognised it, or every mount refused it */
	RUMPFUZZ_MOUNTED_RW,	/* mounted read-write, program run, unmounted */
	RUMPFUZZ_MOUNTED_RO,	/* mounted read-only only, program run (writes refused), unmounted */
	RUMPFUZZ_FINDING,	/* an oracle fired (RUMPFUZZ_F_NOABORT only): rumpfuzz_finding() says which */
};

/*
 * Boot the rump kernel once and remember the type to fuzz: fstype names a
 * linked file-system type ("ext2fs", "ffs", your own), or NULL to detect
 * each image's type through the types' probes.  Reads RUMPFUZZ_FSCK=1
 * (adds RUMPFUZZ_F_FSCK), RUMPFUZZ_TIMEOUT (seconds per input, default 20,
 * 0 = no watchdog) and RUMPFUZZ_VERBOSE=1.  Returns 0 or a positive errno.
 */
int	rumpfuzz_init(const char *fstype, unsigned flags);

/* Run one input (layout in rumpfuzz(3)); returns an enum rumpfuzz_outcome. */
int	rumpfuzz_run(const uint8_t *data, size_t size);

/* The last finding's one-line description ("" if none). */
const char *rumpfuzz_finding(void);
const char *rumpfuzz_outcome_name(int outcome);

/*
 * A hook called after the program, with the mount point, before the
 * unmount: where a component's own tests add checks or operations.
 */
void	rumpfuzz_set_hook(void (*hook)(const char *mnt, void *arg), void *arg);

/*
 * The expanded image of the input being run (the memory under
 * RUMPFUZZ_DEVICE), for a hook: 0, or ENOENT outside a run.
 */
int	rumpfuzz_image(uint8_t **imgp, size_t *lenp);

/*
 * The plain replay main: `PROG -run FILE|DIR...` runs each file (a
 * directory: each regular file in it) and prints per file its outcome;
 * exit status 0 if no finding, 1 otherwise (findings do not abort here),
 * 2 for a usage error.  -v prints the decoded program as it runs.
 */
int	rumpfuzz_main(const char *fstype, int argc, char **argv);

/*
 * Mutate an input in place keeping its RFZ1 layout valid: generic (e.g.
 * LLVMFuzzerMutate) is applied to the image part or to the program part;
 * a raw image is mutated as a whole.  Returns the new size.
 */
size_t	rumpfuzz_mutate(uint8_t *data, size_t size, size_t maxsize, unsigned seed,
	    size_t (*generic)(uint8_t *d, size_t size, size_t maxsize));

#ifdef __cplusplus
}
#endif
#endif /* RUMP_FUZZ_H */
