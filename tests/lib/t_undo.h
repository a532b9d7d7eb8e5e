/* t_undo.h: each changing operation with its n-th kernel allocation failing, for every n; the image must check clean after. */
#ifndef TESTS_T_UNDO_H
#define TESTS_T_UNDO_H

#include <stdbool.h>

/* What the sweep needs of a file system. */
struct t_undo_fs {
	const char *uf_name;
	/* Boot is done; register img and mount it on T_UNDO_MNT with flags: 0 or errno. */
	int	(*uf_mount)(const char *img, int flags);
	/* After halt: whether img checks consistent (printing what is wrong if not). */
	bool	(*uf_consistent)(const char *img);
	/* After halt: whether the file system marked img as having errors (fsck must run). */
	bool	(*uf_marked)(const char *img);
};

enum t_undo_fault {
	T_UNDO_NOMEM,	/* the n-th limited kernel allocation fails: all must be undone */
	T_UNDO_EIO,	/* the n-th block I/O fails: undone, or the image marked */
};

#define T_UNDO_MNT	"/mnt"

/* Fill the mounted empty file system with the tree the operations work on. */
void	t_undo_populate(void);

/*
 * For n = 1, 2, ...: a fresh copy of template, booted and mounted, runs
 * operation op (create, write, extend, truncate, rename_dir,
 * rename_over, rename_subdir, unlink, rmdir, mkdir, link, symlink, falloc,
 * punch) with the n-th fault of kind
 * (through the unmount too, for EIO); unmount, halt, judge.  Ends at the
 * first n the run no longer reaches; fails the test on an image left
 * wrong, on an error other than the fault's, or when no fault was ever
 * injected.
 */
void	t_undo_sweep(const struct t_undo_fs *fs, enum t_undo_fault kind, const char *template,
	    const char *op);

#endif /* TESTS_T_UNDO_H */
