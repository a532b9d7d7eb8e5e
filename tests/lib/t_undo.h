/* t_undo.h: each changing operation with its n-th kernel allocation failing, for every n; the image must check clean after. */
#ifndef TESTS_T_UNDO_H
#define TESTS_T_UNDO_H

#include <stdbool.h>

/* What the sweep needs of a file system. */
struct t_undo_fs {
	const char *uf_name;
	/* Boot is done; register img and mount it on T_UNDO_MNT with flags: 0 or errno. */
	int	(*uf_mount)(const char *img, int flags);
	/* After halt: whether img checks clean (printing what is wrong if not). */
	bool	(*uf_clean)(const char *img);
};

#define T_UNDO_MNT	"/mnt"

/* Fill the mounted empty file system with the tree the operations work on. */
void	t_undo_populate(void);

/*
 * For n = 1, 2, ...: a fresh copy of template, booted and mounted, runs
 * operation op (a name from t_undo_ops) with the n-th limited kernel
 * allocation failing; unmount, halt, check.  Ends at the first n the
 * operation no longer reaches; fails the test on an unclean image, on an
 * error other than ENOMEM, or when no failure was ever injected.
 */
void	t_undo_sweep(const struct t_undo_fs *fs, const char *template, const char *op);

/* The operations' names, NULL-terminated. */
extern const char *const t_undo_ops[];

#endif /* TESTS_T_UNDO_H */
