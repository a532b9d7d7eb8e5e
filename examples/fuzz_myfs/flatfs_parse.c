/* flatfs_parse.c: the header sector to a struct flatfs_mount, every field checked. */
#include <string.h>

#include "flatfs.h"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A name is 1..FLATFS_NAMELEN bytes, not "." or "..", without '/' and unique. */
static int
parse_name(const uint8_t *raw, struct flatfs_mount *fm, struct flatfs_file *f)
{
	size_t len = strnlen((const char *)raw, FLATFS_NAMELEN);

	memcpy(f->ff_name, raw, len);
	f->ff_name[len] = '\0';
	if (len == 0 || strcmp(f->ff_name, ".") == 0 || strcmp(f->ff_name, "..") == 0 ||
	    strchr(f->ff_name, '/') != NULL)
		return EINVAL;
	for (struct flatfs_file *o = fm->fm_files; o < f; o++)
		if (strcmp(o->ff_name, f->ff_name) == 0)
			return EINVAL;
	return 0;
}

static int
parse_entry(const uint8_t *e, struct flatfs_mount *fm, struct flatfs_file *f)
{
	uint32_t mode = le32(e + FLATFS_E_MODE);

	if (parse_name(e + FLATFS_E_NAME, fm, f) != 0)
		return EINVAL;
	f->ff_offset = le32(e + FLATFS_E_OFFSET);
	f->ff_size = le32(e + FLATFS_E_SIZE);
	/* the data may not wrap around a 32-bit image, nor overlay the header */
	if ((uint64_t)f->ff_offset + f->ff_size > UINT32_MAX ||
	    (f->ff_size > 0 && f->ff_offset < FLATFS_HDRSIZE))
		return EINVAL;
	if (mode & ~07777u)
		return EINVAL;
	f->ff_mode = (mode_t)mode;
	return 0;
}

int
flatfs_parse(const uint8_t *hdr, struct flatfs_mount *fm)
{
	uint32_t n;

	if (memcmp(hdr, FLATFS_MAGIC, FLATFS_MAGICLEN) != 0) {
		kprintf("flatfs: bad magic\n");
		return EINVAL;
	}
	n = le32(hdr + FLATFS_H_NFILES);
	if (n > FLATFS_MAXFILES) {
		kprintf("flatfs: %u files, more than a header holds\n", n);
		return EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		if (parse_entry(hdr + FLATFS_ENTOFF + i * FLATFS_ENTSIZE, fm, &fm->fm_files[i]) != 0) {
			kprintf("flatfs: entry %u is invalid\n", i);
			return EINVAL;
		}
	}
	fm->fm_nfiles = n;
	return 0;
}

const struct flatfs_file *
flatfs_file(const struct flatfs_mount *fm, ino_t ino)
{
	if (ino <= FLATFS_ROOTINO || ino - FLATFS_ROOTINO - 1 >= fm->fm_nfiles)
		return NULL;
	return &fm->fm_files[ino - FLATFS_ROOTINO - 1];
}
