/* rump_fuzzmap.h: metadata maps of file-system images, made by each file system's own parser, for image-aware fuzzing. */
#ifndef RUMP_RUMP_FUZZMAP_H
#define RUMP_RUMP_FUZZMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a metadata range holds (fr_kind). */
#define RUMP_FUZZMAP_SUPER	1	/* superblock */
#define RUMP_FUZZMAP_GROUP	2	/* group descriptors, cylinder group header and maps, cg summary */
#define RUMP_FUZZMAP_BITMAP	3	/* block or inode bitmap */
#define RUMP_FUZZMAP_INODE	4	/* one or more on-disk inodes */
#define RUMP_FUZZMAP_DIR	5	/* a directory block */
#define RUMP_FUZZMAP_INDIR	6	/* an indirect block */
#define RUMP_FUZZMAP_SYMLINK	7	/* a symbolic link's target block */
#define RUMP_FUZZMAP_KIND_MAX	7

/* What a field means (ff_type), so a mutator picks values that matter. */
#define RUMP_FUZZMAP_F_INT	1	/* an integer of no special meaning (times, shifts, magic) */
#define RUMP_FUZZMAP_F_BLOCK	2	/* a block number, in fm_nblocks' units */
#define RUMP_FUZZMAP_F_INODE	3	/* an inode number, at most fm_ninodes */
#define RUMP_FUZZMAP_F_COUNT	4	/* a count or size */
#define RUMP_FUZZMAP_F_FLAGS	5	/* bits */
#define RUMP_FUZZMAP_F_NAME	6	/* bytes of a name; width 0: to the end of the record */
#define RUMP_FUZZMAP_F_RECLEN	7	/* a record's length in bytes: chains the records of a table with stride 0 */
/*
 * A derived field, width 4: CRC-32C (seeded with ~0, not inverted at
 * the end) of its whole record with the field zeroed, in the range's
 * byte order.  A mutator recomputes it after changing the record unless
 * told not to.  Only in tables with a fixed stride.
 */
#define RUMP_FUZZMAP_F_CRC32C	8
#define RUMP_FUZZMAP_F_MAX	8

/* One field of a fixed-layout structure: an integer of width 1, 2, 4 or 8 bytes, or a name. */
struct rump_fuzzmap_field {
	uint16_t	ff_off;		/* byte offset in its record */
	uint8_t		ff_width;	/* bytes */
	uint8_t		ff_type;	/* RUMP_FUZZMAP_F_* */
};

/*
 * A structure's layout.  ft_stride > 0: the range is an array of
 * records ft_stride bytes long (inodes, descriptors, block pointers),
 * the fields repeat in each; RUMP_FUZZMAP_ONERECORD: one record however
 * long the range (a superblock, a cg header followed by its maps).
 * ft_stride 0: records chain by their RUMP_FUZZMAP_F_RECLEN field
 * (directory entries).  Every field lies inside its record.
 */
#define RUMP_FUZZMAP_ONERECORD	0xffff
struct rump_fuzzmap_table {
	const struct rump_fuzzmap_field	*ft_fields;
	uint16_t	ft_nfields;
	uint16_t	ft_stride;
};

#define RUMP_FUZZMAP_NOTABLE	0xffff	/* fr_table of a range with no field table (bitmaps) */
#define RUMP_FUZZMAP_BE		0x01	/* fr_flags: the range's integers are big-endian */

/* A byte range of the image that is metadata. */
struct rump_fuzzmap_range {
	uint64_t	fr_off;		/* byte offset in the image */
	uint32_t	fr_len;		/* bytes */
	uint8_t		fr_kind;	/* RUMP_FUZZMAP_* */
	uint8_t		fr_flags;	/* RUMP_FUZZMAP_BE */
	uint16_t	fr_table;	/* index in fm_tables, or RUMP_FUZZMAP_NOTABLE */
};

/* The most ranges one map holds; a parser stops there (fm_partial). */
#define RUMP_FUZZMAP_MAXRANGES	65536

struct rump_fuzzmap {
	const char	*fm_fstype;	/* the type that made it; lives while the kernel runs */
	uint64_t	fm_imglen;	/* bytes of the image parsed */
	uint64_t	fm_nblocks;	/* blocks (ext2) or fragments (FFS) in the file system */
	uint64_t	fm_ninodes;	/* inodes in the file system */
	uint32_t	fm_bsize;	/* bytes of the unit block numbers count */
	int		fm_partial;	/* 1: the parser stopped early (corrupt image or a limit) */
	const struct rump_fuzzmap_table *fm_tables;	/* the type's static tables */
	size_t		fm_ntables;
	struct rump_fuzzmap_range *fm_ranges;	/* in the order found; may overlap */
	size_t		fm_nranges;
	size_t		fm_cap;		/* allocated ranges */
};

/*
 * The metadata map of the image img (len bytes, in memory, only read),
 * by the parser of type fstype, or of the type whose probe accepts the
 * image when fstype is NULL.  Needs a booted kernel with the type
 * linked.  Returns 0 and *mapp (free it with rump_pub_fs_metamap_free),
 * possibly with fm_partial set when the image is corrupt past its
 * superblock; EINVAL when no valid superblock is found (or fstype is
 * NULL and no type recognises the image), ENODEV for an unknown fstype,
 * EOPNOTSUPP for a type without a map, ENOMEM.
 */
int	rump_pub_fs_metamap(const char *fstype, const uint8_t *img, size_t len,
	    struct rump_fuzzmap **mapp);
void	rump_pub_fs_metamap_free(struct rump_fuzzmap *map);

#ifdef __cplusplus
}
#endif
#endif /* RUMP_RUMP_FUZZMAP_H */
