/* ffs_check_inodes.c: checker pass 1: every inode, its block tree in range and unshared, its block count. */
#include "ffs_check_impl.h"
#include "genfs.h"

struct walk {
	struct ffs_chk		*w_ck;
	struct ffs_inode	*w_ip;
	int64_t			w_nblk;		/* logical blocks the size covers */
	int64_t			w_frags;	/* frags claimed */
};

/* Claim n frags at d for the inode: in range, inside one block, not claimed before. */
static bool
claim(struct walk *w, int64_t d, int n)
{
	struct ffs_chk *ck = w->w_ck;

	if (!ffs_frags_ok(&ck->fm, d, n)) {
		chk_report(ck, "inode %ju: block %jd (%d frags) out of range",
		    (uintmax_t)w->w_ip->i_number, (intmax_t)d, n);
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (chk_isset(ck->used, (uint64_t)(d + i))) {
			chk_report(ck, "inode %ju: frag %jd already in use (duplicate block)",
			    (uintmax_t)w->w_ip->i_number, (intmax_t)(d + i));
			return false;
		}
	}
	for (int i = 0; i < n; i++)
		chk_setbit(ck->used, (uint64_t)(d + i));
	w->w_frags += n;
	return true;
}

static void
beyond_end(struct walk *w, int64_t lbn, int64_t d)
{
	chk_report(w->w_ck, "inode %ju: block pointer %jd for block %jd beyond the end of file",
	    (uintmax_t)w->w_ip->i_number, (intmax_t)d, (intmax_t)lbn);
}

static void
walk_indir(struct walk *w, int64_t d, int level, int64_t base)
{
	struct ffs_mount *fm = &w->w_ck->fm;
	uint64_t span = genfs_blkmap_span(fm->fm_nindir, (unsigned)level);
	struct buf *bp;
	int64_t p;

	if (!claim(w, d, fm->fm_frag))
		return;
	if (ffs_bread(fm, d, &bp) != 0) {
		chk_report(w->w_ck, "inode %ju: indirect block %jd unreadable",
		    (uintmax_t)w->w_ip->i_number, (intmax_t)d);
		return;
	}
	for (uint32_t i = 0; i < fm->fm_nindir; i++) {
		int64_t lbn = base + (int64_t)(i * span);

		if (fm->fm_ufs2)
			p = (int64_t)ffs_get64(fm->fm_swap, ((const uint64_t *)bp->b_data)[i]);
		else
			p = (int32_t)ffs_get32(fm->fm_swap, ((const uint32_t *)bp->b_data)[i]);
		if (p == 0)
			continue;
		if (lbn >= w->w_nblk)
			beyond_end(w, lbn, p);
		else if (level == 0)
			(void)claim(w, p, fm->fm_frag);
		else
			walk_indir(w, p, level - 1, lbn);
	}
	brelse(bp, 0);
}

static void
walk_blocks(struct walk *w)
{
	struct ffs_inode *ip = w->w_ip;
	struct ffs_mount *fm = &w->w_ck->fm;
	int64_t base = FFS_NDADDR;

	w->w_nblk = (int64_t)howmany(ip->i_size, (uint64_t)fm->fm_bsize);
	for (int64_t lbn = 0; lbn < FFS_NDADDR; lbn++) {
		if (ip->i_db[lbn] == 0)
			continue;
		if (lbn >= w->w_nblk)
			beyond_end(w, lbn, ip->i_db[lbn]);
		else
			(void)claim(w, ip->i_db[lbn], ffs_blksize(ip, lbn));
	}
	for (int level = 0; level < FFS_NIADDR; level++) {
		if (ip->i_ib[level] != 0) {
			if (base >= w->w_nblk)
				beyond_end(w, base, ip->i_ib[level]);
			else
				walk_indir(w, ip->i_ib[level], level, base);
		}
		base += (int64_t)genfs_blkmap_span(fm->fm_nindir, (unsigned)(level + 1));
	}
}

/* UFS2 extended attribute blocks: two direct pointers, the last one possibly fragments. */
static void
walk_ext(struct walk *w)
{
	struct ffs_inode *ip = w->w_ip;

	for (int lbn = 0; lbn < FFS_NXADDR; lbn++) {
		int nfr = ffs_extblksize(ip, lbn);

		if (ip->i_extb[lbn] == 0)
			continue;
		if (nfr == 0)
			chk_report(w->w_ck, "inode %ju: extended attribute block %jd beyond its size",
			    (uintmax_t)ip->i_number, (intmax_t)ip->i_extb[lbn]);
		else
			(void)claim(w, ip->i_extb[lbn], nfr);
	}
}

/* Which inodes carry a block tree: files, directories and symlinks not kept in the inode. */
static bool
has_blocks(const struct ffs_inode *ip)
{
	switch (ip->i_mode & FFS_IFMT) {
	case FFS_IFREG:
	case FFS_IFDIR:
		return true;
	case FFS_IFLNK:
		return !ffs_isshortlink(ip);
	default:
		return false;
	}
}

static void
check_one(struct ffs_chk *ck, ino_t ino, struct ffs_inode *ip)
{
	struct chk_ino *ci = &ck->ino[ino];
	struct walk w = { .w_ck = ck, .w_ip = ip };
	int error;

	memset(ip, 0, sizeof(*ip));
	error = ffs_inode_load(&ck->fm, ino, ip);
	if (error == ENOENT && ip->i_mode == 0)
		return;
	ci->ci_mode = ip->i_mode;
	ci->ci_nlink = (int16_t)ip->i_nlink;
	if (error == ENOENT) {
		chk_report(ck, "inode %ju: in use (mode %o) with link count 0", (uintmax_t)ino,
		    ip->i_mode);
	} else if (error) {
		chk_report(ck, "inode %ju: damaged (error %d, see above)", (uintmax_t)ino, error);
		return;
	}
	if ((ip->i_mode & FFS_IFMT) == FFS_IFDIR)
		ck->ndir++;
	if (has_blocks(ip))
		walk_blocks(&w);
	walk_ext(&w);
	if (ip->i_blocks != (uint64_t)w.w_frags << (ck->fm.fm_fshift - DEV_BSHIFT))
		chk_report(ck, "inode %ju: block count %ju, blocks held %ju", (uintmax_t)ino,
		    (uintmax_t)ip->i_blocks,
		    (uintmax_t)w.w_frags << (ck->fm.fm_fshift - DEV_BSHIFT));
}

/* UFS2 initialises inode blocks lazily: inodes past cg_initediblk are free and not read. */
static uint32_t
inited_inodes(struct ffs_chk *ck, uint32_t c)
{
	struct buf *bp;
	struct ffs_cg *cg;
	uint32_t n;

	if (!ck->fm.fm_ufs2 || !ck->cgok[c] || chk_read_cg(ck, c, &bp, &cg, false) != 0)
		return ck->fm.fm_ipg;
	n = ffs_get32(ck->fm.fm_swap, cg->cg_initediblk);
	brelse(bp, 0);
	return n;
}

int
chk_pass_inodes(struct ffs_chk *ck)
{
	struct ffs_inode *ip;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	if (ip == NULL)
		return ENOMEM;
	for (uint32_t c = 0; c < ck->fm.fm_ncg; c++) {
		uint32_t n = inited_inodes(ck, c);

		for (uint32_t i = 0; i < n; i++) {
			ino_t ino = (ino_t)c * ck->fm.fm_ipg + i;

			if (ino >= FFS_ROOTINO)
				check_one(ck, ino, ip);
		}
	}
	kmem_free(ip, sizeof(*ip));
	if ((ck->ino[FFS_ROOTINO].ci_mode & FFS_IFMT) != FFS_IFDIR)
		chk_report(ck, "root inode is not a directory");
	return 0;
}
