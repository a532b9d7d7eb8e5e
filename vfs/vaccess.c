/* vaccess.c: the POSIX permission check of a mode word against a credential. */
#include "vnode.h"

/*
 * One class decides: the owner's bits for the owner, else the group's
 * bits for a member, else the others' bits (as Linux: no fall-through
 * to a more generous class).  Root passes, but needs one execute bit
 * to execute a non-directory.
 */
int
vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
    int acc_mode, kauth_cred_t cred)
{
	mode_t granted;

	acc_mode &= VREAD | VWRITE | VEXEC;
	if (kauth_cred_issuser(cred)) {
		if ((acc_mode & VEXEC) != 0 && type != VDIR && (file_mode & 0111) == 0)
			return EACCES;
		return 0;
	}
	if (kauth_cred_geteuid(cred) == uid)
		granted = (file_mode >> 6) & 07;
	else if (kauth_cred_groupmember(cred, gid))
		granted = (file_mode >> 3) & 07;
	else
		granted = file_mode & 07;
	/* VREAD/VWRITE/VEXEC are the owner bits 0400/0200/0100. */
	if (((mode_t)(acc_mode >> 6) & ~granted) != 0)
		return EACCES;
	return 0;
}
