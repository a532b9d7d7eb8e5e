/* kauth.h: credentials (uid, gid, supplementary groups), reference counted and immutable once shared. */
#ifndef KERN_KAUTH_H
#define KERN_KAUTH_H

#include "kernel.h"

#define KAUTH_NGROUPS	32

typedef struct kauth_cred *kauth_cred_t;

/* Root credential with no supplementary groups, one reference. NULL only at the memory limit. */
kauth_cred_t	kauth_cred_alloc(void);
/* A new credential with the given ids (groups may be NULL when ngroups is 0). EINVAL if ngroups > KAUTH_NGROUPS. */
int		kauth_cred_create(uid_t uid, gid_t gid, int ngroups, const gid_t *groups, kauth_cred_t *credp);
void		kauth_cred_hold(kauth_cred_t cred);
void		kauth_cred_free(kauth_cred_t cred);	/* drop a reference */

uid_t		kauth_cred_getuid(kauth_cred_t cred);
uid_t		kauth_cred_geteuid(kauth_cred_t cred);
gid_t		kauth_cred_getgid(kauth_cred_t cred);
gid_t		kauth_cred_getegid(kauth_cred_t cred);
int		kauth_cred_ngroups(kauth_cred_t cred);
gid_t		kauth_cred_group(kauth_cred_t cred, int idx);
/* gid is the effective gid or one of the supplementary groups. */
bool		kauth_cred_groupmember(kauth_cred_t cred, gid_t gid);
/* Effective uid 0: the superuser, who passes permission checks. */
bool		kauth_cred_issuser(kauth_cred_t cred);

/* The credential of the current process (borrowed: valid while the lwp runs). */
kauth_cred_t	kauth_cred_get(void);

#endif /* KERN_KAUTH_H */
