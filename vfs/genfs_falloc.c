/* genfs_falloc.c: fallocate over a file system's block map: filling holes with zeroed storage, punching them, undoing on failure. */
#include "genfs.h"
#include "kmem.h"

/* Blocks filled by one call, so a failure can give back exactly those. */
struct falloc_runs {
	uint64_t	(*fr_run)[2];	/* [first, end) block ranges */
	size_t		fr_n;
	size_t		fr_max;
};

/* One walk over the extents of a range: what to do with each, and with what. */
struct falloc_walk {
	int		(*fw_fn)(struct vnode *vp, off_t off, off_t end, struct falloc_walk *fw);
	const struct genfs_falloc *fw_fa;
	kauth_cred_t	fw_cred;
	struct falloc_runs fw_runs;	/* fill_extent: the blocks it filled */
};

static int	falloc_note(struct falloc_runs *fr, uint64_t first, uint64_t end);
static void	falloc_undo(struct vnode *vp, const struct genfs_falloc *fa,
		    struct falloc_runs *fr, off_t oldsize, kauth_cred_t cred);
static int	zero_write(struct vnode *vp, off_t off, off_t end, kauth_cred_t cred);
static int	walk_extents(struct vnode *vp, off_t off, off_t end, bool wantdata,
		    struct falloc_walk *fw);
static int	zero_extent(struct vnode *vp, off_t off, off_t end, struct falloc_walk *fw);
static int	fill_extent(struct vnode *vp, off_t off, off_t end, struct falloc_walk *fw);
static int	falloc_alloc(struct vnode *vp, const struct genfs_falloc *fa, off_t off,
		    off_t end, int flags, off_t size, kauth_cred_t cred);
static int	falloc_punch(struct vnode *vp, const struct genfs_falloc *fa, off_t off,
		    off_t end, off_t size, kauth_cred_t cred);

/* Read source of the zeroes written into holes. */
static const char falloc_zeroes[64 * 1024];

static int
falloc_note(struct falloc_runs *fr, uint64_t first, uint64_t end)
{
	uint64_t (*nrun)[2];
	size_t nmax;

	if (fr->fr_n > 0 && fr->fr_run[fr->fr_n - 1][1] == first) {
		fr->fr_run[fr->fr_n - 1][1] = end;
		return 0;
	}
	if (fr->fr_n == fr->fr_max) {
		nmax = fr->fr_max == 0 ? 16 : fr->fr_max * 2;
		if ((nrun = kmem_alloc(nmax * sizeof(*nrun), KM_SLEEP)) == NULL)
			return ENOMEM;
		if (fr->fr_n > 0)
			memcpy(nrun, fr->fr_run, fr->fr_n * sizeof(*nrun));
		if (fr->fr_max > 0)
			kmem_free(fr->fr_run, fr->fr_max * sizeof(*nrun));
		fr->fr_run = nrun;
		fr->fr_max = nmax;
	}
	fr->fr_run[fr->fr_n][0] = first;
	fr->fr_run[fr->fr_n][1] = end;
	fr->fr_n++;
	return 0;
}

/*
 * Give back what the failed call added: the size it grew (the file
 * system's truncate frees the blocks past it) and the holes it filled.
 * A freeing walk must not stop for memory: it runs on the reserve.
 */
static void
falloc_undo(struct vnode *vp, const struct genfs_falloc *fa, struct falloc_runs *fr,
    off_t oldsize, kauth_cred_t cred)
{
	struct vattr va;

	kmem_reserve_enter();
	vattr_null(&va);
	if (vp->v_op->vop_getattr(vp, &va, cred) == 0 && va.va_size > oldsize) {
		vattr_null(&va);
		va.va_size = oldsize;
		(void)vp->v_op->vop_setattr(vp, &va, cred);
	}
	for (size_t i = 0; i < fr->fr_n; i++)
		(void)fa->fa_free(vp, fr->fr_run[i][0], fr->fr_run[i][1]);
	kmem_reserve_exit();
}

/* Write zeroes over [off, end) through the file system's own write: it allocates and grows. */
static int
zero_write(struct vnode *vp, off_t off, off_t end, kauth_cred_t cred)
{
	struct iovec iov;
	struct uio uio;
	size_t n;
	int error;

	while (off < end) {
		n = (size_t)MIN(end - off, (off_t)sizeof(falloc_zeroes));
		uio_setup(&uio, &iov, (void *)(uintptr_t)falloc_zeroes, n, off, UIO_WRITE);
		if ((error = vp->v_op->vop_write(vp, &uio, 0, cred)) != 0)
			return error;
		if (uio.uio_resid != 0)
			return EIO;
		off += (off_t)n;
	}
	return 0;
}

/*
 * Call fn on each extent of [off, end) that is data (wantdata) or a
 * hole, in order; the first error stops the walk.
 */
static int
walk_extents(struct vnode *vp, off_t off, off_t end, bool wantdata, struct falloc_walk *fw)
{
	off_t next;
	bool data;
	int error;

	for (; off < end; off = next) {
		if ((error = vp->v_op->vop_extent(vp, off, &data, &next)) != 0)
			return error;
		if (next <= off)
			return EIO;	/* a file system that does not move on would loop */
		next = MIN(next, end);
		if (data == wantdata && (error = fw->fw_fn(vp, off, next, fw)) != 0)
			return error;
	}
	return 0;
}

/* A data extent of a punch: its bytes become zeroes, its storage stays. */
static int
zero_extent(struct vnode *vp, off_t off, off_t end, struct falloc_walk *fw)
{
	return zero_write(vp, off, end, fw->fw_cred);
}

/* A hole of an allocation: zeroed storage for its blocks, noted in fw_runs. */
static int
fill_extent(struct vnode *vp, off_t off, off_t end, struct falloc_walk *fw)
{
	const struct genfs_falloc *fa = fw->fw_fa;
	uint64_t first = (uint64_t)off >> fa->fa_bshift, done = first;
	uint64_t last = howmany((uint64_t)end, (uint64_t)1 << fa->fa_bshift);
	int error;

	if (fa->fa_alloc != NULL) {
		error = fa->fa_alloc(vp, first, last, &done);
		if (done > first && falloc_note(&fw->fw_runs, first, done) != 0 && error == 0)
			error = ENOMEM;
		return error;
	}
	/* noted first: a write failing half-way leaves some of the run filled */
	if ((error = falloc_note(&fw->fw_runs, first, last)) != 0)
		return error;
	return zero_write(vp, off, end, fw->fw_cred);
}

/*
 * Mode 0 and KEEPSIZE.  Without fa_alloc the holes are filled by writing
 * zeroes, which grows the size as mode 0 wants; KEEPSIZE then cannot go
 * past the block holding the end of file.
 */
static int
falloc_alloc(struct vnode *vp, const struct genfs_falloc *fa, off_t off, off_t end, int flags,
    off_t size, kauth_cred_t cred)
{
	off_t bsize = (off_t)1 << fa->fa_bshift, inend;
	struct falloc_walk fw = { .fw_fn = fill_extent, .fw_fa = fa, .fw_cred = cred };
	struct falloc_runs *fr = &fw.fw_runs;
	struct vattr va;
	int error;

	if (fa->fa_alloc == NULL && (flags & VFALLOC_KEEPSIZE) &&
	    end > roundup(size, bsize))
		return EOPNOTSUPP;
	inend = fa->fa_alloc != NULL ? end : MIN(end, size);
	error = walk_extents(vp, off, inend, false, &fw);
	if (error == 0 && end > size && !(flags & VFALLOC_KEEPSIZE)) {
		if (fa->fa_alloc == NULL)
			error = zero_write(vp, MAX(off, size), end, cred);
		else {
			vattr_null(&va);
			va.va_size = end;
			error = vp->v_op->vop_setattr(vp, &va, cred);
		}
	}
	if (error != 0)
		falloc_undo(vp, fa, fr, size, cred);
	if (fr->fr_max > 0)
		kmem_free(fr->fr_run, fr->fr_max * sizeof(*fr->fr_run));
	return error;
}

/*
 * Whole blocks inside the range are freed, the bytes of partial ones
 * zeroed; with fa_keeplast the block holding the last byte is only
 * zeroed.  Nothing past the end of file is touched.
 */
static int
falloc_punch(struct vnode *vp, const struct genfs_falloc *fa, off_t off, off_t end, off_t size,
    kauth_cred_t cred)
{
	off_t bsize = (off_t)1 << fa->fa_bshift, lim = MIN(end, size), fstart, fend;
	struct falloc_walk fw = { .fw_fn = zero_extent, .fw_fa = fa, .fw_cred = cred };
	int error;

	if (off >= lim)
		return 0;
	fstart = roundup(off, bsize);
	if (fa->fa_keeplast)
		fend = MIN(rounddown(lim, bsize), rounddown(size - 1, bsize));
	else
		fend = lim == size ? roundup(size, bsize) : rounddown(lim, bsize);
	if (fstart >= fend)
		return walk_extents(vp, off, lim, true, &fw);
	if ((error = walk_extents(vp, off, fstart, true, &fw)) != 0 ||
	    (error = walk_extents(vp, fend, lim, true, &fw)) != 0)
		return error;
	return fa->fa_free(vp, (uint64_t)fstart >> fa->fa_bshift, (uint64_t)fend >> fa->fa_bshift);
}

int
genfs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred,
    const struct genfs_falloc *fa)
{
	off_t end = off + len;	/* VOP_FALLOCATE checked it does not overflow */
	struct vattr va;
	int error;

	if ((uint64_t)end > fa->fa_maxsize)
		return EFBIG;
	vattr_null(&va);
	if ((error = vp->v_op->vop_getattr(vp, &va, cred)) != 0)
		return error;
	if (flags & VFALLOC_PUNCH)
		return falloc_punch(vp, fa, off, end, va.va_size, cred);
	return falloc_alloc(vp, fa, off, end, flags, va.va_size, cred);
}
