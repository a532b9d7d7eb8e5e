/* dirent.c: packing directory entries as Linux's struct dirent64 into a readdir uio. */
#include "dirent.h"
#include "vnode.h"

#define DIRENT_NAMEOFF	offsetof(struct dirent64, d_name)

size_t
vfs_dirent_reclen(size_t namelen)
{
	return roundup(DIRENT_NAMEOFF + namelen + 1, 8);
}

/*
 * uio_offset is a directory cookie, not a byte count: after an entry
 * it is set to that entry's next cookie, where a later call resumes.
 */
bool
vfs_dirent_emit(struct uio *uio, ino_t ino, off_t next, unsigned char dtype,
    const char *name, size_t namelen)
{
	union {
		struct dirent64	d;
		char		bytes[DIRENT_NAMEOFF + NAME_MAX + 1 + 8];
	} rec;
	size_t reclen;

	if (namelen == 0 || namelen > NAME_MAX)
		return false;
	reclen = vfs_dirent_reclen(namelen);
	if (reclen > uio->uio_resid)
		return false;
	memset(&rec, 0, reclen);
	rec.d.d_ino = ino;
	rec.d.d_off = next;
	rec.d.d_reclen = (unsigned short)reclen;
	rec.d.d_type = dtype;
	memcpy(rec.bytes + DIRENT_NAMEOFF, name, namelen);
	(void)uiomove(&rec, reclen, uio);
	uio->uio_offset = next;
	return true;
}

unsigned char
vtype_to_dt(enum vtype t)
{
	switch (t) {
	case VREG:	return DT_REG;
	case VDIR:	return DT_DIR;
	case VBLK:	return DT_BLK;
	case VCHR:	return DT_CHR;
	case VLNK:	return DT_LNK;
	case VSOCK:	return DT_SOCK;
	case VFIFO:	return DT_FIFO;
	default:	return DT_UNKNOWN;
	}
}
