/* test_lwproc.c: processes and lwps through the public rump_pub_lwproc_* calls, and credentials. */
#include <stdint.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kauth.h"
#include "kernel.h"
#include "lwp.h"

static int lp_forks, lp_exits, lp_fork_flags, lp_fork_error;
static struct proc *lp_exited;

static int
lp_fork(struct proc *parent, struct proc *child, int flags)
{
	CHECK(parent != child);
	lp_fork_flags = flags;
	if (lp_fork_error != 0)
		return lp_fork_error;
	lp_forks++;
	return 0;
}

static void
lp_exit(struct proc *p)
{
	lp_exits++;
	lp_exited = p;
}

static const struct proc_hooks lp_hooks = { .ph_fork = lp_fork, .ph_exit = lp_exit };

static pid_t
lp_curpid(void)
{
	pid_t pid;

	rump_schedule();
	pid = curproc->p_pid;
	rump_unschedule();
	return pid;
}

T_CASE(lwproc_rfork_release)
{
	struct proc *p, *child;
	struct lwp *l;
	pid_t pid0, pid1, pid2;

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	proc_hooks_set(&lp_hooks);
	pid0 = lp_curpid();
	CHECK_EQ(pid0, proc0.p_pid);

	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(lp_forks, 1);
	CHECK_EQ(lp_fork_flags, RUMP_RFCFDG);
	rump_schedule();
	child = curproc;
	pid1 = child->p_pid;
	CHECK(child != &proc0);
	CHECK(pid1 != pid0);
	CHECK(!(curlwp->l_flags & LW_IMPLICIT));
	CHECK_EQ(kauth_cred_getuid(kauth_cred_get()), 0);
	p = proc_find_locked(pid1);
	CHECK(p == child);
	mutex_exit(&p->p_lock);
	rump_unschedule();
	l = rump_pub_lwproc_curlwp();
	CHECK(l->l_proc == child);

	/* a fork from the child: pids increase */
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	pid2 = lp_curpid();
	CHECK(pid2 > pid1);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(lp_exits, 1);

	/* back in proc0 after releasing; the first child still exists */
	CHECK_EQ(lp_curpid(), pid0);
	rump_schedule();
	CHECK(curlwp->l_flags & LW_IMPLICIT);
	CHECK((p = proc_find_locked(pid2)) == NULL);
	CHECK((p = proc_find_locked(pid1)) == child);
	mutex_exit(&p->p_lock);
	rump_unschedule();

	/* switch to the child's lwp and release it: the child process ends */
	rump_pub_lwproc_switch(l);
	CHECK_EQ(lp_curpid(), pid1);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(lp_exits, 2);
	CHECK(lp_exited == child);
	rump_schedule();
	CHECK(proc_find_locked(pid1) == NULL);
	rump_unschedule();

	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(lwproc_fork_hook_fails)
{
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	proc_hooks_set(&lp_hooks);
	lp_fork_error = EMFILE;
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFFDG), EMFILE);
	CHECK_EQ(lp_curpid(), proc0.p_pid);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFFDG | RUMP_RFCFDG), EINVAL);
	lp_fork_error = 0;
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(lwproc_newlwp_switch)
{
	struct lwp *first, *second;
	pid_t pid;

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_lwproc_newlwp(12345), ESRCH);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	first = rump_pub_lwproc_curlwp();
	pid = lp_curpid();
	CHECK_ERR(rump_pub_lwproc_newlwp(pid), 0);
	second = rump_pub_lwproc_curlwp();
	CHECK(second != first);
	CHECK(second->l_proc == first->l_proc);
	CHECK_EQ(first->l_proc->p_nlwps, 2);

	/* releasing one lwp keeps the process */
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(first);
	CHECK_EQ(lp_curpid(), pid);
	CHECK_EQ(first->l_proc->p_nlwps, 1);

	/* switch(NULL) goes back to an implicit lwp in proc0 */
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ(lp_curpid(), proc0.p_pid);
	rump_pub_lwproc_switch(first);
	rump_pub_lwproc_releaselwp();
	rump_schedule();
	CHECK(proc_find_locked(pid) == NULL);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(lwproc_setcred)
{
	gid_t groups[] = { 20, 30 };
	gid_t many[KAUTH_NGROUPS + 1] = { 0 };
	kauth_cred_t cred;

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERR(rump_pub_lwproc_setcred(1000, 100, 2, groups), 0);
	rump_schedule();
	cred = kauth_cred_get();
	CHECK_EQ(kauth_cred_getuid(cred), 1000);
	CHECK_EQ(kauth_cred_geteuid(cred), 1000);
	CHECK_EQ(kauth_cred_getgid(cred), 100);
	CHECK_EQ(kauth_cred_getegid(cred), 100);
	CHECK_EQ(kauth_cred_ngroups(cred), 2);
	CHECK_EQ(kauth_cred_group(cred, 1), 30);
	CHECK(kauth_cred_groupmember(cred, 100));
	CHECK(kauth_cred_groupmember(cred, 20));
	CHECK(!kauth_cred_groupmember(cred, 21));
	CHECK(!kauth_cred_issuser(cred));
	rump_unschedule();

	CHECK_ERR(rump_pub_lwproc_setcred(0, 0, KAUTH_NGROUPS + 1, many), EINVAL);
	/* a fork inherits the credential */
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	rump_schedule();
	CHECK_EQ(kauth_cred_getuid(kauth_cred_get()), 1000);
	rump_unschedule();
	rump_pub_lwproc_releaselwp();

	/* proc0 is untouched */
	rump_pub_lwproc_switch(NULL);
	rump_schedule();
	CHECK(kauth_cred_issuser(kauth_cred_get()));
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(kauth_refcount)
{
	kauth_cred_t c;

	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	CHECK_ERR(kauth_cred_create(5, 6, 0, NULL, &c), 0);
	kauth_cred_hold(c);
	kauth_cred_free(c);
	CHECK_EQ(kauth_cred_getuid(c), 5);	/* still held once */
	kauth_cred_free(c);
	CHECK_ERR(kauth_cred_create(5, 6, 1, NULL, &c), EINVAL);
	c = kauth_cred_alloc();
	CHECK(kauth_cred_issuser(c) && kauth_cred_ngroups(c) == 0);
	kauth_cred_free(c);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

/* Leftover processes end at shutdown (ph_exit still called), leaving no leak. */
T_CASE(lwproc_shutdown_cleans)
{
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	proc_hooks_set(&lp_hooks);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(lp_exits, 2);
	CHECK_ERR(rump_init(), 0);
	CHECK_EQ(lp_curpid(), proc0.p_pid);
	CHECK_ERR(rump_shutdown(), 0);
}
