/* ffs_sbupdate.c: read-write mounts: flags we cannot honour, the clean flag, the summary area and superblock writes. */
#include <stdarg.h>

#include "ffs.h"

#define S32(f)	((int32_t)ffs_get32(fm->fm_swap, (uint32_t)(f)))

static int
refuse(const char *what)
{
	kprintf("ffs: read-write mount refused: %s\n", what);
	return EROFS;
}

/* 0 when the file system may be written; EROFS naming a feature we would damage, EPERM when not clean. */
int
ffs_rw_check_flags(struct ffs_mount *fm, int mntflags)
{
	const struct ffs_fs *fs = &fm->fm_fs;
	uint32_t flags = (fs->fs_old_flags & FFS_OLDFLAGS_UPDATED) ? (uint32_t)S32(fs->fs_flags) : 0;
	bool clean = (fs->fs_clean & FFS_ISCLEAN) && !(flags & (FFS_NEEDSFSCK | FFS_UNCLEAN));

	if (!fm->fm_ufs2 && !(fs->fs_old_flags & FFS_OLDFLAGS_UPDATED))
		return refuse("old UFS1 cylinder group format (rotational tables)");
	if (fm->fm_olddir)
		return refuse("pre-4.4BSD inode and directory format");
	if (flags & FFS_SUJ)
		return refuse("soft updates journal (SU+J) present");
	if (flags & FFS_GJOURNAL)
		return refuse("gjournal");
	/* One bit, two meanings: NetBSD's quota2 records a quota magic, FreeBSD's hashes do not. */
	if (flags & FFS_DOQUOTA2)
		return refuse(fs->fs_quota_magic != 0 ? "in-file-system quotas (quota2)" :
		    "metadata check hashes");
	if ((flags & FFS_DOWAPBL) && fs->fs_journal_location != FFS_JOURNAL_NONE && !clean)
		return refuse("WAPBL log present and not replayed");
	if (!clean && !(mntflags & MNT_FORCE)) {
		kprintf("ffs: read-write mount refused: file system not clean (check it, or mount with force)\n");
		return EPERM;
	}
	fm->fm_wasclean = clean;
	return 0;
}

static bool
csum_ok(const struct ffs_mount *fm, const struct ffs_csum *cs)
{
	return cs->cs_ndir >= 0 && (uint32_t)cs->cs_ndir <= fm->fm_ipg &&
	    cs->cs_nifree >= 0 && (uint32_t)cs->cs_nifree <= fm->fm_ipg &&
	    cs->cs_nbfree >= 0 && (uint32_t)cs->cs_nbfree <= fm->fm_fpg / (uint32_t)fm->fm_frag &&
	    cs->cs_nffree >= 0 && (uint32_t)cs->cs_nffree <= fm->fm_fpg;
}

/* Apply fn to each block of the summary area with the entries it holds. */
static int
cs_blocks(struct ffs_mount *fm, bool write, bool wait)
{
	uint64_t total = (uint64_t)fm->fm_ncg * sizeof(struct ffs_csum);
	int error = 0;

	for (uint64_t byte = 0; byte < total && error == 0; byte += (uint64_t)fm->fm_bsize) {
		struct buf *bp;
		size_t n = (size_t)MIN((uint64_t)fm->fm_bsize, total - byte);
		struct ffs_csum *disk;
		uint32_t first = (uint32_t)(byte / sizeof(struct ffs_csum));

		error = ffs_bread(fm, fm->fm_csaddr + (int64_t)(byte >> fm->fm_bshift) * fm->fm_frag, &bp);
		if (error)
			break;
		if ((size_t)bp->b_bcount < n) {
			brelse(bp, 0);
			return EIO;
		}
		disk = bp->b_data;
		/* The summaries change under fm_lock; the block's I/O is done without it. */
		mutex_enter(&fm->fm_lock);
		for (size_t i = 0; i < n / sizeof(*disk); i++) {
			struct ffs_csum *mem = &fm->fm_cs[first + i];
			if (write) {
				disk[i].cs_ndir = (int32_t)ffs_put32(fm->fm_swap, (uint32_t)mem->cs_ndir);
				disk[i].cs_nbfree = (int32_t)ffs_put32(fm->fm_swap, (uint32_t)mem->cs_nbfree);
				disk[i].cs_nifree = (int32_t)ffs_put32(fm->fm_swap, (uint32_t)mem->cs_nifree);
				disk[i].cs_nffree = (int32_t)ffs_put32(fm->fm_swap, (uint32_t)mem->cs_nffree);
			} else {
				mem->cs_ndir = S32(disk[i].cs_ndir);
				mem->cs_nbfree = S32(disk[i].cs_nbfree);
				mem->cs_nifree = S32(disk[i].cs_nifree);
				mem->cs_nffree = S32(disk[i].cs_nffree);
			}
		}
		mutex_exit(&fm->fm_lock);
		if (!write)
			brelse(bp, 0);
		else if (wait)
			error = bwrite(bp);
		else
			bdwrite(bp);
	}
	return error;
}

/* Read the per-cg summaries; the totals are recomputed from them. */
int
ffs_cs_load(struct ffs_mount *fm)
{
	struct ffs_csum_total *t = &fm->fm_cstotal;
	int error;

	fm->fm_cs = kmem_zalloc(fm->fm_ncg * sizeof(*fm->fm_cs), KM_SLEEP);
	if (fm->fm_cs == NULL)
		return ENOMEM;
	if ((error = cs_blocks(fm, false, false)) != 0)
		goto out_free;
	memset(t, 0, sizeof(*t));
	for (uint32_t c = 0; c < fm->fm_ncg; c++) {
		if (!csum_ok(fm, &fm->fm_cs[c])) {
			ffs_corrupt(fm, "ffs: summary of cylinder group %u out of range\n", c);
			error = EINVAL;
			goto out_free;
		}
		t->cs_ndir += fm->fm_cs[c].cs_ndir;
		t->cs_nbfree += fm->fm_cs[c].cs_nbfree;
		t->cs_nifree += fm->fm_cs[c].cs_nifree;
		t->cs_nffree += fm->fm_cs[c].cs_nffree;
	}
	return 0;
out_free:
	ffs_cs_free(fm);
	return error;
}

void
ffs_cs_free(struct ffs_mount *fm)
{
	if (fm->fm_cs != NULL)
		kmem_free(fm->fm_cs, fm->fm_ncg * sizeof(*fm->fm_cs));
	fm->fm_cs = NULL;
}

void
ffs_corrupt(struct ffs_mount *fm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	if (!__atomic_exchange_n(&fm->fm_errors, true, __ATOMIC_RELAXED) && !fm->fm_ronly)
		kprintf("ffs: the file system has errors: it will not be marked clean (run fsck_ffs)\n");
	vfs_corrupted(fm->fm_mp, MNT_ERRORS_CONTINUE);
}

/* Totals, time and clean flag into the raw superblock (disk order); never clean after errors. */
static void
fill_super(struct ffs_mount *fm, bool clean)
{
	struct ffs_fs *fs = &fm->fm_fs;
	const struct ffs_csum_total *t = &fm->fm_cstotal;
	bool sw = fm->fm_swap;
	struct timespec now;

	vfs_timestamp(&now);
	fs->fs_cstotal.cs_ndir = (int64_t)ffs_put64(sw, (uint64_t)t->cs_ndir);
	fs->fs_cstotal.cs_nbfree = (int64_t)ffs_put64(sw, (uint64_t)t->cs_nbfree);
	fs->fs_cstotal.cs_nifree = (int64_t)ffs_put64(sw, (uint64_t)t->cs_nifree);
	fs->fs_cstotal.cs_nffree = (int64_t)ffs_put64(sw, (uint64_t)t->cs_nffree);
	fs->fs_time = (int64_t)ffs_put64(sw, (uint64_t)now.tv_sec);
	if (!fm->fm_ufs2) {
		fs->fs_old_cstotal.cs_ndir = (int32_t)ffs_put32(sw, (uint32_t)t->cs_ndir);
		fs->fs_old_cstotal.cs_nbfree = (int32_t)ffs_put32(sw, (uint32_t)t->cs_nbfree);
		fs->fs_old_cstotal.cs_nifree = (int32_t)ffs_put32(sw, (uint32_t)t->cs_nifree);
		fs->fs_old_cstotal.cs_nffree = (int32_t)ffs_put32(sw, (uint32_t)t->cs_nffree);
		fs->fs_old_time = (int32_t)ffs_put32(sw, (uint32_t)now.tv_sec);
	}
	if (__atomic_load_n(&fm->fm_errors, __ATOMIC_RELAXED))
		clean = false;
	fs->fs_clean = clean ? FFS_ISCLEAN : 0;
	fs->fs_fmod = 0;
	fs->fs_ronly = 0;
}

/* Write the summary area and the superblock (marked clean or not). */
int
ffs_sbupdate(struct ffs_mount *fm, bool clean, bool wait)
{
	struct ffs_fs snap;
	struct buf *bp;
	int error;

	if ((error = cs_blocks(fm, true, wait)) != 0)
		return error;
	mutex_enter(&fm->fm_lock);
	fill_super(fm, clean);
	memcpy(&snap, &fm->fm_fs, sizeof(snap));
	mutex_exit(&fm->fm_lock);
	error = bread(fm->fm_devvp, (daddr_t)(fm->fm_sbloc >> DEV_BSHIFT), FFS_SBLOCKSIZE, 0, &bp);
	if (error)
		return error;
	memcpy(bp->b_data, &snap, sizeof(snap));
	if (wait)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}
