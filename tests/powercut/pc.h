/* pc.h: the power-cut sweep: a workload cut after its n-th block write, fsck, and the fsync'd files read back. */
#ifndef TESTS_POWERCUT_PC_H
#define TESTS_POWERCUT_PC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_DEV	"/dev/img0"
#define PC_MNT	"/mnt"

/* What the sweep needs of a file system. */
struct pc_fs {
	const char *pf_name;
	/* Make an empty file system in host file img. */
	void	(*pf_mkfs)(const char *img);
	/* Booted: register img as PC_DEV and mount it on PC_MNT with flags; 0 or errno. */
	int	(*pf_mount)(const char *img, int flags);
	/*
	 * Halted, after a crash: repair what a preening fsck repairs, then
	 * whether the image is consistent (printing what is wrong if not);
	 * log is a scratch file for the tools' output.
	 */
	bool	(*pf_repair)(const char *img, const char *log);
};

/* A file the workload made durable with fsync, and what must read back. */
struct pc_expect {
	const char *pe_path;
	const char *pe_alt;	/* a rename in flight: the file may be under either name */
	uint64_t pe_seed;	/* contents: pc_fill(pe_seed) */
	size_t	pe_len;		/* bytes that must read back */
	bool	pe_exact;	/* and the size is exactly pe_len (no change in flight) */
	bool	pe_durable;	/* an fsync of it returned before the cut */
};

#define PC_NEXPECT	8

/* Booted: register img as PC_DEV and mount it (type, ufs_args) on PC_MNT with flags; 0 or errno. */
int	pc_mount(const char *img, const char *type, int flags);

/* Deterministic bytes of file seed at offset off. */
void	pc_fill(void *buf, size_t len, uint64_t seed, uint64_t off);

/* Run the workload on the mounted PC_MNT, filling exp[PC_NEXPECT]. */
void	pc_workload(struct pc_expect *exp);
/* Mounted repaired image: every durable expectation reads back; the number that fail. */
unsigned pc_verify(const struct pc_expect *exp);

/*
 * The sweep: the workload on a fresh image mounted with flags, once uncut
 * to count its block writes W, then cut after write n for n across 1..W,
 * each judged (repair, consistency, durable files).  Fails the test case
 * on the first finding, naming n.
 */
void	pc_sweep(const struct pc_fs *fs, int flags);

#endif /* TESTS_POWERCUT_PC_H */
