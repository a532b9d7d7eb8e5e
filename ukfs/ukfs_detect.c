/* ukfs_detect.c: tell the file-system type of an image from its superblock magic, read on the host. */
#include <endian.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_impl.h"

#define EXT2_MAGIC_OFF		1080		/* s_magic: 1024 (superblock) + 56 */
#define EXT2_MAGIC		0xEF53
#define FFS_MAGIC_OFF		1372		/* fs_magic within the FFS superblock */
#define FFS_UFS1_MAGIC		0x011954
#define FFS_UFS2_MAGIC		0x19540119

/* Where FFS keeps its superblock: UFS2, UFS1, a UFS1 floppy, UFS2 "piggy". */
static const uint64_t ffs_sblocks[] = { 65536, 8192, 0, 262144 };

static bool detect_read(int fd, uint64_t off, void *buf, size_t len);
static bool detect_ffs(int fd, uint64_t base);

static bool
detect_read(int fd, uint64_t off, void *buf, size_t len)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

static bool
detect_ffs(int fd, uint64_t base)
{
	uint32_t m, le, be;
	size_t i;

	for (i = 0; i < sizeof(ffs_sblocks) / sizeof(ffs_sblocks[0]); i++) {
		if (!detect_read(fd, base + ffs_sblocks[i] + FFS_MAGIC_OFF, &m, sizeof(m)))
			continue;
		le = le32toh(m);
		be = be32toh(m);
		if (le == FFS_UFS1_MAGIC || le == FFS_UFS2_MAGIC ||
		    be == FFS_UFS1_MAGIC || be == FFS_UFS2_MAGIC)
			return true;
	}
	return false;
}

const char *
ukfs_detect(const char *path, uint64_t off)
{
	const char *type = NULL;
	uint16_t m16;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (detect_read(fd, off + EXT2_MAGIC_OFF, &m16, sizeof(m16)) &&
	    le16toh(m16) == EXT2_MAGIC)
		type = MOUNT_EXT2FS;
	else if (detect_ffs(fd, off))
		type = MOUNT_FFS;
	close(fd);
	return type;
}
