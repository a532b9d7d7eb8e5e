/* p2k_ops.c: session start and end (init, destroy) and the FUSE lowlevel ops table. */
#include "p2k_impl.h"

#include <linux/fuse.h>

#define P2K_MAX_WRITE	(1u << 20)

/* What the host kernel may do for us: each only where it stays correct for an fs this daemon alone changes. */
void
p2k_op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct p2k_mount *pm = userdata;
	unsigned want = FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_READDIRPLUS |
	    FUSE_CAP_PARALLEL_DIROPS | FUSE_CAP_ASYNC_READ | FUSE_CAP_CACHE_SYMLINKS;

	/* The rump VFS drops set-id bits on writes and chown itself (vpol_killpriv). */
	want |= FUSE_CAP_HANDLE_KILLPRIV;
	if (pm->pm_wantwriteback)
		want |= FUSE_CAP_WRITEBACK_CACHE;
	conn->want |= want & conn->capable;
	/*
	 * READDIRPLUS for every chunk, not only the first: a name without
	 * its attributes costs the host a LOOKUP round trip when it is
	 * used (rm -r, find, tar), far more than loading the inode here.
	 */
	conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
	pm->pm_writeback = (conn->want & FUSE_CAP_WRITEBACK_CACHE) != 0;
	if (pm->pm_wantwriteback && !pm->pm_writeback)
		p2k_log(pm, "the host kernel offers no writeback cache; writing through");
	conn->max_write = P2K_MAX_WRITE;
	pm->pm_conn_want = conn->want;
}

/*
 * libfuse 3.14 leaves FUSE_HANDLE_KILLPRIV out of its INIT reply even
 * when it was wanted and offered.  Without it the host drops set-id
 * bits itself, as a chmod sent with the writer's credential, which the
 * rump kernel must refuse for a non-owner: a world-writable set-id
 * file could then be written by its owner only.  The second version
 * matters with the writeback cache: the host then writes a set-id
 * file through, with the writer's credential, instead of caching the
 * write and sending it later as its own.
 */
void
p2k_init_reply_flags(struct p2k_mount *pm, struct fuse_init_out *init)
{
	if ((pm->pm_conn_want & FUSE_CAP_HANDLE_KILLPRIV) == 0)
		return;
	init->flags |= pm->pm_init_offered & (FUSE_HANDLE_KILLPRIV | FUSE_HANDLE_KILLPRIV_V2);
}

/* The host unmounted us (or the session ends): sync and unmount the rump fs now. */
void
p2k_op_destroy(void *userdata)
{
	p2k_teardown(userdata);
}

const struct fuse_lowlevel_ops p2k_ops = {
	.init		= p2k_op_init,
	.destroy	= p2k_op_destroy,
	.lookup		= p2k_op_lookup,
	.forget		= p2k_op_forget,
	.forget_multi	= p2k_op_forget_multi,
	.getattr	= p2k_op_getattr,
	.setattr	= p2k_op_setattr,
	.readlink	= p2k_op_readlink,
	.mknod		= p2k_op_mknod,
	.mkdir		= p2k_op_mkdir,
	.unlink		= p2k_op_unlink,
	.rmdir		= p2k_op_rmdir,
	.symlink	= p2k_op_symlink,
	.rename		= p2k_op_rename,
	.link		= p2k_op_link,
	.open		= p2k_op_open,
	.read		= p2k_op_read,
	.lseek		= p2k_op_lseek,
	.write		= p2k_op_write,
	.fallocate	= p2k_op_fallocate,
	.flush		= p2k_op_flush,
	.release	= p2k_op_release,
	.fsync		= p2k_op_fsync,
	.opendir	= p2k_op_opendir,
	.readdir	= p2k_op_readdir,
	.readdirplus	= p2k_op_readdirplus,
	.releasedir	= p2k_op_releasedir,
	.fsyncdir	= p2k_op_fsyncdir,
	.statfs		= p2k_op_statfs,
	.access		= p2k_op_access,
	.create		= p2k_op_create,
};
