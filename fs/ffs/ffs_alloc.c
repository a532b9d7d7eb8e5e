/* ffs_alloc.c: allocating and freeing fragments and blocks, keeping every map and count exact. */
#include "ffs.h"

/* Count changes of one operation, applied to the cg header, the summary array and the totals. */
struct csdelta {
	int64_t	ndir, nbfree, nifree, nffree;
};

static void
add32(bool sw, int32_t *field, int64_t v)
{
	*field = (int32_t)ffs_put32(sw, (uint32_t)((int32_t)ffs_get32(sw, (uint32_t)*field) + v));
}

static void
apply_delta(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, const struct csdelta *d)
{
	bool sw = fm->fm_swap;

	add32(sw, &cg->cg_cs.cs_ndir, d->ndir);
	add32(sw, &cg->cg_cs.cs_nbfree, d->nbfree);
	add32(sw, &cg->cg_cs.cs_nifree, d->nifree);
	add32(sw, &cg->cg_cs.cs_nffree, d->nffree);
	mutex_enter(&fm->fm_lock);
	fm->fm_cs[c].cs_ndir += (int32_t)d->ndir;
	fm->fm_cs[c].cs_nbfree += (int32_t)d->nbfree;
	fm->fm_cs[c].cs_nifree += (int32_t)d->nifree;
	fm->fm_cs[c].cs_nffree += (int32_t)d->nffree;
	fm->fm_cstotal.cs_ndir += d->ndir;
	fm->fm_cstotal.cs_nbfree += d->nbfree;
	fm->fm_cstotal.cs_nifree += d->nifree;
	fm->fm_cstotal.cs_nffree += d->nffree;
	mutex_exit(&fm->fm_lock);
}

void
ffs_cg_apply(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, int64_t ndir, int64_t nifree)
{
	struct csdelta d = { .ndir = ndir, .nifree = nifree };

	apply_delta(fm, c, cg, &d);
}

/* A changed buffer of the mount: written now on a sync mount, later otherwise. */
int
ffs_mwrite(struct ffs_mount *fm, struct buf *bp)
{
	if (ffs_syncmount(fm))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

static int64_t
cg_ndblk(const struct ffs_mount *fm, uint32_t c)
{
	return MIN((int64_t)fm->fm_fpg, fm->fm_size - ffs_cgbase(fm, c));
}

static bool
frag_isfree(const struct ffs_mount *fm, const uint8_t *map, int64_t f, int64_t ndblk)
{
	(void)fm;
	return f < ndblk && ffs_isset(map, (uint64_t)f);
}

/* Is block b (cg-relative) whole and entirely free? */
static bool
blk_free(const struct ffs_mount *fm, const uint8_t *map, int64_t b, int64_t ndblk)
{
	for (int i = 0; i < fm->fm_frag; i++)
		if (!frag_isfree(fm, map, b * fm->fm_frag + i, ndblk))
			return false;
	return true;
}

/* Add (sign 1) or take away (-1) block b's share of nbfree, nffree and the free-run counts. */
static void
blk_account(struct ffs_mount *fm, struct ffs_cg *cg, int64_t b, int64_t ndblk, int sign,
    struct csdelta *d)
{
	const uint8_t *map = ffs_cg_blksfree(fm, cg);
	int run = 0;

	if (blk_free(fm, map, b, ndblk)) {
		d->nbfree += sign;
		return;
	}
	for (int i = 0; i <= fm->fm_frag; i++) {
		if (i < fm->fm_frag && frag_isfree(fm, map, b * fm->fm_frag + i, ndblk)) {
			run++;
			d->nffree += sign;
		} else if (run > 0) {
			cg->cg_frsum[run] = ffs_put32(fm->fm_swap,
			    ffs_get32(fm->fm_swap, cg->cg_frsum[run]) + (uint32_t)sign);
			run = 0;
		}
	}
}

static void
clsum_add(struct ffs_mount *fm, struct ffs_cg *cg, int64_t len, int sign)
{
	uint8_t *p;
	uint32_t v;

	if (len <= 0)
		return;
	len = MIN(len, (int64_t)fm->fm_contigsumsize);
	p = (uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_clustersumoff) + 4 * len;
	memcpy(&v, p, 4);
	v = ffs_put32(fm->fm_swap, ffs_get32(fm->fm_swap, v) + (uint32_t)sign);
	memcpy(p, &v, 4);
}

/* Block b became free (or used): its cluster bit, and the free runs it joins or splits. */
static void
cluster_update(struct ffs_mount *fm, struct ffs_cg *cg, int64_t b, int64_t ndblk, bool isfree)
{
	int64_t nblk = ndblk / fm->fm_frag, cap = fm->fm_contigsumsize, l = 0, r = 0;
	uint8_t *map;

	if (cap <= 0 || b >= nblk)
		return;
	map = (uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_clusteroff);
	for (int64_t i = b - 1; i >= 0 && l < cap && ffs_isset(map, (uint64_t)i); i--)
		l++;
	for (int64_t i = b + 1; i < nblk && r < cap && ffs_isset(map, (uint64_t)i); i++)
		r++;
	clsum_add(fm, cg, l, isfree ? -1 : 1);
	clsum_add(fm, cg, r, isfree ? -1 : 1);
	clsum_add(fm, cg, l + r + 1, isfree ? 1 : -1);
	if (isfree)
		ffs_setbit(map, (uint64_t)b);
	else
		ffs_clrbit(map, (uint64_t)b);
}

/* Mark n frags at cg-relative f (inside one block) free or used, with all the accounting. */
static void
modify_frags(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, int64_t f, int n, bool setfree,
    struct csdelta *d)
{
	uint8_t *map = ffs_cg_blksfree(fm, cg);
	int64_t ndblk = cg_ndblk(fm, c), b = f / fm->fm_frag;
	bool wasfree = blk_free(fm, map, b, ndblk);

	blk_account(fm, cg, b, ndblk, -1, d);
	for (int i = 0; i < n; i++) {
		if (setfree)
			ffs_setbit(map, (uint64_t)(f + i));
		else
			ffs_clrbit(map, (uint64_t)(f + i));
	}
	blk_account(fm, cg, b, ndblk, 1, d);
	if (wasfree != blk_free(fm, map, b, ndblk))
		cluster_update(fm, cg, b, ndblk, !wasfree);
}

/* A whole free block, from block prefb on; cg-relative frag or -1. */
static int64_t
find_block(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, int64_t prefb)
{
	int64_t ndblk = cg_ndblk(fm, c), nblk = ndblk / fm->fm_frag;
	const uint8_t *map = ffs_cg_blksfree(fm, cg);

	if (nblk == 0)
		return -1;
	if (prefb < 0 || prefb >= nblk)
		prefb = 0;
	for (int64_t k = 0; k < nblk; k++) {
		int64_t b = (prefb + k) % nblk;
		if (blk_free(fm, map, b, ndblk))
			return b * fm->fm_frag;
	}
	return -1;
}

/* Does the group's summary count a free run of n or more frags in a broken-up block? */
static bool
frsum_has(const struct ffs_mount *fm, const struct ffs_cg *cg, int n)
{
	for (int k = n; k < fm->fm_frag && k < FFS_MAXFRAG; k++)
		if (ffs_get32(fm->fm_swap, cg->cg_frsum[k]) != 0)
			return true;
	return false;
}

/*
 * First fit: n free frags in a block that is already broken up;
 * cg-relative frag or -1.  The search starts at the block of the group's
 * last fragment allocation (cg_frotor) and wraps: a file's tail goes
 * next to the previous file's, and a group full of small files is not
 * scanned from its start for each one.  Nothing is scanned when the
 * summary counts no run long enough.
 */
static int64_t
find_run(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, int n)
{
	int64_t ndblk = cg_ndblk(fm, c), nblk = howmany(ndblk, fm->fm_frag), start;
	const uint8_t *map = ffs_cg_blksfree(fm, cg);

	if (nblk == 0 || !frsum_has(fm, cg, n))
		return -1;
	start = (int64_t)ffs_get32(fm->fm_swap, cg->cg_frotor) / fm->fm_frag;
	if (start >= nblk)
		start = 0;
	for (int64_t k = 0; k < nblk; k++) {
		int64_t b = (start + k) % nblk;
		int run = 0;

		if (blk_free(fm, map, b, ndblk))
			continue;
		for (int i = 0; i < fm->fm_frag; i++) {
			run = frag_isfree(fm, map, b * fm->fm_frag + i, ndblk) ? run + 1 : 0;
			if (run == n)
				return b * fm->fm_frag + i - n + 1;
		}
	}
	return -1;
}

int64_t
ffs_freefrags(struct ffs_mount *fm)
{
	return fm->fm_cstotal.cs_nbfree * fm->fm_frag + fm->fm_cstotal.cs_nffree;
}

/* Non-root writers stop at the minfree reserve. */
static bool
over_reserve(struct ffs_mount *fm, int nfrags, kauth_cred_t cred)
{
	int64_t reserve = fm->fm_dsize * fm->fm_minfree / 100;

	if (cred == NULL || kauth_cred_geteuid(cred) == 0)
		return false;
	return ffs_freefrags(fm) - nfrags < reserve;
}

static int
alloc_in_cg(struct ffs_mount *fm, uint32_t c, int64_t pref, int nfrags, int64_t *dp)
{
	struct csdelta d = { 0 };
	struct ffs_cg *cg;
	struct buf *bp;
	int64_t f = -1, prefb = -1;
	int error;

	if ((error = ffs_cg_read(fm, c, &bp, &cg)) != 0)
		return error;
	if (pref > 0 && ffs_dtog(fm, pref) == c)
		prefb = (pref - ffs_cgbase(fm, c)) / fm->fm_frag;
	if (nfrags < fm->fm_frag)
		f = find_run(fm, c, cg, nfrags);
	if (f < 0)
		f = find_block(fm, c, cg, prefb);
	if (f < 0) {
		brelse(bp, 0);
		return ENOSPC;
	}
	if (!ffs_frags_ok(fm, ffs_cgbase(fm, c) + f, nfrags)) {
		ffs_corrupt(fm, "ffs: cylinder group %u: metadata marked free at %jd\n", c,
		    (intmax_t)(ffs_cgbase(fm, c) + f));
		brelse(bp, 0);
		return EIO;
	}
	modify_frags(fm, c, cg, f, nfrags, false, &d);
	apply_delta(fm, c, cg, &d);
	if (nfrags < fm->fm_frag)
		cg->cg_frotor = ffs_put32(fm->fm_swap, (uint32_t)f);
	*dp = ffs_cgbase(fm, c) + f;
	return ffs_mwrite(fm, bp);
}

/* Whether cg c's summary shows room for nfrags (a hint: the cg's own header decides). */
static bool
cg_has_room(struct ffs_mount *fm, uint32_t c, int nfrags)
{
	bool room;

	mutex_enter(&fm->fm_lock);
	room = fm->fm_cs[c].cs_nbfree > 0 ||
	    (nfrags < fm->fm_frag && fm->fm_cs[c].cs_nffree >= nfrags);
	mutex_exit(&fm->fm_lock);
	return room;
}

static bool
reserve_hit(struct ffs_mount *fm, int nfrags, kauth_cred_t cred)
{
	bool hit;

	mutex_enter(&fm->fm_lock);
	hit = over_reserve(fm, nfrags, cred);
	mutex_exit(&fm->fm_lock);
	return hit;
}

/*
 * fm_lock is held only to read and change the summaries: a cg's maps
 * are ordered by its buffer's lock, so no allocator waits on another's
 * disk read while holding the lock.
 */
int
ffs_alloc_frags(struct ffs_inode *ip, int64_t pref, int nfrags, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	uint32_t start;
	int error = ENOSPC;

	KASSERT(nfrags >= 1 && nfrags <= fm->fm_frag);
	start = pref > 0 ? ffs_dtog(fm, pref) : (uint32_t)(ip->i_number / fm->fm_ipg);
	if (start >= fm->fm_ncg)
		start = 0;
	if (reserve_hit(fm, nfrags, cred))
		return ENOSPC;
	for (uint32_t k = 0; k < fm->fm_ncg; k++) {
		uint32_t c = (start + k) % fm->fm_ncg;

		if (!cg_has_room(fm, c, nfrags))
			continue;
		error = alloc_in_cg(fm, c, pref, nfrags, dp);
		if (error != ENOSPC)
			break;
	}
	return error;
}

void
ffs_free_frags(struct ffs_mount *fm, int64_t d, int nfrags)
{
	struct csdelta delta = { 0 };
	uint32_t c = ffs_dtog(fm, d);
	struct ffs_cg *cg;
	struct buf *bp;
	int error;

	if (!ffs_frags_ok(fm, d, nfrags)) {
		ffs_corrupt(fm, "ffs: freeing bad block %jd (%d frags)\n", (intmax_t)d, nfrags);
		return;
	}
	kmem_reserve_enter();	/* giving space back must not fail for memory */
	if ((error = ffs_cg_read(fm, c, &bp, &cg)) != 0) {
		ffs_corrupt(fm, "ffs: frags at %jd not freed: cylinder group %u unreadable (error %d)\n",
		    (intmax_t)d, c, error);
	} else {
		int64_t f = d - ffs_cgbase(fm, c);
		bool twice = false;

		for (int i = 0; i < nfrags; i++)
			twice |= ffs_isset(ffs_cg_blksfree(fm, cg), (uint64_t)(f + i));
		if (twice) {
			/* Damage (a block claimed twice): the maps stay as they are. */
			ffs_corrupt(fm, "ffs: freeing free frags at %jd\n", (intmax_t)d);
			brelse(bp, 0);
		} else {
			modify_frags(fm, c, cg, f, nfrags, true, &delta);
			apply_delta(fm, c, cg, &delta);
			if ((error = ffs_mwrite(fm, bp)) != 0)
				ffs_corrupt(fm, "ffs: frags at %jd freed, but cylinder group %u not written (error %d)\n",
				    (intmax_t)d, c, error);
		}
	}
	kmem_reserve_exit();
}

/* Try to take the frags right after the run in place. */
static int
extend_in_place(struct ffs_mount *fm, int64_t d, int osize, int nsize, bool *donep)
{
	struct csdelta delta = { 0 };
	uint32_t c = ffs_dtog(fm, d);
	struct ffs_cg *cg;
	struct buf *bp;
	int64_t f = d - ffs_cgbase(fm, c);
	int error;

	*donep = false;
	if (d % fm->fm_frag + nsize > fm->fm_frag)
		return 0;
	if ((error = ffs_cg_read(fm, c, &bp, &cg)) != 0)
		return error;
	for (int i = osize; i < nsize; i++) {
		if (f + i >= cg_ndblk(fm, c) ||
		    !ffs_isset(ffs_cg_blksfree(fm, cg), (uint64_t)(f + i))) {
			brelse(bp, 0);
			return 0;
		}
	}
	modify_frags(fm, c, cg, f + osize, nsize - osize, false, &delta);
	apply_delta(fm, c, cg, &delta);
	*donep = true;
	return ffs_mwrite(fm, bp);
}

/*
 * Copy the old run's bytes to the new place and zero the rest of the new
 * run.  Two blocks are taken in address order, so two files moving tails
 * between the same blocks in opposite directions cannot deadlock.
 */
static int
move_frags(struct ffs_mount *fm, int64_t od, int osize, int64_t nd, int nsize)
{
	struct buf *obp = NULL, *nbp = NULL;
	size_t ooff, noff, olen = (size_t)osize << fm->fm_fshift;
	size_t nlen = (size_t)nsize << fm->fm_fshift;
	bool same = od - od % fm->fm_frag == nd - nd % fm->fm_frag;
	int error;

	if (!same && od < nd && (error = ffs_bread_frags(fm, od, osize, &obp, &ooff)) != 0)
		return error;
	if ((error = ffs_bread_frags(fm, nd, nsize, &nbp, &noff)) != 0)
		goto out_obp;
	if (same) {
		ooff = (size_t)(od % fm->fm_frag) << fm->fm_fshift;
		memmove((char *)nbp->b_data + noff, (char *)nbp->b_data + ooff, olen);
	} else {
		if (obp == NULL && (error = ffs_bread_frags(fm, od, osize, &obp, &ooff)) != 0) {
			brelse(nbp, 0);
			return error;
		}
		memcpy((char *)nbp->b_data + noff, (char *)obp->b_data + ooff, olen);
		brelse(obp, 0);
		obp = NULL;
	}
	memset((char *)nbp->b_data + noff + olen, 0, nlen - olen);
	return ffs_mwrite(fm, nbp);
out_obp:
	if (obp != NULL)
		brelse(obp, 0);
	return error;
}

/* Frags [osize, nsize) of the run at d were just added in place: they must read as zeros. */
static int
zero_tail(struct ffs_mount *fm, int64_t d, int osize, int nsize)
{
	struct buf *bp;
	size_t off;
	int error;

	if ((error = ffs_bread_frags(fm, d, nsize, &bp, &off)) != 0)
		return error;
	memset((char *)bp->b_data + off + ((size_t)osize << fm->fm_fshift), 0,
	    (size_t)(nsize - osize) << fm->fm_fshift);
	return ffs_mwrite(fm, bp);
}

int
ffs_realloc_frags(struct ffs_inode *ip, int64_t d, int osize, int nsize, kauth_cred_t cred,
    int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	bool done = false;
	int64_t nd;
	int error;

	KASSERT(osize < nsize && nsize <= fm->fm_frag);
	error = reserve_hit(fm, nsize - osize, cred) ? ENOSPC :
	    extend_in_place(fm, d, osize, nsize, &done);
	if (error)
		return error;
	if (done) {
		*dp = d;
		return zero_tail(fm, d, osize, nsize);
	}
	if ((error = ffs_alloc_frags(ip, d, nsize, cred, &nd)) != 0)
		return error;
	if ((error = move_frags(fm, d, osize, nd, nsize)) != 0) {
		ffs_free_frags(fm, nd, nsize);
		return error;
	}
	*dp = nd;	/* the caller frees the old run once the inode names the new one */
	return 0;
}
