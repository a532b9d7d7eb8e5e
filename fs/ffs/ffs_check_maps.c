/* ffs_check_maps.c: checker pass 5: cg inode/fragment/cluster maps and every summary count against what is reachable. */
#include "ffs_check_impl.h"

/* Counts recomputed for one group. */
struct cgsum {
	int64_t		ndir, nbfree, nifree, nffree;
	uint32_t	frsum[FFS_MAXFRAG];
	uint32_t	clsum[65];
};

/* Free according to what is reachable: frags past the end of the file system count as used. */
static bool
frag_free(struct ffs_chk *ck, uint32_t c, int64_t f, int64_t ndblk)
{
	int64_t d = ffs_cgbase(&ck->fm, c) + f;

	return f < ndblk && !chk_isset(ck->used, (uint64_t)d);
}

/*
 * inuse counts the places marked free that are in use: those are the
 * damage (a second allocation would share them); the rest are only lost
 * space, what a crash between allocating and linking leaves and fsck -p
 * gives back.
 */
static void
mismatch(struct ffs_chk *ck, uint32_t c, const char *map, unsigned n, int64_t first,
    unsigned inuse)
{
	if (n > 0)
		chk_report(ck, "cylinder group %u: %s map differs in %u places (first at %jd), "
		    "%u of them in use but marked free", c, map, n, (intmax_t)first, inuse);
}

static void
check_inode_map(struct ffs_chk *ck, uint32_t c, const struct ffs_cg *cg, struct cgsum *s)
{
	struct ffs_mount *fm = &ck->fm;
	const uint8_t *map = (const uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_iusedoff);
	unsigned bad = 0, inuse = 0;
	int64_t first = -1;

	for (uint32_t i = 0; i < fm->fm_ipg; i++) {
		uint64_t ino = (uint64_t)c * fm->fm_ipg + i;
		bool used = ino < FFS_ROOTINO || ck->ino[ino].ci_mode != 0;

		if (!used)
			s->nifree++;
		if (used && (ck->ino[ino].ci_mode & FFS_IFMT) == FFS_IFDIR)
			s->ndir++;
		if (used == chk_isset(map, i))
			continue;
		if (bad++ == 0)
			first = (int64_t)ino;
		inuse += used;
	}
	mismatch(ck, c, "inode", bad, first, inuse);
}

static void
count_block(struct ffs_chk *ck, uint32_t c, int64_t b, int64_t ndblk, struct cgsum *s)
{
	int frag = ck->fm.fm_frag, run = 0, nfree = 0;

	for (int i = 0; i < frag; i++)
		nfree += frag_free(ck, c, b * frag + i, ndblk);
	if (nfree == frag) {
		s->nbfree++;
		return;
	}
	s->nffree += nfree;
	for (int i = 0; i <= frag; i++) {
		if (i < frag && frag_free(ck, c, b * frag + i, ndblk)) {
			run++;
		} else if (run > 0) {
			s->frsum[run]++;
			run = 0;
		}
	}
}

static void
check_frag_map(struct ffs_chk *ck, uint32_t c, const struct ffs_cg *cg, struct cgsum *s)
{
	struct ffs_mount *fm = &ck->fm;
	const uint8_t *map = (const uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_freeoff);
	int64_t ndblk = MIN((int64_t)fm->fm_fpg, fm->fm_size - ffs_cgbase(fm, c)), first = -1;
	unsigned bad = 0, inuse = 0;

	for (int64_t f = 0; f < ndblk; f++) {
		bool isfree = frag_free(ck, c, f, ndblk);

		if (isfree == chk_isset(map, (uint64_t)f))
			continue;
		if (bad++ == 0)
			first = ffs_cgbase(fm, c) + f;
		inuse += !isfree;
	}
	mismatch(ck, c, "fragment", bad, first, inuse);
	for (int64_t b = 0; b < howmany(ndblk, fm->fm_frag); b++)
		count_block(ck, c, b, ndblk, s);
}

/* One bit per whole block (1: free), and counts of free runs capped at fs_contigsumsize. */
static void
check_cluster_map(struct ffs_chk *ck, uint32_t c, const struct ffs_cg *cg)
{
	struct ffs_mount *fm = &ck->fm;
	bool sw = fm->fm_swap;
	const uint8_t *map = (const uint8_t *)cg + ffs_get32(sw, cg->cg_clusteroff);
	const uint8_t *sump = (const uint8_t *)cg + ffs_get32(sw, cg->cg_clustersumoff);
	int64_t ndblk = MIN((int64_t)fm->fm_fpg, fm->fm_size - ffs_cgbase(fm, c));
	int64_t nblk = ndblk / fm->fm_frag, first = -1, run = 0;
	uint32_t sum[65] = { 0 };
	unsigned bad = 0, inuse = 0;

	for (int64_t b = 0; b <= nblk; b++) {
		bool isfree = b < nblk;

		for (int i = 0; isfree && i < fm->fm_frag; i++)
			isfree = frag_free(ck, c, b * fm->fm_frag + i, ndblk);
		if (b < nblk && isfree != chk_isset(map, (uint64_t)b)) {
			if (bad++ == 0)
				first = b;
			inuse += !isfree;
		}
		if (isfree) {
			run++;
		} else if (run > 0) {
			sum[MIN(run, (int64_t)fm->fm_contigsumsize)]++;
			run = 0;
		}
	}
	mismatch(ck, c, "cluster", bad, first, inuse);
	for (int i = 1; i <= fm->fm_contigsumsize; i++) {
		uint32_t v;

		memcpy(&v, sump + 4 * i, 4);
		if (ffs_get32(sw, v) != sum[i])
			chk_report(ck, "cylinder group %u: %u free clusters of %d blocks, %u recorded",
			    c, sum[i], i, ffs_get32(sw, v));
	}
}

static void
compare_csum(struct ffs_chk *ck, const char *where, uint32_t c, const struct ffs_csum *cs,
    const struct cgsum *s)
{
	bool sw = ck->fm.fm_swap;
	int64_t rec[4] = {
		(int32_t)ffs_get32(sw, (uint32_t)cs->cs_ndir),
		(int32_t)ffs_get32(sw, (uint32_t)cs->cs_nbfree),
		(int32_t)ffs_get32(sw, (uint32_t)cs->cs_nifree),
		(int32_t)ffs_get32(sw, (uint32_t)cs->cs_nffree),
	};
	int64_t real[4] = { s->ndir, s->nbfree, s->nifree, s->nffree };
	static const char *names[4] = { "directories", "free blocks", "free inodes", "free frags" };

	for (int i = 0; i < 4; i++)
		if (rec[i] != real[i])
			chk_report(ck, "cylinder group %u: %s: %jd %s, %jd recorded", c, where,
			    (intmax_t)real[i], names[i], (intmax_t)rec[i]);
}

/* Entry c of the summary area (fs_csaddr). */
static void
check_summary_entry(struct ffs_chk *ck, uint32_t c, const struct cgsum *s)
{
	struct ffs_mount *fm = &ck->fm;
	uint64_t byte = (uint64_t)c * sizeof(struct ffs_csum);
	struct ffs_csum cs;
	struct buf *bp;

	if (ffs_bread(fm, fm->fm_csaddr + (int64_t)(byte / (uint64_t)fm->fm_bsize) * fm->fm_frag,
	    &bp) != 0) {
		chk_report(ck, "summary area unreadable");
		return;
	}
	memcpy(&cs, (char *)bp->b_data + byte % (uint64_t)fm->fm_bsize, sizeof(cs));
	brelse(bp, 0);
	compare_csum(ck, "summary area", c, &cs, s);
}

static void
check_group(struct ffs_chk *ck, uint32_t c, struct cgsum *total)
{
	struct cgsum s;
	struct buf *bp;
	struct ffs_cg *cg;

	memset(&s, 0, sizeof(s));
	if (chk_read_cg(ck, c, &bp, &cg, false) != 0)
		return;		/* reported with the headers */
	check_inode_map(ck, c, cg, &s);
	check_frag_map(ck, c, cg, &s);
	if (ck->fm.fm_contigsumsize > 0)
		check_cluster_map(ck, c, cg);
	compare_csum(ck, "header", c, &cg->cg_cs, &s);
	for (int i = 1; i < ck->fm.fm_frag; i++)
		if (ffs_get32(ck->fm.fm_swap, cg->cg_frsum[i]) != s.frsum[i])
			chk_report(ck, "cylinder group %u: %u free runs of %d frags, %u recorded",
			    c, s.frsum[i], i, ffs_get32(ck->fm.fm_swap, cg->cg_frsum[i]));
	brelse(bp, 0);
	check_summary_entry(ck, c, &s);
	total->ndir += s.ndir;
	total->nbfree += s.nbfree;
	total->nifree += s.nifree;
	total->nffree += s.nffree;
}

int
chk_pass_maps(struct ffs_chk *ck)
{
	const struct ffs_csum_total *t = &ck->fm.fm_cstotal;
	struct cgsum total;

	memset(&total, 0, sizeof(total));
	for (uint32_t c = 0; c < ck->fm.fm_ncg; c++) {
		if (!ck->cgok[c])
			return 0;	/* totals would only repeat the header problem */
		check_group(ck, c, &total);
	}
	if (t->cs_ndir != total.ndir || t->cs_nbfree != total.nbfree ||
	    t->cs_nifree != total.nifree || t->cs_nffree != total.nffree)
		chk_report(ck, "superblock totals: %jd dirs, %jd free blocks, %jd free inodes, "
		    "%jd free frags; counted %jd, %jd, %jd, %jd", (intmax_t)t->cs_ndir,
		    (intmax_t)t->cs_nbfree, (intmax_t)t->cs_nifree, (intmax_t)t->cs_nffree,
		    (intmax_t)total.ndir, (intmax_t)total.nbfree, (intmax_t)total.nifree,
		    (intmax_t)total.nffree);
	if (total.ndir != ck->ndir)
		chk_report(ck, "%jd directories counted in the maps, %jd found",
		    (intmax_t)total.ndir, (intmax_t)ck->ndir);
	return 0;
}
