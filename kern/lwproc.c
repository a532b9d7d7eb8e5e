/* lwproc.c: the public process and lwp calls (NetBSD's rump_lwproc(3)). */
#include "kernel.h"
#include "kern_private.h"
#include "lwp.h"

#include <rump/rump.h>

int
rump_pub_lwproc_rfork(int flags)
{
	struct proc *child;
	struct lwp *l;
	int error;

	if (flags != 0 && flags != RUMP_RFFDG && flags != RUMP_RFCFDG)
		return EINVAL;
	/* the lwp first: a child that could not get one would need unwinding */
	if ((l = lwp_alloc(NULL, 0, NULL)) == NULL)
		return ENOMEM;
	rump_schedule();
	if ((error = proc_create(curproc, flags, &child)) != 0) {
		lwp_free(l);
		goto out;
	}
	l->l_proc = child;
	lwp_link(l);
	lwp_switch_to(l);
out:
	rump_unschedule();
	return error;
}

int
rump_pub_lwproc_newlwp(pid_t pid)
{
	struct proc *p;
	struct lwp *l;
	int error = 0;

	rump_schedule();
	if ((p = proc_find_locked(pid)) == NULL) {
		error = ESRCH;
		goto out;
	}
	l = lwp_alloc(p, 0, NULL);
	if (l != NULL)
		lwp_link_locked(l);
	mutex_exit(&p->p_lock);
	if (l == NULL) {
		error = ENOMEM;
		goto out;
	}
	lwp_switch_to(l);
out:
	rump_unschedule();
	return error;
}

void
rump_pub_lwproc_switch(struct lwp *l)
{
	rump_schedule();
	if (l == NULL) {
		if (curlwp->l_flags & LW_IMPLICIT)
			goto out;
		if ((l = lwp_alloc(&proc0, LW_IMPLICIT, "implicit")) == NULL)
			panic("no host memory for an lwp");
		lwp_link(l);
	}
	lwp_switch_to(l);
out:
	rump_unschedule();
}

/* The release happens at the thread's last rump_unschedule(), perhaps this one. */
void
rump_pub_lwproc_releaselwp(void)
{
	struct lwp *l;

	rump_schedule();
	l = curlwp;
	__atomic_or_fetch(&l->l_flags, LW_RELEASE, __ATOMIC_RELAXED);
	rump_unschedule();
}

int
rump_pub_lwproc_setcred(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	struct proc *p;
	kauth_cred_t cred, old;
	int error;

	if ((error = kauth_cred_create(uid, gid, ngroups, groups, &cred)) != 0)
		return error;
	rump_schedule();
	p = curproc;
	mutex_enter(&p->p_lock);
	old = p->p_cred;
	__atomic_store_n(&p->p_cred, cred, __ATOMIC_RELAXED);
	mutex_exit(&p->p_lock);
	kauth_cred_free(old);
	lwp_cred_refresh(curlwp);
	rump_unschedule();
	return 0;
}
