/* ffs_check.h: the read-only ffs consistency checker (kernel side), as called by fsck_ffs and tests. */
#ifndef FS_FFS_FFS_CHECK_H
#define FS_FFS_FFS_CHECK_H

/*
 * Check the file system on block device fspec (a path in the rump
 * namespace, e.g. an etfs key) without changing it: superblock sanity,
 * cylinder group headers, every inode's blocks in range and not shared,
 * block counts, directory structure (".", "..", record lengths, entries
 * naming allocated inodes), link counts, the fragment, block, cluster and
 * inode maps against what is reachable, and the cg, summary-area and
 * superblock counts.  Each problem is printed on the console (one line,
 * "ffs_check: ..."); *nproblemsp gets their number.
 *
 * Kernel convention: call between rump_schedule() and rump_unschedule().
 * Returns 0 when the check ran, or the errno that stopped it (device
 * missing, no valid superblock: EINVAL, memory: ENOMEM).
 */
int	ffs_check(const char *fspec, unsigned *nproblemsp);

#endif /* FS_FFS_FFS_CHECK_H */
