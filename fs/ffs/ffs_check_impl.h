/* ffs_check_impl.h: the checker's state shared by its passes (ffs_check*.c). */
#ifndef FS_FFS_FFS_CHECK_IMPL_H
#define FS_FFS_FFS_CHECK_IMPL_H

#include "ffs.h"
#include "ffs_check.h"

/* What pass 1 learns about each inode, for the later passes. */
struct chk_ino {
	uint16_t	ci_mode;	/* 0: free (or unreadable) */
	int16_t		ci_nlink;	/* from the inode */
	uint32_t	ci_refs;	/* directory entries naming it, "." and ".." included */
	uint32_t	ci_parent;	/* directories: the directory holding its name (0: none yet) */
	uint32_t	ci_dotdot;	/* directories: what its ".." says */
};

struct ffs_chk {
	struct ffs_mount fm;		/* device and validated geometry */
	unsigned	nproblems;
	uint8_t		*used;		/* bit per frag: metadata or claimed by an inode */
	size_t		usedlen;
	struct chk_ino	*ino;		/* per inode number */
	size_t		inolen;
	uint8_t		*cgok;		/* per cg: header valid (maps usable) */
	int64_t		ndir;		/* directories found */
};

#define CHK_MAXREPORTS	200	/* problems printed; the rest are only counted */

void	chk_report(struct ffs_chk *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline bool
chk_isset(const uint8_t *map, uint64_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static inline void
chk_setbit(uint8_t *map, uint64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Read cg c's header block (its buffer, busy) after checking it; EIO when unusable. */
int	chk_read_cg(struct ffs_chk *ck, uint32_t c, struct buf **bpp, struct ffs_cg **cgpp,
	    bool report);

/* ffs_check_inodes.c: pass 1 */
int	chk_pass_inodes(struct ffs_chk *ck);
/* ffs_check_dirs.c: passes 2 and 4 */
int	chk_pass_dirs(struct ffs_chk *ck);
void	chk_pass_links(struct ffs_chk *ck);
/* ffs_check_maps.c: pass 5 */
int	chk_pass_maps(struct ffs_chk *ck);

#endif /* FS_FFS_FFS_CHECK_IMPL_H */
