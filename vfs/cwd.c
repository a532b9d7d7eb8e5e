/* cwd.c: per-process working directory and file creation mask. */
#include "file.h"
#include "kmem.h"
#include "lwp.h"
#include "mount.h"

#define CWD_DEFAULT_UMASK	022

static struct cwdinfo *cwd_current(void);

static struct cwdinfo *
cwd_current(void)
{
	struct cwdinfo *cwdi = curproc->p_cwdi;

	KASSERT(cwdi != NULL);
	return cwdi;
}

int
cwd_create(struct cwdinfo **cwdip)
{
	struct cwdinfo *cwdi;

	cwdi = kmem_zalloc(sizeof(*cwdi), KM_SLEEP);
	if (cwdi == NULL)
		return ENOMEM;
	mutex_init(&cwdi->cwdi_lock);
	cwdi->cwdi_cdir = NULL;		/* the root directory */
	cwdi->cwdi_cmask = CWD_DEFAULT_UMASK;
	*cwdip = cwdi;
	return 0;
}

int
cwd_copy(struct cwdinfo *src, struct cwdinfo **cwdip)
{
	struct cwdinfo *cwdi;
	int error;

	error = cwd_create(&cwdi);
	if (error != 0)
		return error;
	mutex_enter(&src->cwdi_lock);
	cwdi->cwdi_cdir = src->cwdi_cdir;
	if (cwdi->cwdi_cdir != NULL)
		vref(cwdi->cwdi_cdir);
	cwdi->cwdi_cmask = src->cwdi_cmask;
	mutex_exit(&src->cwdi_lock);
	*cwdip = cwdi;
	return 0;
}

void
cwd_free(struct cwdinfo *cwdi)
{
	if (cwdi->cwdi_cdir != NULL)
		vrele(cwdi->cwdi_cdir);
	mutex_destroy(&cwdi->cwdi_lock);
	kmem_free(cwdi, sizeof(*cwdi));
}

struct vnode *
cwd_get(void)
{
	struct cwdinfo *cwdi = cwd_current();
	struct vnode *vp;

	mutex_enter(&cwdi->cwdi_lock);
	vp = cwdi->cwdi_cdir != NULL ? cwdi->cwdi_cdir : rootvnode;
	vref(vp);
	mutex_exit(&cwdi->cwdi_lock);
	return vp;
}

void
cwd_set(struct vnode *vp)
{
	struct cwdinfo *cwdi = cwd_current();
	struct vnode *old;

	/* The root is kept as NULL so the cwd holds no reference on it. */
	if (vp == rootvnode)
		vp = NULL;
	if (vp != NULL)
		vref(vp);
	mutex_enter(&cwdi->cwdi_lock);
	old = cwdi->cwdi_cdir;
	cwdi->cwdi_cdir = vp;
	mutex_exit(&cwdi->cwdi_lock);
	/* vrele may sleep (VOP_INACTIVE): never under cwdi_lock. */
	if (old != NULL)
		vrele(old);
}

mode_t
cwd_umask(mode_t mask)
{
	struct cwdinfo *cwdi = cwd_current();
	mode_t old;

	mutex_enter(&cwdi->cwdi_lock);
	old = cwdi->cwdi_cmask;
	cwdi->cwdi_cmask = mask & 0777;
	mutex_exit(&cwdi->cwdi_lock);
	return old;
}

mode_t
cwd_getumask(void)
{
	struct cwdinfo *cwdi = cwd_current();
	mode_t mask;

	mutex_enter(&cwdi->cwdi_lock);
	mask = cwdi->cwdi_cmask;
	mutex_exit(&cwdi->cwdi_lock);
	return mask;
}
