/* ffs_format.h: the on-disk format of the Berkeley Fast File System (UFS1 and UFS2), in either byte order. */
#ifndef FS_FFS_FORMAT_H
#define FS_FFS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every structure here is exactly as it lies on the disk, in the byte
 * order of the machine that made the file system.  Code never reads a
 * multi-byte member directly: it goes through ffs_get16/32/64 and
 * ffs_put16/32/64 with the mount's swap flag, chosen at mount time from
 * the byte order in which the superblock magic matched.
 *
 * Units: a "fragment" (fsize bytes) is the allocation unit and all block
 * addresses are fragment numbers from the start of the file system; a
 * "block" is frag fragments (bsize bytes).
 */

/* Where a superblock may be, in the order they are tried (bytes). */
#define FFS_SBLOCK_UFS2		65536	/* UFS2 (FreeBSD newfs) */
#define FFS_SBLOCK_UFS1		8192	/* UFS1, and UFS2 made by NetBSD makefs */
#define FFS_SBLOCK_FLOPPY	0	/* tiny media */
#define FFS_SBLOCK_PIGGY	262144	/* UFS2 behind a large boot area */
#define FFS_SBLOCKSIZE		8192	/* bytes reserved for a superblock */
#define FFS_SBLOCKMAX		1376	/* bytes of struct ffs_fs we interpret */

#define FFS_UFS1_MAGIC		0x011954	/* fs_magic of UFS1 */
#define FFS_UFS2_MAGIC		0x19540119	/* fs_magic of UFS2 */
#define FFS_CG_MAGIC		0x090255	/* cg_magic */

#define FFS_ROOTINO		2	/* inode of the root directory */
#define FFS_NDADDR		12	/* direct block pointers per inode */
#define FFS_NIADDR		3	/* indirect pointers: single, double, triple */
#define FFS_NXADDR		2	/* UFS2 extended attribute blocks */
#define FFS_MAXNAMLEN		255
#define FFS_DIRBLKSIZ		512	/* directory entries never cross this boundary */
#define FFS_MAXFRAG		8	/* most fragments per block */
#define FFS_MAXMNTLEN		468
#define FFS_MAXVOLLEN		32
#define FFS_NOCSPTRS_BYTES	128	/* in-core pointer area kept for layout */
#define FFS_MAXSNAP		20
#define FFS_44INODEFMT		2	/* fs_old_inodefmt: 4.4BSD inodes, dirs with d_type; below it (4.2BSD: -1) the old format */
#define FFS_MINBSIZE		4096
#define FFS_MAXBSIZE		65536

/* fs_clean */
#define FFS_ISCLEAN		0x01	/* unmounted cleanly */
#define FFS_WASCLEAN		0x02	/* (in core) was clean at mount */
/* fs_old_flags (8 bits) */
#define FFS_OLDFLAGS_DOSOFTDEP	0x02	/* soft updates */
#define FFS_OLDFLAGS_UPDATED	0x80	/* fs_flags and the new fields are valid */
/* fs_flags */
#define FFS_UNCLEAN		0x00000001	/* not cleanly unmounted (FreeBSD) */
#define FFS_DOSOFTDEP		0x00000002	/* soft updates */
#define FFS_NEEDSFSCK		0x00000004	/* needs fsck */
#define FFS_SUJ			0x00000008	/* soft updates journal (FreeBSD) */
#define FFS_ACLS		0x00000010	/* POSIX.1e ACLs */
#define FFS_MULTILABEL		0x00000020	/* MAC labels */
#define FFS_GJOURNAL		0x00000040	/* gjournal (FreeBSD) */
#define FFS_FLAGS_UPDATED	0x00000080	/* flags moved to fs_flags */
#define FFS_DOWAPBL		0x00000100	/* NetBSD WAPBL journal */
#define FFS_NFS4ACLS		0x00000100	/* FreeBSD: NFSv4 ACLs (same bit as WAPBL) */
#define FFS_DOQUOTA2		0x00000200	/* NetBSD: in-filesystem quotas (fs_quota_magic set) */
#define FFS_METACKHASH		0x00000200	/* FreeBSD: metadata check hashes (same bit) */
#define FFS_TRIM		0x00000400	/* FreeBSD: TRIM deleted blocks (harmless) */

/*
 * fs_metackhash (FreeBSD, with FFS_METACKHASH in fs_flags): which
 * structures carry a check hash, CRC-32C seeded with ~0 and not
 * inverted at the end, over the structure with its hash field zeroed
 * (the superblock: fs_sbsize bytes; a cg: fs_cgsize bytes).
 */
#define FFS_CK_SUPERBLOCK	0x0001
#define FFS_CK_CYLGRP		0x0002

/* fs_journal_location (WAPBL) */
#define FFS_JOURNAL_NONE	0

/* Cylinder summary: per cylinder group, and the totals (UFS1 layout). */
struct ffs_csum {
	int32_t	cs_ndir;	/* directories */
	int32_t	cs_nbfree;	/* free whole blocks */
	int32_t	cs_nifree;	/* free inodes */
	int32_t	cs_nffree;	/* free fragments not in whole free blocks */
};

/* Summary totals, 64-bit (fs_cstotal). */
struct ffs_csum_total {
	int64_t	cs_ndir;	/* directories */
	int64_t	cs_nbfree;	/* free whole blocks */
	int64_t	cs_nifree;	/* free inodes */
	int64_t	cs_nffree;	/* free fragments */
	int64_t	cs_numclusters;	/* free clusters (unused) */
	int64_t	cs_spare[3];	/* reserved */
};

/* The superblock (struct fs), 1376 bytes interpreted; fs_sbsize bytes written. */
struct ffs_fs {
	int32_t	fs_firstfield;		/* historic link, unused */
	int32_t	fs_unused_1;		/* unused */
	int32_t	fs_sblkno;		/* frag offset in a cg of its superblock copy */
	int32_t	fs_cblkno;		/* frag offset in a cg of its cg header */
	int32_t	fs_iblkno;		/* frag offset in a cg of its inode blocks */
	int32_t	fs_dblkno;		/* frag offset in a cg of its first data block */
	int32_t	fs_old_cgoffset;	/* UFS1: cg rotation offset (frags) */
	int32_t	fs_old_cgmask;		/* UFS1: mask for the rotation */
	int32_t	fs_old_time;		/* UFS1: last written (seconds) */
	int32_t	fs_old_size;		/* UFS1: frags in the fs */
	int32_t	fs_old_dsize;		/* UFS1: data frags */
	uint32_t fs_ncg;		/* number of cylinder groups */
	int32_t	fs_bsize;		/* block size (bytes) */
	int32_t	fs_fsize;		/* fragment size (bytes) */
	int32_t	fs_frag;		/* fragments per block */
	int32_t	fs_minfree;		/* percent of blocks reserved for root */
	int32_t	fs_old_rotdelay;	/* historic */
	int32_t	fs_old_rps;		/* historic */
	int32_t	fs_bmask;		/* ~(bsize - 1) */
	int32_t	fs_fmask;		/* ~(fsize - 1) */
	int32_t	fs_bshift;		/* log2(bsize) */
	int32_t	fs_fshift;		/* log2(fsize) */
	int32_t	fs_maxcontig;		/* max contiguous blocks to allocate */
	int32_t	fs_maxbpg;		/* max blocks per file in one cg */
	int32_t	fs_fragshift;		/* log2(frag) */
	int32_t	fs_fsbtodb;		/* log2(fsize / 512) */
	int32_t	fs_sbsize;		/* bytes of superblock written */
	int32_t	fs_spare1[2];		/* unused */
	int32_t	fs_nindir;		/* block pointers per indirect block */
	int32_t	fs_inopb;		/* inodes per block */
	int32_t	fs_old_nspf;		/* UFS1: sectors per frag */
	int32_t	fs_optim;		/* 0 time, 1 space */
	int32_t	fs_old_npsect;		/* historic */
	int32_t	fs_old_interleave;	/* historic */
	int32_t	fs_old_trackskew;	/* historic */
	int32_t	fs_id[2];		/* file system id */
	int32_t	fs_old_csaddr;		/* UFS1: frag address of the cg summary area */
	int32_t	fs_cssize;		/* bytes of the cg summary area */
	int32_t	fs_cgsize;		/* bytes of a cg header block */
	int32_t	fs_spare2;		/* unused */
	int32_t	fs_old_nsect;		/* historic */
	int32_t	fs_old_spc;		/* historic */
	int32_t	fs_old_ncyl;		/* UFS1: cylinders */
	int32_t	fs_old_cpg;		/* UFS1: cylinders per group */
	int32_t	fs_ipg;			/* inodes per group */
	int32_t	fs_fpg;			/* fragments per group */
	struct ffs_csum fs_old_cstotal;	/* UFS1: summary totals */
	int8_t	fs_fmod;		/* in core: modified */
	int8_t	fs_clean;		/* FFS_ISCLEAN when unmounted cleanly */
	int8_t	fs_ronly;		/* in core: read-only */
	uint8_t	fs_old_flags;		/* FFS_OLDFLAGS_* */
	char	fs_fsmnt[FFS_MAXMNTLEN];	/* last mount point */
	char	fs_volname[FFS_MAXVOLLEN];	/* volume name */
	uint64_t fs_swuid;		/* system-wide uid */
	int32_t	fs_pad;			/* alignment */
	int32_t	fs_cgrotor;		/* last cg searched */
	uint8_t	fs_ocsp[FFS_NOCSPTRS_BYTES];	/* in-core pointers of old kernels */
	int32_t	fs_old_cpc;		/* historic */
	int32_t	fs_maxbsize;		/* largest cluster */
	uint8_t	fs_journal_version;	/* WAPBL journal version */
	uint8_t	fs_journal_location;	/* WAPBL journal location (0: none) */
	uint8_t	fs_journal_reserved[2];	/* reserved */
	uint32_t fs_journal_flags;	/* WAPBL flags */
	uint64_t fs_journallocs[4];	/* WAPBL location information */
	uint32_t fs_quota_magic;	/* NetBSD quota2 */
	uint8_t	fs_quota_flags;		/* NetBSD quota2 */
	uint8_t	fs_quota_reserved[3];	/* reserved */
	uint64_t fs_quotafile[2];	/* quota inodes */
	int64_t	fs_sparecon64[9];	/* reserved */
	int64_t	fs_sblockloc;		/* byte offset of the standard superblock */
	struct ffs_csum_total fs_cstotal;	/* UFS2: summary totals */
	int64_t	fs_time;		/* UFS2: last written */
	int64_t	fs_size;		/* UFS2: frags in the fs */
	int64_t	fs_dsize;		/* UFS2: data frags */
	int64_t	fs_csaddr;		/* UFS2: frag address of the cg summary area */
	int64_t	fs_pendingblocks;	/* soft updates: blocks being freed */
	int32_t	fs_pendinginodes;	/* soft updates: inodes being freed */
	int32_t	fs_snapinum[FFS_MAXSNAP];	/* snapshot inodes */
	int32_t	fs_avgfilesize;		/* expected average file size */
	int32_t	fs_avgfpdir;		/* expected files per directory */
	int32_t	fs_save_cgsize;		/* real cg size when cgsize was rounded */
	int32_t	fs_sparecon32[24];	/* reserved (FreeBSD: fs_mtime, fs_sujfree) */
	uint32_t fs_ckhash;		/* FreeBSD: with FFS_CK_SUPERBLOCK, the superblock's check hash */
	uint32_t fs_metackhash;		/* FreeBSD: FFS_CK_* hashes kept (valid with FFS_METACKHASH) */
	uint32_t fs_flags;		/* FFS_* flags (valid with FFS_OLDFLAGS_UPDATED) */
	int32_t	fs_contigsumsize;	/* cluster summary array size */
	int32_t	fs_maxsymlinklen;	/* longest symlink kept in the inode */
	int32_t	fs_old_inodefmt;	/* FFS_44INODEFMT or older */
	uint64_t fs_maxfilesize;	/* largest file */
	int64_t	fs_qbmask;		/* ~fs_bmask, 64 bits */
	int64_t	fs_qfmask;		/* ~fs_fmask, 64 bits */
	int32_t	fs_state;		/* unused */
	int32_t	fs_old_postblformat;	/* historic */
	int32_t	fs_old_nrpos;		/* historic */
	int32_t	fs_old_postbloff;	/* historic */
	int32_t	fs_old_rotbloff;	/* historic */
	int32_t	fs_magic;		/* FFS_UFS1_MAGIC or FFS_UFS2_MAGIC */
};
_Static_assert(offsetof(struct ffs_fs, fs_ocsp) == 728, "ffs_fs layout");
_Static_assert(offsetof(struct ffs_fs, fs_sblockloc) == 1000, "ffs_fs layout");
_Static_assert(offsetof(struct ffs_fs, fs_flags) == 1312, "ffs_fs layout");
_Static_assert(offsetof(struct ffs_fs, fs_metackhash) == 1308, "ffs_fs layout");
_Static_assert(offsetof(struct ffs_fs, fs_magic) == 1372, "ffs_fs layout");
_Static_assert(sizeof(struct ffs_fs) == FFS_SBLOCKMAX, "ffs_fs size");

/* The cylinder group header, at frag cgtod(c) of each group. */
struct ffs_cg {
	int32_t	cg_firstfield;		/* historic link */
	int32_t	cg_magic;		/* FFS_CG_MAGIC */
	int32_t	cg_old_time;		/* UFS1: last written */
	uint32_t cg_cgx;		/* this group's index */
	int16_t	cg_old_ncyl;		/* UFS1: cylinders in it */
	int16_t	cg_old_niblk;		/* UFS1: inodes in it */
	uint32_t cg_ndblk;		/* frags in this group */
	struct ffs_csum cg_cs;		/* this group's summary */
	uint32_t cg_rotor;		/* last block allocated */
	uint32_t cg_frotor;		/* last frag allocated */
	uint32_t cg_irotor;		/* last inode allocated */
	uint32_t cg_frsum[FFS_MAXFRAG];	/* counts of free runs of 1..frag-1 frags */
	int32_t	cg_old_btotoff;		/* UFS1: byte offset of historic block totals */
	int32_t	cg_old_boff;		/* UFS1: byte offset of historic rotation tables */
	uint32_t cg_iusedoff;		/* byte offset of the used-inode bitmap */
	uint32_t cg_freeoff;		/* byte offset of the free-frag bitmap */
	uint32_t cg_nextfreeoff;	/* byte offset just past the maps */
	uint32_t cg_clustersumoff;	/* byte offset of cluster counts */
	uint32_t cg_clusteroff;		/* byte offset of the free-cluster map */
	uint32_t cg_nclusterblks;	/* clusters in this group */
	uint32_t cg_niblk;		/* inodes in this group */
	uint32_t cg_initediblk;		/* UFS2: inodes initialised so far */
	uint32_t cg_unrefs;		/* FreeBSD: unreferenced inodes (soft updates journal) */
	uint32_t cg_sparecon32[1];	/* reserved */
	uint32_t cg_ckhash;		/* FreeBSD: with FFS_CK_CYLGRP, this cg's check hash */
	int64_t	cg_time;		/* UFS2: last written */
	int64_t	cg_sparecon64[3];	/* reserved */
};
_Static_assert(sizeof(struct ffs_cg) == 168, "ffs_cg layout");
_Static_assert(offsetof(struct ffs_cg, cg_ckhash) == 132, "ffs_cg layout");

/* A UFS1 inode, 128 bytes. */
struct ffs_dinode1 {
	uint16_t di_mode;		/* S_IF* type and permission bits */
	int16_t	di_nlink;		/* links */
	uint16_t di_oldids[2];		/* historic 16-bit uid, gid */
	uint64_t di_size;		/* bytes */
	int32_t	di_atime;		/* access time (seconds) */
	int32_t	di_atimensec;		/* and nanoseconds */
	int32_t	di_mtime;		/* data modification time */
	int32_t	di_mtimensec;
	int32_t	di_ctime;		/* inode change time */
	int32_t	di_ctimensec;
	int32_t	di_db[FFS_NDADDR];	/* direct blocks; rdev in di_db[0]; fast symlink text */
	int32_t	di_ib[FFS_NIADDR];	/* indirect blocks */
	uint32_t di_flags;		/* chflags flags */
	int32_t	di_blocks;		/* 512-byte sectors held */
	int32_t	di_gen;			/* generation number */
	uint32_t di_uid;		/* owner */
	uint32_t di_gid;		/* group */
	uint64_t di_modrev;		/* NFSv4 change counter */
};
_Static_assert(sizeof(struct ffs_dinode1) == 128, "ffs_dinode1 layout");

/* A UFS2 inode, 256 bytes. */
struct ffs_dinode2 {
	uint16_t di_mode;		/* S_IF* type and permission bits */
	int16_t	di_nlink;		/* links */
	uint32_t di_uid;		/* owner */
	uint32_t di_gid;		/* group */
	uint32_t di_blksize;		/* inode block size (unused) */
	uint64_t di_size;		/* bytes */
	uint64_t di_blocks;		/* 512-byte sectors held */
	int64_t	di_atime;		/* access time (seconds) */
	int64_t	di_mtime;		/* data modification time */
	int64_t	di_ctime;		/* inode change time */
	int64_t	di_birthtime;		/* creation time */
	int32_t	di_mtimensec;		/* nanoseconds of the times above */
	int32_t	di_atimensec;
	int32_t	di_ctimensec;
	int32_t	di_birthnsec;
	int32_t	di_gen;			/* generation number */
	uint32_t di_kernflags;		/* kernel flags */
	uint32_t di_flags;		/* chflags flags */
	int32_t	di_extsize;		/* bytes of extended attribute blocks */
	int64_t	di_extb[FFS_NXADDR];	/* extended attribute blocks */
	int64_t	di_db[FFS_NDADDR];	/* direct blocks; rdev in di_db[0]; fast symlink text */
	int64_t	di_ib[FFS_NIADDR];	/* indirect blocks */
	uint64_t di_modrev;		/* NFSv4 change counter */
	int64_t	di_spare[2];		/* reserved */
};
_Static_assert(sizeof(struct ffs_dinode2) == 256, "ffs_dinode2 layout");

/* A directory entry header; the name (d_namlen bytes, NUL-padded to 4) follows. */
struct ffs_direct {
	uint32_t d_ino;			/* inode, 0 for an unused slot */
	uint16_t d_reclen;		/* bytes to the next entry (multiple of 4) */
	uint8_t	d_type;			/* DT_* (4.4BSD format); high byte of namlen (old format) */
	uint8_t	d_namlen;		/* name length (4.4BSD format) */
};
#define FFS_DIRHDR	8		/* bytes before the name */
/* Bytes an entry with a name of len needs: header, name, NUL, rounded to 4. */
#define FFS_DIRSIZ(len)	((FFS_DIRHDR + (len) + 1 + 3) & ~3)

/* d_type values (4.4BSD); the same numbers as Linux's DT_*. */
#define FFS_DT_UNKNOWN	0
#define FFS_DT_FIFO	1
#define FFS_DT_CHR	2
#define FFS_DT_DIR	4
#define FFS_DT_BLK	6
#define FFS_DT_REG	8
#define FFS_DT_LNK	10
#define FFS_DT_SOCK	12
#define FFS_DT_WHT	14

/* di_mode type bits (the BSD values, which are Linux's too). */
#define FFS_IFMT	0170000
#define FFS_IFIFO	0010000
#define FFS_IFCHR	0020000
#define FFS_IFDIR	0040000
#define FFS_IFBLK	0060000
#define FFS_IFREG	0100000
#define FFS_IFLNK	0120000
#define FFS_IFSOCK	0140000
#define FFS_IFWHT	0160000

/* Byte-order accessors: swap when the file system's order is not ours. */
static inline uint16_t
ffs_get16(bool swap, uint16_t v)
{
	return swap ? __builtin_bswap16(v) : v;
}

static inline uint32_t
ffs_get32(bool swap, uint32_t v)
{
	return swap ? __builtin_bswap32(v) : v;
}

static inline uint64_t
ffs_get64(bool swap, uint64_t v)
{
	return swap ? __builtin_bswap64(v) : v;
}

#define ffs_put16	ffs_get16
#define ffs_put32	ffs_get32
#define ffs_put64	ffs_get64

#endif /* FS_FFS_FORMAT_H */
