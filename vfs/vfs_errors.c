/* vfs_errors.c: what a mount does when its file system finds corruption (mount(8)'s errors=). */
#include "rumpuser.h"
#include "vcore_impl.h"

bool
vfs_rdonly(const struct mount *mp)
{
	return (mp->mnt_flag & MNT_RDONLY) != 0 ||
	    __atomic_load_n(&mp->mnt_errro, __ATOMIC_RELAXED);
}

/*
 * The file system has already said what it found and keeps its own
 * "not clean" mark; the policy only decides whether the mount goes on
 * writing.  Panic writes nothing more, not even dirty buffers: what is
 * on the disk is then the last state before the corruption was seen.
 */
void
vfs_corrupted(struct mount *mp, int fsdefault)
{
	int policy;
	const char *name;

	/* A file system's checker reads an image with no mount: nothing to decide. */
	if (mp == NULL)
		return;
	policy = mp->mnt_flag & MNT_ERRORS_MASK;
	/* before the mount is done, only its mount point is named */
	name = mp->mnt_stat_from[0] != '\0' ? mp->mnt_stat_from : mp->mnt_stat_on;
	if (policy == 0)
		policy = fsdefault & MNT_ERRORS_MASK;
	switch (policy) {
	case MNT_ERRORS_PANIC:
		kprintf("vfs: %s: file system corrupt, errors=panic: stopping at once, "
		    "nothing written\n", name);
		rumpuser_exit(RUMPUSER_HALT);
	case MNT_ERRORS_REMOUNTRO:
		if ((mp->mnt_flag & MNT_RDONLY) == 0 &&
		    !__atomic_exchange_n(&mp->mnt_errro, true, __ATOMIC_RELAXED))
			kprintf("vfs: %s: file system corrupt, errors=remount-ro: "
			    "read-only from now on\n", name);
		break;
	default:
		break;
	}
}
