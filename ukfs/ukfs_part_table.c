/* ukfs_part_table.c: find a partition in an image's MBR, GPT or BSD disklabel (all read on the host, all fields range checked). */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_impl.h"

/* MBR: four 16-byte entries at 446, 0x55 0xAA at 510. */
#define MBR_TABLE_OFF		446
#define MBR_ENTRY_SIZE		16
#define MBR_TYPE_OFF		4
#define MBR_START_OFF		8		/* first sector, le32 */
#define MBR_NSECT_OFF		12		/* sectors, le32 */
#define MBR_SIG_OFF		510
#define MBR_TYPE_NETBSD		0xa9
#define MBR_SECTOR		512

/* GPT header at LBA 1, entries where it says. */
#define GPT_SIG			"EFI PART"
#define GPT_ENTRIES_LBA_OFF	72		/* le64 */
#define GPT_NENTRIES_OFF	80		/* le32 */
#define GPT_ENTRY_SIZE_OFF	84		/* le32 */
#define GPT_ENT_FIRST_OFF	32		/* first LBA, le64 */
#define GPT_ENT_LAST_OFF	40		/* last LBA (inclusive), le64 */
#define GPT_MAX_ENTRIES		1024

/* BSD disklabel (NetBSD's layout). */
#define DL_MAGIC		0x82564557
#define DL_MAGIC_OFF		0
#define DL_SECSIZE_OFF		40
#define DL_MAGIC2_OFF		132
#define DL_NPART_OFF		138
#define DL_PART_OFF		148
#define DL_PART_SIZE		16		/* p_size le32 at 0, p_offset le32 at 4 */
#define DL_MAXPARTITIONS	22
#define DL_SIZE			(DL_PART_OFF + DL_MAXPARTITIONS * DL_PART_SIZE)

static int table_read(int fd, uint64_t off, void *buf, size_t len);
static uint16_t get16(const uint8_t *p, bool swap);
static uint32_t get32(const uint8_t *p, bool swap);
static int gpt_at(int fd, uint64_t secsize, struct ukfs_part *part);
static int disklabel_at(int fd, uint64_t off, struct ukfs_part *part);

static int
table_read(int fd, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n == -1)
		return errno;
	return n == (ssize_t)len ? 0 : EINVAL;
}

static uint16_t
get16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? be16toh(v) : le16toh(v);
}

static uint32_t
get32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? be32toh(v) : le32toh(v);
}

static uint64_t
get64le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/* MBR partition part_index (1..4); EINVAL without a table, ENOENT for an unused slot. */
int
ukfs_part_mbr(int fd, struct ukfs_part *part)
{
	uint8_t sec[MBR_SECTOR];
	const uint8_t *e;
	int error;

	if (part->part_index < 1 || part->part_index > 4)
		return ENOENT;
	if ((error = table_read(fd, 0, sec, sizeof(sec))) != 0)
		return error;
	if (sec[MBR_SIG_OFF] != 0x55 || sec[MBR_SIG_OFF + 1] != 0xaa)
		return EINVAL;
	e = sec + MBR_TABLE_OFF + (part->part_index - 1) * MBR_ENTRY_SIZE;
	if (e[MBR_TYPE_OFF] == 0 || get32(e + MBR_NSECT_OFF, false) == 0)
		return ENOENT;
	part->part_off = (uint64_t)get32(e + MBR_START_OFF, false) * MBR_SECTOR;
	part->part_size = (uint64_t)get32(e + MBR_NSECT_OFF, false) * MBR_SECTOR;
	return 0;
}

static int
gpt_at(int fd, uint64_t secsize, struct ukfs_part *part)
{
	uint8_t hdr[92], ent[48];
	uint64_t lba, first, last;
	uint32_t n, esize;
	int error;

	if ((error = table_read(fd, secsize, hdr, sizeof(hdr))) != 0)
		return error;
	if (memcmp(hdr, GPT_SIG, 8) != 0)
		return EINVAL;
	lba = get64le(hdr + GPT_ENTRIES_LBA_OFF);
	n = get32(hdr + GPT_NENTRIES_OFF, false);
	esize = get32(hdr + GPT_ENTRY_SIZE_OFF, false);
	if (n > GPT_MAX_ENTRIES || esize < 128 || esize > 4096 || lba == 0 ||
	    lba > UINT64_MAX / secsize / 2)
		return EINVAL;
	if (part->part_index < 1 || (uint32_t)part->part_index > n)
		return ENOENT;
	error = table_read(fd, lba * secsize + (uint64_t)(part->part_index - 1) * esize,
	    ent, sizeof(ent));
	if (error != 0)
		return error;
	first = get64le(ent + GPT_ENT_FIRST_OFF);
	last = get64le(ent + GPT_ENT_LAST_OFF);
	static const uint8_t zero[16];
	if (memcmp(ent, zero, 16) == 0 || first == 0)
		return ENOENT;		/* an unused entry */
	if (last < first || last >= UINT64_MAX / secsize)
		return EINVAL;
	part->part_off = first * secsize;
	part->part_size = (last - first + 1) * secsize;
	return 0;
}

/* GPT partition part_index (1..n); the header at LBA 1 of 512- or 4096-byte sectors. */
int
ukfs_part_gpt(int fd, struct ukfs_part *part)
{
	int error;

	error = gpt_at(fd, 512, part);
	if (error == EINVAL)
		error = gpt_at(fd, 4096, part);
	return error;
}

/* A disklabel at byte off, either byte order; partition part_index ('a' = 0). */
static int
disklabel_at(int fd, uint64_t off, struct ukfs_part *part)
{
	uint8_t dl[DL_SIZE];
	const uint8_t *p;
	uint32_t secsize, psize, poff;
	uint16_t npart;
	bool swap;
	int error;

	if ((error = table_read(fd, off, dl, sizeof(dl))) != 0)
		return error;
	if (get32(dl + DL_MAGIC_OFF, false) == DL_MAGIC &&
	    get32(dl + DL_MAGIC2_OFF, false) == DL_MAGIC)
		swap = false;
	else if (get32(dl + DL_MAGIC_OFF, true) == DL_MAGIC &&
	    get32(dl + DL_MAGIC2_OFF, true) == DL_MAGIC)
		swap = true;
	else
		return EINVAL;
	secsize = get32(dl + DL_SECSIZE_OFF, swap);
	npart = get16(dl + DL_NPART_OFF, swap);
	if (secsize < 512 || secsize > 65536 || (secsize & (secsize - 1)) != 0 ||
	    npart > DL_MAXPARTITIONS)
		return EINVAL;
	if (part->part_index < 0 || part->part_index >= npart)
		return ENOENT;
	p = dl + DL_PART_OFF + part->part_index * DL_PART_SIZE;
	psize = get32(p, swap);
	poff = get32(p + 4, swap);
	if (psize == 0)
		return ENOENT;
	part->part_off = (uint64_t)poff * secsize;
	part->part_size = (uint64_t)psize * secsize;
	return 0;
}

/*
 * The label sits in sector 1 of the disk (i386 and most ports), at
 * byte 64 of sector 0 (some others), or in sector 1 of a NetBSD MBR
 * partition; its partition offsets are from the start of the disk.
 */
int
ukfs_part_disklabel(int fd, struct ukfs_part *part)
{
	struct ukfs_part mbr;
	int error, i;

	if ((error = disklabel_at(fd, 512, part)) != EINVAL)
		return error;
	if ((error = disklabel_at(fd, 64, part)) != EINVAL)
		return error;
	for (i = 1; i <= 4; i++) {
		uint8_t type;

		mbr.part_index = i;
		if (ukfs_part_mbr(fd, &mbr) != 0)
			continue;
		if (table_read(fd, MBR_TABLE_OFF + (uint64_t)(i - 1) * MBR_ENTRY_SIZE +
		    MBR_TYPE_OFF, &type, 1) != 0 || type != MBR_TYPE_NETBSD)
			continue;
		if (mbr.part_off > UINT64_MAX - 512)
			continue;
		if ((error = disklabel_at(fd, mbr.part_off + 512, part)) != EINVAL)
			return error;
	}
	return EINVAL;
}
