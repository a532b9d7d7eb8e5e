/* genfs.h: operations shared by file systems: defaults for the ops they lack. */
#ifndef VFS_GENFS_H
#define VFS_GENFS_H

#include "vnode_if.h"

/* EOPNOTSUPP for each op a file system does not have. */
int genfs_eopnotsupp_create(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_mknod(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_mkdir(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_symlink(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *, const char *);
int genfs_eopnotsupp_setattr(struct vnode *, const struct vattr *, kauth_cred_t);
int genfs_eopnotsupp_write(struct vnode *, struct uio *, int, kauth_cred_t);
int genfs_eopnotsupp_remove(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_link(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_rename(struct vnode *, struct vnode *, const struct componentname *,
    struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_rmdir(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_readdir(struct vnode *, struct uio *, kauth_cred_t, int *);
int genfs_eopnotsupp_readlink(struct vnode *, struct uio *, kauth_cred_t);

/* Success doing nothing. */
int genfs_nullop_open(struct vnode *, int, kauth_cred_t);
int genfs_nullop_close(struct vnode *, int, kauth_cred_t);
int genfs_nullop_fsync(struct vnode *, kauth_cred_t, int);
/* VOP_ACCESS from getattr + vaccess, EROFS for VWRITE on a read-only mount (regular files, dirs, links). */
int genfs_access(struct vnode *vp, int mode, kauth_cred_t cred);

#endif /* VFS_GENFS_H */
