/* t_rumpfs_vop.c: rumpfs through the VOP calls directly: uio residue at ENOSPC, readdir cookies, inactive. */
#include <stdlib.h>

#include "t_rumpfs.h"
#include "kauth.h"
#include "kmem.h"
#include "mount.h"
#include "namei.h"
#include "vnode_if.h"

#define MIB	((size_t)1 << 20)

static struct componentname
cn(const char *name, int op)
{
	struct componentname c = {
		.cn_nameptr = name,
		.cn_namelen = strlen(name),
		.cn_cred = kauth_cred_get(),
		.cn_nameiop = op,
		.cn_flags = ISLASTCN,
	};
	return c;
}

static struct vattr
va_of(enum vtype type, mode_t mode)
{
	struct vattr va;

	vattr_null(&va);
	va.va_type = type;
	va.va_mode = mode;
	va.va_uid = 0;
	va.va_gid = 0;
	return va;
}

static struct vnode *
vop_create(struct vnode *dvp, const char *name)
{
	struct componentname c = cn(name, CREATE);
	struct vattr va = va_of(VREG, 0644);
	struct vnode *vp = NULL;

	CHECK_ERR(VOP_CREATE(dvp, &vp, &c, &va), 0);
	CHECK(vp != NULL);
	return vp;
}

static int
vop_rw(struct vnode *vp, enum uio_rw rw, void *buf, size_t len, off_t off, size_t *residp)
{
	struct iovec iov;
	struct uio uio;
	int error;

	uio_setup(&uio, &iov, buf, len, off, rw);
	if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, 0, kauth_cred_get());
	else
		error = VOP_WRITE(vp, &uio, 0, kauth_cred_get());
	*residp = uio.uio_resid;
	return error;
}

/* ENOSPC from VOP_WRITE with uio_resid telling how much did not fit; the size agrees. */
T_CASE(vop_write_enospc)
{
	unsigned char *buf = malloc(16 * MIB), *back;
	struct componentname c;
	struct vattr va;
	struct vnode *vp;
	size_t resid, done;

	CHECK(buf != NULL);
	for (size_t i = 0; i < 16 * MIB; i++)
		buf[i] = (unsigned char)(i * 7);
	setenv("RUMP_MEMLIMIT", "4m", 1);
	t_boot();
	rump_schedule();
	vp = vop_create(rootvnode, "big");
	CHECK_ERR(vop_rw(vp, UIO_WRITE, buf, 16 * MIB, 0, &resid), ENOSPC);
	CHECK(resid > 0 && resid < 16 * MIB);
	done = 16 * MIB - resid;
	CHECK_ERR(VOP_GETATTR(vp, &va, kauth_cred_get()), 0);
	CHECK_EQ(va.va_size, done);
	CHECK(va.va_bytes >= done);
	back = malloc(done);
	CHECK(back != NULL);
	CHECK_ERR(vop_rw(vp, UIO_READ, back, done, 0, &resid), 0);
	CHECK_EQ(resid, 0);
	CHECK(memcmp(back, buf, done) == 0);
	free(back);
	/* Nothing fits now. */
	CHECK_ERR(vop_rw(vp, UIO_WRITE, buf, MIB, (off_t)done, &resid), ENOSPC);
	CHECK_EQ(resid, MIB);
	/* Remove it; once the last reference goes, the memory comes back. */
	c = cn("big", DELETE);
	CHECK_ERR(VOP_REMOVE(rootvnode, vp, &c), 0);
	vrele(vp);
	vp = vop_create(rootvnode, "again");
	CHECK_ERR(vop_rw(vp, UIO_WRITE, buf, MIB, 0, &resid), 0);
	CHECK_EQ(resid, 0);
	vrele(vp);
	rump_unschedule();
	t_halt();
	free(buf);
}

/* Cookies straight from VOP_READDIR: ".", "..", then entries in creation order. */
T_CASE(vop_readdir_cookies)
{
	char buf[4096];
	struct iovec iov;
	struct uio uio;
	struct vnode *dvp, *vp;
	struct componentname c;
	struct vattr va = va_of(VDIR, 0755);
	int eof;

	t_boot();
	rump_schedule();
	c = cn("d", CREATE);
	CHECK_ERR(VOP_MKDIR(rootvnode, &dvp, &c, &va), 0);
	for (int i = 0; i < 5; i++) {
		char name[8];
		snprintf(name, sizeof(name), "e%d", i);
		vp = vop_create(dvp, name);
		vrele(vp);
	}
	/* Remove e1 so ids have a gap. */
	c = cn("e1", LOOKUP);
	CHECK_ERR(VOP_LOOKUP(dvp, &vp, &c), 0);
	c = cn("e1", DELETE);
	CHECK_ERR(VOP_REMOVE(dvp, vp, &c), 0);
	vrele(vp);

	uio_setup(&uio, &iov, buf, sizeof(buf), 0, UIO_READ);
	CHECK_ERR(VOP_READDIR(dvp, &uio, kauth_cred_get(), &eof), 0);
	CHECK_EQ(eof, 1);
	const char *want[] = { ".", "..", "e0", "e2", "e3", "e4" };
	int64_t prev = 0;
	size_t at = 0, n = sizeof(buf) - uio.uio_resid;
	for (int i = 0; i < 6; i++) {
		const struct t_dirent *d = (const void *)(buf + at);
		CHECK(at < n);
		CHECK_STREQ(d->d_name, want[i]);
		CHECK(d->d_off > prev);	/* increasing */
		if (i < 2)
			CHECK_EQ(d->d_off, i + 1);
		prev = d->d_off;
		at += d->d_reclen;
	}
	CHECK_EQ(at, n);
	CHECK_EQ(uio.uio_offset, prev);
	/* Resuming at the end: nothing, eof. */
	uio_setup(&uio, &iov, buf, sizeof(buf), prev, UIO_READ);
	CHECK_ERR(VOP_READDIR(dvp, &uio, kauth_cred_get(), &eof), 0);
	CHECK_EQ(uio.uio_resid, sizeof(buf));
	CHECK_EQ(eof, 1);
	/* A buffer with room for one entry only: not eof. */
	uio_setup(&uio, &iov, buf, 24, 0, UIO_READ);
	CHECK_ERR(VOP_READDIR(dvp, &uio, kauth_cred_get(), &eof), 0);
	CHECK_EQ(eof, 0);
	CHECK_EQ(uio.uio_offset, 1);
	/* Not a directory. */
	c = cn("e0", LOOKUP);
	CHECK_ERR(VOP_LOOKUP(dvp, &vp, &c), 0);
	uio_setup(&uio, &iov, buf, sizeof(buf), 0, UIO_READ);
	CHECK_ERR(VOP_READDIR(vp, &uio, kauth_cred_get(), &eof), ENOTDIR);
	c = cn("x", LOOKUP);
	struct vnode *xvp;
	CHECK_ERR(VOP_LOOKUP(vp, &xvp, &c), ENOTDIR);
	vrele(vp);
	vrele(dvp);
	rump_unschedule();
	t_halt();
}

/* Lookup of ".", "..", and a miss; the ".." of the root is the root. */
T_CASE(vop_lookup_dots)
{
	struct vnode *vp, *dvp;
	struct componentname c;
	struct vattr va = va_of(VDIR, 0700);

	t_boot();
	rump_schedule();
	c = cn("d", CREATE);
	CHECK_ERR(VOP_MKDIR(rootvnode, &dvp, &c, &va), 0);
	c = cn(".", LOOKUP);
	CHECK_ERR(VOP_LOOKUP(dvp, &vp, &c), 0);
	CHECK(vp == dvp);
	vrele(vp);
	c = cn("..", LOOKUP);
	c.cn_flags |= ISDOTDOT;
	CHECK_ERR(VOP_LOOKUP(dvp, &vp, &c), 0);
	CHECK(vp == rootvnode);
	vrele(vp);
	CHECK_ERR(VOP_LOOKUP(rootvnode, &vp, &c), 0);
	CHECK(vp == rootvnode);
	vrele(vp);
	c = cn("missing", LOOKUP);
	CHECK_ERR(VOP_LOOKUP(dvp, &vp, &c), ENOENT);
	c = cn("d", LOOKUP);
	CHECK_ERR(VOP_MKDIR(rootvnode, &vp, &c, &va), EEXIST);
	vrele(dvp);
	rump_unschedule();
	t_halt();
}
