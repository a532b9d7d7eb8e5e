/* kauth.c: credentials, reference counted with atomics and never changed once shared. */
#include "kauth.h"
#include "kmem.h"
#include "lwp.h"

struct kauth_cred {
	unsigned	cr_refcnt;	/* atomic */
	uid_t		cr_uid;
	uid_t		cr_euid;
	gid_t		cr_gid;
	gid_t		cr_egid;
	int		cr_ngroups;
	gid_t		cr_groups[KAUTH_NGROUPS];
};

kauth_cred_t
kauth_cred_alloc(void)
{
	kauth_cred_t cred = kmem_zalloc(sizeof(*cred), KM_SLEEP);

	if (cred != NULL)
		cred->cr_refcnt = 1;
	return cred;
}

int
kauth_cred_create(uid_t uid, gid_t gid, int ngroups, const gid_t *groups, kauth_cred_t *credp)
{
	kauth_cred_t cred;

	if (ngroups < 0 || ngroups > KAUTH_NGROUPS || (ngroups > 0 && groups == NULL))
		return EINVAL;
	if ((cred = kauth_cred_alloc()) == NULL)
		return ENOMEM;
	cred->cr_uid = cred->cr_euid = uid;
	cred->cr_gid = cred->cr_egid = gid;
	cred->cr_ngroups = ngroups;
	if (ngroups > 0)
		memcpy(cred->cr_groups, groups, sizeof(gid_t) * (size_t)ngroups);
	*credp = cred;
	return 0;
}

void
kauth_cred_hold(kauth_cred_t cred)
{
	unsigned old = __atomic_fetch_add(&cred->cr_refcnt, 1, __ATOMIC_RELAXED);

	KASSERT(old > 0);
}

void
kauth_cred_free(kauth_cred_t cred)
{
	unsigned old;

	if (cred == NULL)
		return;
	/* acq_rel: the last holder must see every other holder's last use */
	old = __atomic_fetch_sub(&cred->cr_refcnt, 1, __ATOMIC_ACQ_REL);
	KASSERT(old > 0);
	if (old == 1)
		kmem_free(cred, sizeof(*cred));
}

uid_t kauth_cred_getuid(kauth_cred_t cred) { return cred->cr_uid; }
uid_t kauth_cred_geteuid(kauth_cred_t cred) { return cred->cr_euid; }
gid_t kauth_cred_getgid(kauth_cred_t cred) { return cred->cr_gid; }
gid_t kauth_cred_getegid(kauth_cred_t cred) { return cred->cr_egid; }
int kauth_cred_ngroups(kauth_cred_t cred) { return cred->cr_ngroups; }

gid_t
kauth_cred_group(kauth_cred_t cred, int idx)
{
	KASSERT(idx >= 0 && idx < cred->cr_ngroups);
	return cred->cr_groups[idx];
}

bool
kauth_cred_groupmember(kauth_cred_t cred, gid_t gid)
{
	int i;

	if (cred->cr_egid == gid)
		return true;
	for (i = 0; i < cred->cr_ngroups; i++)
		if (cred->cr_groups[i] == gid)
			return true;
	return false;
}

bool
kauth_cred_issuser(kauth_cred_t cred)
{
	return cred->cr_euid == 0;
}

kauth_cred_t
kauth_cred_get(void)
{
	return curlwp->l_cred;
}
