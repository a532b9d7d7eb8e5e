/* p2k_cred.c: kernel entry for a FUSE request: a rump process per worker thread, running with the caller's credential. */
#include "p2k_impl.h"
#include <stdlib.h>

/*
 * Each worker thread forks its own rump process once (so credentials of
 * concurrent requests never meet) and changes that process's credential
 * only when the caller differs from the previous request's: a stream of
 * requests from one user costs no allocation.
 */
struct p2k_thread {
	bool	pt_forked;
	bool	pt_credset;
	uid_t	pt_uid;
	gid_t	pt_gid;
	int	pt_ngroups;
	gid_t	pt_groups[KAUTH_NGROUPS];
	void	*pt_buf;	/* read buffer, reused: a fresh 128 KiB malloc is an mmap */
	size_t	pt_buflen;
};

static __thread struct p2k_thread p2k_thread __attribute__((tls_model("initial-exec")));
static pthread_key_t p2k_thread_key;

/* The thread ends (libfuse retires idle workers): its rump process goes with it. */
static void
p2k_thread_exit(void *arg)
{
	struct p2k_thread *pt = arg;

	free(pt->pt_buf);
	pt->pt_buf = NULL;
	pt->pt_buflen = 0;
	rump_pub_lwproc_releaselwp();
}

void *
p2k_thread_buf(size_t size)
{
	struct p2k_thread *pt = &p2k_thread;
	void *p;

	if (size <= pt->pt_buflen)
		return pt->pt_buf;
	if ((p = realloc(pt->pt_buf, size)) == NULL)
		return NULL;
	pt->pt_buf = p;
	pt->pt_buflen = size;
	return p;
}

static int p2k_key_error;

static void
p2k_key_create(void)
{
	p2k_key_error = pthread_key_create(&p2k_thread_key, p2k_thread_exit);
}

int
p2k_cred_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, p2k_key_create);
	return p2k_key_error;
}

/* The caller's supplementary groups; root needs none (it passes every check but VEXEC, which groups do not change). */
static int
p2k_req_groups(fuse_req_t req, uid_t uid, gid_t *groups)
{
	int n;

	if (uid == 0)
		return 0;
	n = fuse_req_getgroups(req, KAUTH_NGROUPS, groups);
	if (n < 0)
		return 0;	/* not available (old kernel, exited caller): primary group only */
	return n > KAUTH_NGROUPS ? KAUTH_NGROUPS : n;
}

static bool
p2k_same_cred(const struct p2k_thread *pt, uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	return pt->pt_credset && pt->pt_uid == uid && pt->pt_gid == gid &&
	    pt->pt_ngroups == ngroups &&
	    memcmp(pt->pt_groups, groups, (size_t)ngroups * sizeof(gid_t)) == 0;
}

/*
 * -o uid=N,gid=N: the mounting user is the image's user N (and group N)
 * both ways, so the host's own permission check (default_permissions)
 * sees the user own what N owns.  Nobody else changes.
 */
void
p2k_ids_out(const struct p2k_mount *pm, uid_t *uidp, gid_t *gidp)
{
	if (pm->pm_mapuid >= 0 && *uidp == (uid_t)pm->pm_mapuid)
		*uidp = pm->pm_hostuid;
	if (pm->pm_mapgid >= 0 && *gidp == (gid_t)pm->pm_mapgid)
		*gidp = pm->pm_hostgid;
}

void
p2k_ids_in(const struct p2k_mount *pm, uid_t *uidp, gid_t *gidp)
{
	if (pm->pm_mapuid >= 0 && *uidp == pm->pm_hostuid)
		*uidp = (uid_t)pm->pm_mapuid;
	if (pm->pm_mapgid >= 0 && *gidp == pm->pm_hostgid)
		*gidp = (gid_t)pm->pm_mapgid;
}

/* Who the request acts as in the rump kernel. */
static int
p2k_req_cred(const struct p2k_mount *pm, fuse_req_t req, uid_t *uidp, gid_t *gidp, gid_t *groups)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	if (pm->pm_fakeroot) {
		*uidp = 0;
		*gidp = 0;
		return 0;
	}
	*uidp = ctx->uid;
	*gidp = ctx->gid;
	p2k_ids_in(pm, uidp, gidp);
	return p2k_req_groups(req, *uidp, groups);
}

int
p2k_enter(fuse_req_t req, kauth_cred_t *credp)
{
	struct p2k_thread *pt = &p2k_thread;
	const struct p2k_mount *pm = fuse_req_userdata(req);
	gid_t groups[KAUTH_NGROUPS];
	uid_t uid;
	gid_t gid;
	int ngroups, error;

	if (__predict_false(__atomic_load_n(&pm->pm_rapending, __ATOMIC_RELAXED)))
		p2k_readahead_set(fuse_req_userdata(req));
	if (!pt->pt_forked) {
		if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0)
			return error;
		pt->pt_forked = true;
		pthread_setspecific(p2k_thread_key, pt);
	}
	ngroups = p2k_req_cred(pm, req, &uid, &gid, groups);
	if (!p2k_same_cred(pt, uid, gid, ngroups, groups)) {
		error = rump_pub_lwproc_setcred(uid, gid, ngroups, groups);
		if (error != 0)
			return error;
		pt->pt_credset = true;
		pt->pt_uid = uid;
		pt->pt_gid = gid;
		pt->pt_ngroups = ngroups;
		memcpy(pt->pt_groups, groups, (size_t)ngroups * sizeof(gid_t));
	}
	rump_schedule();
	*credp = kauth_cred_get();
	return 0;
}

void
p2k_leave(void)
{
	rump_unschedule();
}
