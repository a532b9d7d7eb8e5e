/* p2k_dir.c: directories: opendir, readdir, readdirplus (the file system's cookies are the offsets), releasedir, fsyncdir. */
#include "p2k_impl.h"
#include "dirent.h"
#include <stdlib.h>

/* A batch of the file system's entries (struct dirent64 records) from cookie off. */
struct p2k_dirbuf {
	char	*db_buf;
	size_t	db_len;		/* bytes of records */
};

static int p2k_dir_fill(struct vnode *vp, off_t off, size_t size, kauth_cred_t cred,
    struct p2k_dirbuf *db);
static size_t p2k_dir_plus_one(fuse_req_t req, struct p2k_mount *pm, struct vnode *dvp,
    bool searchable, const struct dirent64 *d, char *out, size_t room, kauth_cred_t cred);

void
p2k_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct p2k_file *pf;
	struct vnode *vp;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		if (vp->v_type != VDIR)
			error = ENOTDIR;
		else if ((error = VOP_ACCESS(vp, VREAD, cred)) == 0 &&
		    (error = p2k_file_open(pm, vp, FREAD, cred, &pf)) == 0)
			fi->fh = (uint64_t)(uintptr_t)pf;
		vrele(vp);
	}
	p2k_leave();
out:
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	fi->cache_readdir = 1;	/* only this daemon changes the directory */
	fi->keep_cache = 1;
	if (fuse_reply_open(req, fi) != 0) {
		rump_schedule();
		(void)p2k_file_close(pm, pf, kauth_cred_get());
		rump_unschedule();
	}
}

static int
p2k_dir_fill(struct vnode *vp, off_t off, size_t size, kauth_cred_t cred,
    struct p2k_dirbuf *db)
{
	struct iovec iov;
	struct uio uio;
	int error, eof = 0;

	db->db_len = 0;
	uio_setup(&uio, &iov, db->db_buf, size, off, UIO_READ);
	error = VOP_READDIR(vp, &uio, cred, &eof);
	db->db_len = size - uio.uio_resid;
	return error;
}

/* The records of db, one at a time (d NULL at the end). */
static const struct dirent64 *
p2k_dir_next(const struct p2k_dirbuf *db, size_t *posp)
{
	const struct dirent64 *d;

	if (*posp + offsetof(struct dirent64, d_name) >= db->db_len)
		return NULL;
	d = (const struct dirent64 *)(const void *)(db->db_buf + *posp);
	*posp += d->d_reclen;
	return d;
}

static void
p2k_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi, bool plus)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp = p2k_fh(fi)->pf_vp;
	struct p2k_dirbuf db;
	const struct dirent64 *d;
	size_t pos = 0, outlen = 0, n;
	kauth_cred_t cred;
	bool searchable = false;
	char *out;
	int error;

	(void)ino;
	db.db_buf = malloc(size);
	out = malloc(size);
	if (db.db_buf == NULL || out == NULL) {
		error = ENOMEM;
		goto out;
	}
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	error = p2k_dir_fill(vp, off, size, cred, &db);
	if (plus)
		searchable = VOP_ACCESS(vp, VEXEC, cred) == 0;
	/* FUSE's records are a little larger: stop at the first that does not fit; its cookie resumes. */
	while (error == 0 && (d = p2k_dir_next(&db, &pos)) != NULL) {
		if (plus) {
			n = p2k_dir_plus_one(req, pm, vp, searchable, d, out + outlen,
			    size - outlen, cred);
		} else {
			struct stat st = { .st_ino = d->d_ino, .st_mode = (mode_t)d->d_type << 12 };

			n = fuse_add_direntry(req, out + outlen, size - outlen, d->d_name, &st,
			    d->d_off);
		}
		if (n > size - outlen || n == 0)
			break;
		outlen += n;
	}
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_buf(req, out, outlen);
	free(out);
	free(db.db_buf);
}

/*
 * One readdirplus record: with the entry's attributes and a lookup the
 * host now owns, except for "." and ".." (the host takes none) and in a
 * directory the caller may read but not search (a plain record, as the
 * caller could not look the name up).  Returns the size needed; more
 * than room means nothing was added.
 */
static size_t
p2k_dir_plus_one(fuse_req_t req, struct p2k_mount *pm, struct vnode *dvp, bool searchable,
    const struct dirent64 *d, char *out, size_t room, kauth_cred_t cred)
{
	struct fuse_entry_param e;
	struct vnode *vp;
	size_t need;
	bool dots = strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0;

	need = fuse_add_direntry_plus(req, NULL, 0, d->d_name, NULL, 0);
	if (need > room)
		return need;
	memset(&e, 0, sizeof(e));
	e.attr.st_ino = d->d_ino;
	e.attr.st_mode = (mode_t)d->d_type << 12;
	if (!dots && searchable && p2k_lookup_vp(dvp, d->d_name, LOOKUP, cred, &vp) == 0 &&
	    p2k_entry(pm, vp, cred, &e) != 0) {
		memset(&e, 0, sizeof(e));	/* gone or out of memory: a plain record */
		e.attr.st_ino = d->d_ino;
		e.attr.st_mode = (mode_t)d->d_type << 12;
	}
	return fuse_add_direntry_plus(req, out, room, d->d_name, &e, d->d_off);
}

void
p2k_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	p2k_readdir_common(req, ino, size, off, fi, false);
}

void
p2k_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	p2k_readdir_common(req, ino, size, off, fi, true);
}

void
p2k_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	p2k_op_release(req, ino, fi);
}

void
p2k_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	p2k_op_fsync(req, ino, datasync, fi);
}
