/* ffs_check.c: the consistency checker's driver: setup, metadata areas, cylinder group headers, reports. */
#include <stdio.h>

#include "ffs_check_impl.h"

static int	chk_setup(struct ffs_chk *ck);
static void	chk_teardown(struct ffs_chk *ck);
static void	mark_metadata(struct ffs_chk *ck);
static void	check_cg_headers(struct ffs_chk *ck);

void
chk_report(struct ffs_chk *ck, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ck->nproblems++ >= CHK_MAXREPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ffs_check: %s\n", msg);
	if (ck->nproblems == CHK_MAXREPORTS)
		kprintf("ffs_check: (further problems are counted, not printed)\n");
}

/* Mark a run of metadata frags used; overlapping areas are themselves a problem. */
static void
mark_area(struct ffs_chk *ck, int64_t start, int64_t end, const char *what)
{
	for (int64_t d = start; d < end && d < ck->fm.fm_size; d++) {
		if (chk_isset(ck->used, (uint64_t)d))
			chk_report(ck, "%s overlaps other metadata at frag %jd", what, (intmax_t)d);
		chk_setbit(ck->used, (uint64_t)d);
	}
}

static void
mark_metadata(struct ffs_chk *ck)
{
	struct ffs_mount *fm = &ck->fm;

	mark_area(ck, 0, ffs_cgsblock(fm, 0), "boot area");
	for (uint32_t c = 0; c < fm->fm_ncg; c++)
		mark_area(ck, ffs_cgsblock(fm, c), ffs_cgdmin(fm, c), "cylinder group metadata");
	mark_area(ck, fm->fm_csaddr, fm->fm_csaddr + howmany(fm->fm_cssize, fm->fm_fsize),
	    "summary area");
}

static bool
cg_header_ok(struct ffs_chk *ck, uint32_t c, const struct ffs_cg *cg, bool report)
{
	const char *why = ffs_cg_validate(&ck->fm, c, cg);

	if (why != NULL && report)
		chk_report(ck, "cylinder group %u: header %s", c, why);
	return why == NULL;
}

int
chk_read_cg(struct ffs_chk *ck, uint32_t c, struct buf **bpp, struct ffs_cg **cgpp, bool report)
{
	int error;

	if ((error = ffs_bread(&ck->fm, ffs_cgtod(&ck->fm, c), bpp)) != 0) {
		if (report)
			chk_report(ck, "cylinder group %u: header unreadable (error %d)", c, error);
		return error;
	}
	*cgpp = (*bpp)->b_data;
	if (!cg_header_ok(ck, c, *cgpp, report)) {
		brelse(*bpp, 0);
		return EIO;
	}
	return 0;
}

static void
check_cg_headers(struct ffs_chk *ck)
{
	struct buf *bp;
	struct ffs_cg *cg;

	for (uint32_t c = 0; c < ck->fm.fm_ncg; c++) {
		if (chk_read_cg(ck, c, &bp, &cg, true) == 0) {
			ck->cgok[c] = 1;
			brelse(bp, 0);
		}
	}
}

static int
chk_setup(struct ffs_chk *ck)
{
	struct ffs_mount *fm = &ck->fm;

	ck->usedlen = (size_t)howmany(fm->fm_size, 8);
	ck->inolen = (size_t)ffs_maxino(fm) * sizeof(*ck->ino);
	ck->used = kmem_zalloc(ck->usedlen, KM_SLEEP);
	ck->ino = kmem_zalloc(ck->inolen, KM_SLEEP);
	ck->cgok = kmem_zalloc(fm->fm_ncg, KM_SLEEP);
	if (ck->used == NULL || ck->ino == NULL || ck->cgok == NULL)
		return ENOMEM;
	return 0;
}

static void
chk_teardown(struct ffs_chk *ck)
{
	if (ck->used != NULL)
		kmem_free(ck->used, ck->usedlen);
	if (ck->ino != NULL)
		kmem_free(ck->ino, ck->inolen);
	if (ck->cgok != NULL)
		kmem_free(ck->cgok, ck->fm.fm_ncg);
}

int
ffs_check(const char *fspec, unsigned *nproblemsp)
{
	struct ffs_chk *ck;
	int error;

	*nproblemsp = 0;
	ck = kmem_zalloc(sizeof(*ck), KM_SLEEP);
	if (ck == NULL)
		return ENOMEM;
	ck->fm.fm_ronly = true;
	if ((error = vfs_opendev(fspec, true, &ck->fm.fm_devvp, &ck->fm.fm_bd)) != 0)
		goto out_ck;
	if ((error = ffs_super_read(&ck->fm)) != 0)
		goto out_dev;
	if ((error = chk_setup(ck)) != 0)
		goto out_teardown;
	mark_metadata(ck);
	check_cg_headers(ck);
	if ((error = chk_pass_inodes(ck)) != 0)
		goto out_teardown;
	if ((error = chk_pass_dirs(ck)) != 0)
		goto out_teardown;
	chk_pass_links(ck);
	error = chk_pass_maps(ck);
	*nproblemsp = ck->nproblems;
out_teardown:
	chk_teardown(ck);
out_dev:
	vfs_closedev(ck->fm.fm_devvp, ck->fm.fm_bd, true, NULL);
out_ck:
	kmem_free(ck, sizeof(*ck));
	return error;
}
