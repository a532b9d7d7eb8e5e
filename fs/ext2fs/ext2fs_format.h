/* ext2fs_format.h: the ext2 on-disk format (revisions 0 and 1): superblock, group descriptor, inode, directory entry, features. */
#ifndef FS_EXT2FS_FORMAT_H
#define FS_EXT2FS_FORMAT_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Everything on disk is little-endian.  The structures below hold the
 * raw bytes; values are converted only through these accessors, when a
 * structure is decoded at read time or encoded at write time.
 */
static inline uint16_t e2_le16(uint16_t v) { return le16toh(v); }
static inline uint32_t e2_le32(uint32_t v) { return le32toh(v); }
static inline uint16_t e2_tole16(uint16_t v) { return htole16(v); }
static inline uint32_t e2_tole32(uint32_t v) { return htole32(v); }

#define EXT2_SB_OFFSET		1024	/* byte offset of the superblock on the device */
#define EXT2_SB_SIZE		1024
#define EXT2_MAGIC		0xEF53
#define EXT2_MIN_BSHIFT		10	/* 1 KiB */
#define EXT2_MAX_BSHIFT		12	/* 4 KiB: the largest we mount */
#define EXT2_ROOTINO		2
#define EXT2_GOOD_OLD_FIRST_INO	11	/* first non-reserved inode of revision 0 */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDADDR		12	/* direct block pointers in an inode */
#define EXT2_NIADDR		3	/* single, double, triple indirect */
#define EXT2_N_BLOCKS		(EXT2_NDADDR + EXT2_NIADDR)
#define EXT2_LINK_MAX		32000
#define EXT2_NAME_MAX		255
#define EXT2_FAST_SYMLINK_MAX	59	/* a target this long or shorter lives in i_block */

/* s_rev_level */
#define EXT2_REV0		0	/* fixed inode size 128, first inode 11, no features */
#define EXT2_REV1		1	/* "dynamic": s_first_ino, s_inode_size and features valid */

/* s_state */
#define EXT2_STATE_VALID	0x0001	/* unmounted cleanly */
#define EXT2_STATE_ERROR	0x0002	/* errors were detected */

/* s_errors (tune2fs -e) */
#define EXT2_ERRORS_CONTINUE	1
#define EXT2_ERRORS_RO		2
#define EXT2_ERRORS_PANIC	3

/*
 * The superblock: 1024 bytes at byte 1024 of the device, with backups
 * at the start of some groups.  Fields from s_first_ino on are valid
 * only for revision 1.
 */
struct ext2fs_sb {
	uint32_t s_inodes_count;	/* inodes in the file system */
	uint32_t s_blocks_count;	/* blocks in the file system */
	uint32_t s_r_blocks_count;	/* blocks reserved for the super-user */
	uint32_t s_free_blocks_count;	/* free blocks */
	uint32_t s_free_inodes_count;	/* free inodes */
	uint32_t s_first_data_block;	/* block holding the superblock: 1 for 1 KiB blocks, else 0 */
	uint32_t s_log_block_size;	/* block size is 1024 << this */
	uint32_t s_log_frag_size;	/* fragment size (obsolete, equals the block size) */
	uint32_t s_blocks_per_group;	/* blocks in each group */
	uint32_t s_frags_per_group;	/* fragments in each group (obsolete) */
	uint32_t s_inodes_per_group;	/* inodes in each group */
	uint32_t s_mtime;		/* last mount time */
	uint32_t s_wtime;		/* last write time */
	uint16_t s_mnt_count;		/* mounts since the last check */
	uint16_t s_max_mnt_count;	/* mounts allowed before a check (signed; -1: none) */
	uint16_t s_magic;		/* EXT2_MAGIC */
	uint16_t s_state;		/* EXT2_STATE_* */
	uint16_t s_errors;		/* what the kernel does on errors: EXT2_ERRORS_* */
	uint16_t s_minor_rev_level;	/* minor revision */
	uint32_t s_lastcheck;		/* time of the last check */
	uint32_t s_checkinterval;	/* seconds allowed between checks */
	uint32_t s_creator_os;		/* OS that made the file system */
	uint32_t s_rev_level;		/* EXT2_REV0 or EXT2_REV1 */
	uint16_t s_def_resuid;		/* user allowed into the reserved blocks */
	uint16_t s_def_resgid;		/* group allowed into the reserved blocks */
	/* Revision 1 ("dynamic") only: */
	uint32_t s_first_ino;		/* first inode usable for files */
	uint16_t s_inode_size;		/* bytes of one on-disk inode */
	uint16_t s_block_group_nr;	/* group of this superblock copy */
	uint32_t s_feature_compat;	/* EXT2F_COMPAT_* */
	uint32_t s_feature_incompat;	/* EXT2F_INCOMPAT_* */
	uint32_t s_feature_ro_compat;	/* EXT2F_ROCOMPAT_* */
	uint8_t	 s_uuid[16];		/* volume id */
	char	 s_volume_name[16];	/* label */
	char	 s_last_mounted[64];	/* directory last mounted on */
	uint32_t s_algorithm_usage_bitmap; /* compression (unused) */
	uint8_t	 s_prealloc_blocks;	/* blocks to preallocate for files */
	uint8_t	 s_prealloc_dir_blocks;	/* blocks to preallocate for directories */
	uint16_t s_reserved_gdt_blocks;	/* blocks after the descriptors kept for growth (resize_inode) */
	uint8_t	 s_journal_uuid[16];	/* ext3: journal's file system */
	uint32_t s_journal_inum;	/* ext3: journal inode */
	uint32_t s_journal_dev;		/* ext3: external journal device */
	uint32_t s_last_orphan;		/* head of the orphan inode list */
	uint32_t s_hash_seed[4];	/* dir_index hash seed */
	uint8_t	 s_def_hash_version;	/* dir_index default hash */
	uint8_t	 s_jnl_backup_type;	/* ext3: what s_jnl_blocks holds */
	uint16_t s_desc_size;		/* group descriptor size (64bit feature only) */
	uint32_t s_default_mount_opts;	/* default mount options */
	uint32_t s_first_meta_bg;	/* first meta_bg group */
	uint32_t s_mkfs_time;		/* creation time */
	uint32_t s_jnl_blocks[17];	/* ext3: copy of the journal inode's blocks */
	uint32_t s_blocks_count_hi;	/* 64bit: high half of s_blocks_count */
	uint32_t s_r_blocks_count_hi;	/* 64bit: high half of s_r_blocks_count */
	uint32_t s_free_blocks_hi;	/* 64bit: high half of s_free_blocks_count */
	uint16_t s_min_extra_isize;	/* every inode has at least this many extra bytes */
	uint16_t s_want_extra_isize;	/* new inodes should have this many extra bytes */
	uint32_t s_flags;		/* miscellaneous flags (hash signedness) */
	uint8_t	 s_rest[1024 - 356];	/* later ext4 fields, kept as they are */
};
_Static_assert(sizeof(struct ext2fs_sb) == EXT2_SB_SIZE, "superblock size");
_Static_assert(offsetof(struct ext2fs_sb, s_first_ino) == 84, "s_first_ino");
_Static_assert(offsetof(struct ext2fs_sb, s_feature_compat) == 92, "features");
_Static_assert(offsetof(struct ext2fs_sb, s_reserved_gdt_blocks) == 206, "gdt");
_Static_assert(offsetof(struct ext2fs_sb, s_blocks_count_hi) == 336, "hi");

/* Compatible features: a kernel that does not know them may still write. */
#define EXT2F_COMPAT_DIR_PREALLOC	0x0001	/* preallocate directory blocks */
#define EXT2F_COMPAT_IMAGIC_INODES	0x0002	/* AFS magic inodes */
#define EXT2F_COMPAT_HAS_JOURNAL	0x0004	/* ext3 journal (left untouched) */
#define EXT2F_COMPAT_EXT_ATTR		0x0008	/* extended attribute blocks (left intact) */
#define EXT2F_COMPAT_RESIZE_INODE	0x0010	/* reserved descriptor blocks (left intact) */
#define EXT2F_COMPAT_DIR_INDEX		0x0020	/* hashed directories (read linearly) */

/* Read-only compatible features: unknown ones allow a read-only mount. */
#define EXT2F_ROCOMPAT_SPARSE_SUPER	0x0001	/* backups only in groups 0, 1, 3^n, 5^n, 7^n */
#define EXT2F_ROCOMPAT_LARGE_FILE	0x0002	/* files past 2 GiB (i_size_high) */
#define EXT2F_ROCOMPAT_BTREE_DIR	0x0004	/* never used */
#define EXT2F_ROCOMPAT_HUGE_FILE	0x0008	/* ext4: i_blocks in file-system blocks */
#define EXT2F_ROCOMPAT_GDT_CSUM		0x0010	/* ext4: descriptor checksums, uninit groups */
#define EXT2F_ROCOMPAT_DIR_NLINK	0x0020	/* ext4: directory link count 1 past the limit */
#define EXT2F_ROCOMPAT_EXTRA_ISIZE	0x0040	/* ext4: s_min_extra_isize honoured */
#define EXT2F_ROCOMPAT_QUOTA		0x0100	/* ext4: quota inodes */
#define EXT2F_ROCOMPAT_BIGALLOC		0x0200	/* ext4: clusters */
#define EXT2F_ROCOMPAT_METADATA_CSUM	0x0400	/* ext4: metadata checksums */

/* Incompatible features: unknown ones refuse the mount. */
#define EXT2F_INCOMPAT_COMPRESSION	0x0001	/* compression */
#define EXT2F_INCOMPAT_FILETYPE		0x0002	/* directory entries hold the file type */
#define EXT2F_INCOMPAT_RECOVER		0x0004	/* ext3: the journal needs recovery */
#define EXT2F_INCOMPAT_JOURNAL_DEV	0x0008	/* this is an external journal */
#define EXT2F_INCOMPAT_META_BG		0x0010	/* meta block groups */
#define EXT2F_INCOMPAT_EXTENTS		0x0040	/* ext4: extent trees */
#define EXT2F_INCOMPAT_64BIT		0x0080	/* ext4: 64-bit block numbers */
#define EXT2F_INCOMPAT_MMP		0x0100	/* multi-mount protection */
#define EXT2F_INCOMPAT_FLEX_BG		0x0200	/* ext4: flexible group placement */
#define EXT2F_INCOMPAT_EA_INODE		0x0400	/* ext4: attributes in inodes */
#define EXT2F_INCOMPAT_DIRDATA		0x1000	/* data in directory entries */
#define EXT2F_INCOMPAT_CSUM_SEED	0x2000	/* ext4: checksum seed in the superblock */
#define EXT2F_INCOMPAT_LARGEDIR		0x4000	/* ext4: large directories */
#define EXT2F_INCOMPAT_INLINE_DATA	0x8000	/* ext4: data in the inode */
#define EXT2F_INCOMPAT_ENCRYPT		0x10000	/* ext4: encryption */
#define EXT2F_INCOMPAT_CASEFOLD		0x20000	/* ext4: case folding */

/* What this driver supports: the support mask. */
#define EXT2F_COMPAT_SUPP	(EXT2F_COMPAT_DIR_PREALLOC | EXT2F_COMPAT_HAS_JOURNAL | \
	EXT2F_COMPAT_EXT_ATTR | EXT2F_COMPAT_RESIZE_INODE | EXT2F_COMPAT_DIR_INDEX)
#define EXT2F_ROCOMPAT_SUPP	(EXT2F_ROCOMPAT_SPARSE_SUPER | EXT2F_ROCOMPAT_LARGE_FILE)
#define EXT2F_INCOMPAT_SUPP	(EXT2F_INCOMPAT_FILETYPE | EXT2F_INCOMPAT_RECOVER)
/* ext4 features refused by name even though only read-only compatible. */
#define EXT2F_ROCOMPAT_EXT4	(EXT2F_ROCOMPAT_HUGE_FILE | EXT2F_ROCOMPAT_GDT_CSUM | \
	EXT2F_ROCOMPAT_DIR_NLINK | EXT2F_ROCOMPAT_EXTRA_ISIZE | EXT2F_ROCOMPAT_QUOTA | \
	EXT2F_ROCOMPAT_BIGALLOC | EXT2F_ROCOMPAT_METADATA_CSUM)

/* Group descriptor: 32 bytes each, in the blocks after the superblock. */
struct ext2fs_gd {
	uint32_t bg_block_bitmap;	/* block of the block bitmap */
	uint32_t bg_inode_bitmap;	/* block of the inode bitmap */
	uint32_t bg_inode_table;	/* first block of the inode table */
	uint16_t bg_free_blocks_count;	/* free blocks in the group */
	uint16_t bg_free_inodes_count;	/* free inodes in the group */
	uint16_t bg_used_dirs_count;	/* directories in the group */
	uint16_t bg_flags;		/* ext4 uninit flags (0 for ext2) */
	uint32_t bg_reserved[3];	/* ext4 checksums, unused here */
};
_Static_assert(sizeof(struct ext2fs_gd) == 32, "group descriptor size");

/*
 * Inode: s_inode_size bytes (128 for revision 0) in the inode tables.
 * Bytes past 128 are valid up to 128 + i_extra_isize.
 */
struct ext2fs_dinode {
	uint16_t i_mode;		/* S_IF* type and permission bits */
	uint16_t i_uid;			/* owner, low 16 bits */
	uint32_t i_size;		/* size, low 32 bits */
	uint32_t i_atime;		/* access time (seconds) */
	uint32_t i_ctime;		/* change time */
	uint32_t i_mtime;		/* modification time */
	uint32_t i_dtime;		/* deletion time; 0 while in use */
	uint16_t i_gid;			/* group, low 16 bits */
	uint16_t i_links_count;		/* hard links */
	uint32_t i_blocks;		/* 512-byte sectors held, with indirect and attribute blocks */
	uint32_t i_flags;		/* EXT2_*_FL */
	uint32_t i_version;		/* osd1: Linux inode version */
	uint32_t i_block[EXT2_N_BLOCKS]; /* block pointers, or a fast symlink's target, or a device number */
	uint32_t i_generation;		/* file version (NFS) */
	uint32_t i_file_acl;		/* extended attribute block */
	uint32_t i_size_high;		/* size, high 32 bits (regular files with large_file) */
	uint32_t i_faddr;		/* fragment address (obsolete) */
	uint16_t i_blocks_hi;		/* osd2: high 16 bits of i_blocks (huge_file) */
	uint16_t i_file_acl_high;	/* osd2: high 16 bits of i_file_acl (64bit) */
	uint16_t i_uid_high;		/* osd2: owner, high 16 bits */
	uint16_t i_gid_high;		/* osd2: group, high 16 bits */
	uint16_t i_checksum_lo;		/* osd2: metadata_csum */
	uint16_t i_reserved;		/* osd2: unused */
	/* Large inodes (s_inode_size > 128) only: */
	uint16_t i_extra_isize;		/* bytes used past 128 */
	uint16_t i_checksum_hi;		/* metadata_csum */
	uint32_t i_ctime_extra;		/* change time: nanoseconds << 2 | epoch bits */
	uint32_t i_mtime_extra;		/* modification time, the same way */
	uint32_t i_atime_extra;		/* access time, the same way */
	uint32_t i_crtime;		/* creation time (seconds) */
	uint32_t i_crtime_extra;	/* creation time, nanoseconds << 2 | epoch bits */
	uint32_t i_version_hi;		/* inode version, high half */
	uint32_t i_projid;		/* project */
	uint8_t	 i_rest[256 - 160];	/* extended attributes in the inode, kept as they are */
};
_Static_assert(offsetof(struct ext2fs_dinode, i_block) == 40, "i_block");
_Static_assert(offsetof(struct ext2fs_dinode, i_uid_high) == 120, "osd2");
_Static_assert(offsetof(struct ext2fs_dinode, i_extra_isize) == 128, "extra");
_Static_assert(offsetof(struct ext2fs_dinode, i_crtime) == 144, "crtime");
_Static_assert(sizeof(struct ext2fs_dinode) == 256, "inode");
#define EXT2_DINODE_MAX		256	/* the largest inode size we mount */
/* i_extra_isize needed to hold a field ending at byte `end` of the inode. */
#define EXT2_EXTRA_COVERS(extra, end)	(128u + (extra) >= (end))
#define EXT2_WANT_EXTRA_ISIZE	32	/* what we give new large inodes (through i_crtime_extra and more) */

/* i_flags */
#define EXT2_SECRM_FL		0x00000001	/* secure deletion */
#define EXT2_IMMUTABLE_FL	0x00000010	/* immutable */
#define EXT2_APPEND_FL		0x00000020	/* append only */
#define EXT2_INDEX_FL		0x00001000	/* hashed directory (dir_index) */
#define EXT2_EXTENTS_FL		0x00080000	/* ext4 extents: refused */
#define EXT2_INLINE_DATA_FL	0x10000000	/* ext4 inline data: refused */

/*
 * Directory entry: records fill each directory block exactly; a record
 * with d_ino 0 is free.  With the filetype feature the name length is one
 * byte followed by d_type; without it, d_name_len is 16 bits (its high
 * byte in d_type's place).
 */
struct ext2fs_direct {
	uint32_t d_ino;			/* inode, 0: unused record */
	uint16_t d_reclen;		/* bytes to the next record (multiple of 4) */
	uint8_t	 d_namelen;		/* name length */
	uint8_t	 d_type;		/* EXT2_FT_* (filetype feature) */
	char	 d_name[];		/* not NUL-terminated */
};
#define EXT2_DIR_HDR		8	/* bytes before d_name */
/* Bytes a record holding a name of namelen needs. */
#define EXT2_DIR_RECLEN(namelen)	(((namelen) + EXT2_DIR_HDR + 3) & ~3u)

/* d_type */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7
#define EXT2_FT_MAX		8

#endif /* FS_EXT2FS_FORMAT_H */
