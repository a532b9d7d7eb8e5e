/* filedesc_proc.c: the "filedesc" component: gives each process its descriptors and working directory. */
#include <rump/rump.h>

#include "component.h"
#include "file.h"
#include "lwp.h"

static int filedesc_fork(struct proc *parent, struct proc *child, int rfflags);
static void filedesc_exit(struct proc *p);
static int filedesc_init(void);
static void filedesc_fini(void);
static int filedesc_close_init(void);
static void filedesc_close_fini(void);

static const struct proc_hooks filedesc_hooks = {
	.ph_fork = filedesc_fork,
	.ph_exit = filedesc_exit,
};

static struct rump_component filedesc_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "filedesc",
	.rc_init = filedesc_init,
	.rc_fini = filedesc_fini,
};
RUMP_COMPONENT(filedesc_component)

/*
 * Components stop in reverse type order, so the root file system is
 * unmounted before the "filedesc" fini runs.  This one, of the last type,
 * stops first: proc0's descriptors and cwd are let go while their file
 * systems are still mounted (the other processes have exited already).
 */
static struct rump_component filedesc_close_component = {
	.rc_type = RUMP_COMPONENT_DEV,
	.rc_name = "filedesc-close",
	.rc_init = filedesc_close_init,
	.rc_fini = filedesc_close_fini,
};
RUMP_COMPONENT(filedesc_close_component)

/*
 * RUMP_RFCFDG: an empty table; RUMP_RFFDG: a copy sharing the open
 * files; neither: the same table (NetBSD's rfork semantics).  The
 * working directory and umask are always copied.
 */
static int
filedesc_fork(struct proc *parent, struct proc *child, int rfflags)
{
	struct filedesc *fdp;
	struct cwdinfo *cwdi;
	int error;

	if ((rfflags & RUMP_RFCFDG) || parent->p_fd == NULL) {
		error = fd_table_create(&fdp);
	} else if (rfflags & RUMP_RFFDG) {
		error = fd_table_copy(parent->p_fd, &fdp);
	} else {
		fdp = parent->p_fd;
		fd_table_share(fdp);
		error = 0;
	}
	if (error != 0)
		return error;
	if (parent->p_cwdi != NULL)
		error = cwd_copy(parent->p_cwdi, &cwdi);
	else
		error = cwd_create(&cwdi);
	if (error != 0)
		goto out_fd;
	child->p_fd = fdp;
	child->p_cwdi = cwdi;
	return 0;

out_fd:
	fd_table_release(fdp);
	return error;
}

static void
filedesc_exit(struct proc *p)
{
	if (p->p_fd != NULL) {
		fd_table_release(p->p_fd);
		p->p_fd = NULL;
	}
	if (p->p_cwdi != NULL) {
		cwd_free(p->p_cwdi);
		p->p_cwdi = NULL;
	}
}

static int
filedesc_init(void)
{
	int error;

	error = fd_table_create(&proc0.p_fd);
	if (error != 0)
		return error;
	error = cwd_create(&proc0.p_cwdi);
	if (error != 0)
		goto out_fd;
	proc_hooks_set(&filedesc_hooks);
	return 0;

out_fd:
	fd_table_release(proc0.p_fd);
	proc0.p_fd = NULL;
	return error;
}

static void
filedesc_fini(void)
{
	filedesc_exit(&proc0);
}

static int
filedesc_close_init(void)
{
	return 0;
}

/* Runs as an lwp of proc0 (rump_shutdown switches to it). */
static void
filedesc_close_fini(void)
{
	int fd;

	if (curproc != &proc0 || proc0.p_fd == NULL)
		return;
	for (fd = 0; fd < RUMP_MAXFILES; fd++)
		(void)fd_close(fd);
	cwd_set(NULL);
}
