/* ffs_t.h: helpers of the ffs tests: generated trees, makefs images, mounting, comparing trees. */
#ifndef TESTS_FS_FFS_FFS_T_H
#define TESTS_FS_FFS_FFS_T_H

#include <stdbool.h>
#include <stddef.h>

#define FFS_T_SBSIZE	2048	/* superblock bytes the corruption tests save */

/* A scratch directory for one case (removed by ffs_t_cleanup). */
struct ffs_t {
	char	ft_dir[256];	/* the scratch directory */
	char	ft_tree[300];	/* ft_dir/tree: the generated source tree */
	char	ft_img[300];	/* ft_dir/img: the image */
};

void	ffs_t_init(struct ffs_t *t);
void	ffs_t_cleanup(struct ffs_t *t);
/* Fill ft_tree: many files, deep dirs, long names, sparse/large files, links, nodes. */
void	ffs_t_gen_tree(struct ffs_t *t, unsigned seed, bool large);
/* makefs -t ffs with version 1|2, order "le"|"be", block and fragment size (0: default). */
void	ffs_t_makefs(struct ffs_t *t, int version, const char *order, int bsize, int fsize,
	    const char *extra);
/* Run a shell command; returns its exit status. */
int	ffs_t_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Boot, register the image as /dev/img0, mount it on /mnt with flags. Returns mount's errno (0). */
int	ffs_t_mount(struct ffs_t *t, int flags);
/* Every file of host directory dir equals its counterpart under rump path mnt. */
void	ffs_t_compare(const char *dir, const char *mnt);
/* Compare modification times too (off for trees changed at different moments). */
extern bool ffs_t_compare_times;
/* nops seeded random changes applied to host dir and rump dir alike; results must agree. */
void	ffs_t_random_ops(const char *hdir, const char *rdir, unsigned seed, int nops, size_t maxfile);
/* Problems the in-tree checker finds in img (booting a kernel of its own); the check must run. */
unsigned ffs_t_check_image(const char *img);
/* Patch len bytes at byte offset off of the image. */
void	ffs_t_poke(struct ffs_t *t, long off, const void *buf, size_t len);
void	ffs_t_peek(struct ffs_t *t, long off, void *buf, size_t len);

/*
 * An empty little-endian UFS2 file system with its superblock at 64 KiB
 * (as FreeBSD's newfs makes it; makefs cannot): 32 KiB blocks, 4 KiB
 * fragments, one cylinder group, mb MiB (4..128).
 */
void	ffs_t_mkfs_ufs2_64k(struct ffs_t *t, int mb);

/*
 * Turn a makefs UFS1 image (either byte order, cg offset 0, directories
 * within their direct blocks) into the pre-4.4BSD format: fs_old_inodefmt
 * FS_42INODEFMT, fs_maxsymlinklen 0, directory entries with a 16-bit
 * d_namlen and no d_type, owners in the 16-bit di_oldids (di_uid and
 * di_gid hold junk, as their spare space did).  Fast symlinks stay: with
 * fs_maxsymlinklen 0 a symlink holding no blocks is read from the inode.
 */
void	ffs_t_make_old_format(struct ffs_t *t);

/*
 * Lay out a makefs UFS1 image (either byte order, several full cylinder
 * groups) as old UFS1 did on rotating disks: fs_old_cgoffset and
 * fs_old_cgmask set, each group's superblock copy, header and inodes moved
 * up by cgoffset * (c & ~cgmask) frags (the old place zeroed), its frag
 * and cluster maps and cluster counts redone.  Returns how many allocated
 * inodes now live in moved groups.
 */
int	ffs_t_rotate_cgs(struct ffs_t *t, uint32_t cgoffset, uint32_t cgmask);

/* Geometry of a little-endian image with its superblock at 8192 (what makefs writes). */
struct ffs_t_geom {
	int	g_ufs2, g_bsize, g_fsize, g_frag, g_ipg, g_fpg, g_iblkno, g_cblkno, g_inosz;
};
void	ffs_t_geom(struct ffs_t *t, struct ffs_t_geom *g);
/* Byte offset of inode ino (single cylinder group images), and of cg c's header. */
long	ffs_t_inode_off(const struct ffs_t_geom *g, unsigned long ino);
long	ffs_t_cg_off(const struct ffs_t_geom *g, unsigned c);

#endif /* TESTS_FS_FFS_FFS_T_H */
