/* ukfs_impl.h: libukfs internals shared by its files: the ukfs handle, partitions and path translation. */
#ifndef UKFS_UKFS_IMPL_H
#define UKFS_UKFS_IMPL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

/* One mounted file system. */
struct ukfs {
	char		uk_mountpath[PATH_MAX];	/* mount point in the rump namespace */
	char		uk_devkey[64];		/* etfs key, "" for rumpfs */
	bool		uk_madedir;		/* we made uk_mountpath: rmdir it at release */
	pthread_mutex_t	uk_lock;		/* uk_cwd, uk_dircache */
	char		uk_cwd[PATH_MAX];	/* "" or "/a/b": relative to the root, resolved */
	/*
	 * The directory of the last path resolved ("/a/b", no symlinks in it),
	 * so the next path there needs no lstat per component.  Emptied by
	 * rename and rmdir, the only calls that can turn such a name into
	 * something else (a symlink can only be made where nothing is).
	 */
	char		uk_dircache[PATH_MAX];
	size_t		uk_dircache_len;	/* 0: empty */
	void		*uk_specific;
};

enum ukfs_parttype {
	UKFS_PART_NONE,
	UKFS_PART_OFFSET,
	UKFS_PART_DISKLABEL,
	UKFS_PART_MBR,
	UKFS_PART_GPT,
};

struct ukfs_part {
	enum ukfs_parttype	part_type;
	int			part_index;	/* label letter - 'a', or MBR/GPT number */
	uint64_t		part_off;	/* bytes into the image */
	uint64_t		part_size;	/* bytes */
};

/*
 * Translate path (relative to the root or to uk_cwd) into a path in the
 * rump namespace under uk_mountpath with no "..", "." or symlink in it
 * (ukfs_path.c resolves them itself, so nothing leaves the mount), but
 * for a last component that is not to be followed (follow false).  A
 * trailing '/' is kept.  ENOENT for "" or a missing directory on the
 * way, ENOTDIR, ELOOP, ENAMETOOLONG, EFAULT for NULL.  0 or an errno.
 */
int	ukfs_path(struct ukfs *fs, const char *path, bool follow, char *out, size_t outlen);

/* The rump path for path into buf (a PATH_MAX array), or return -1 with errno. */
#define UKFS_PATH(fs, path, follow, buf)				\
	do {								\
		int ukfs_e_ = ukfs_path((fs), (path), (follow), (buf), sizeof(buf)); \
		if (ukfs_e_ != 0) {					\
			errno = ukfs_e_;				\
			return -1;					\
		}							\
	} while (0)
#define UKFS_FOLLOW	true
#define UKFS_NOFOLLOW	false

/* Forget uk_dircache (after rename and rmdir). */
void	ukfs_path_invalidate(struct ukfs *fs);

/* Partition tables (ukfs_part_table.c): fill part_off/part_size from the image open at fd. */
int	ukfs_part_mbr(int fd, struct ukfs_part *part);
int	ukfs_part_gpt(int fd, struct ukfs_part *part);
int	ukfs_part_disklabel(int fd, struct ukfs_part *part);

/*
 * What ukfs asks the kernel's registry of file-system types (ukfs_kern.c),
 * so that it names no file system itself: whether a type mounts a block
 * device (-1: no such type), the type whose probe accepts an image's head,
 * the registered names (as snprintf), a type's own checker.
 */
int	ukfs_kern_isdisk(const char *name);
const char *ukfs_kern_probe(const uint8_t *head, size_t len);
size_t	ukfs_kern_typenames(char *buf, size_t len);
int	ukfs_kern_check(const char *name, const char *devkey, unsigned *nproblemsp);

#endif /* UKFS_UKFS_IMPL_H */
