/* vfs_types_pub.c: the registry of file-system types for programs: probe an image's head, run a type's checker. */
#include <rump/rump.h>

#include "vcore_impl.h"

/* Types stay attached while the kernel runs, so the name outlives the lock. */
const char *
rump_pub_vfs_probe(const void *head, size_t len)
{
	struct vfsops *ops;

	rump_schedule();
	ops = vfs_probe(head, len);
	rump_unschedule();
	return ops != NULL ? ops->vfs_name : NULL;
}

int
rump_pub_vfs_check(const char *fstype, const char *devkey, unsigned *nproblemsp)
{
	struct vfsops *ops;
	int error;

	*nproblemsp = 0;
	rump_schedule();
	ops = vfs_getopsbyname(fstype);
	error = ops == NULL ? ENODEV : ops->vfs_check(devkey, nproblemsp);
	rump_unschedule();
	return error;
}
