/* t_core.h: helpers shared by the vfs-core tests. */
#ifndef TESTS_VFS_CORE_T_CORE_H
#define TESTS_VFS_CORE_T_CORE_H

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include "t.h"
#include "t_rump.h"
#include "testfs.h"

/* A componentname for name (kernel side, scheduled). */
static inline struct componentname
t_cn(const char *name, int op)
{
	struct componentname cn = {
		.cn_nameptr = name, .cn_namelen = strlen(name),
		.cn_cred = kauth_cred_get(), .cn_nameiop = op, .cn_flags = ISLASTCN,
	};
	return cn;
}

static inline struct vattr
t_va(enum vtype type, mode_t mode)
{
	struct vattr va;

	vattr_null(&va);
	va.va_type = type;
	va.va_mode = mode;
	return va;
}

static inline void
t_mkfile(const char *path, mode_t mode)
{
	int fd = rump_sys_open(path, O_CREAT | O_WRONLY | O_EXCL, mode);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
}

static inline struct stat
t_stat(const char *path)
{
	struct stat st;

	CHECK_EQ(rump_sys_stat(path, &st), 0);
	return st;
}

#endif /* TESTS_VFS_CORE_T_CORE_H */
