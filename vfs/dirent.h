/* dirent.h: directory entries as readdir hands them out: Linux's struct dirent64 layout. */
#ifndef VFS_DIRENT_H
#define VFS_DIRENT_H

#include "uio.h"
#include "vnode.h"

/*
 * This header's name shadows the host's <dirent.h> on the vfs include
 * path, so the host's cannot be reached from here: unless it was already
 * seen, define the Linux ABI's struct dirent64 and DT_* (fixed values).
 */
#ifndef _DIRENT_H
struct dirent64 {
	ino64_t		d_ino;
	off64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[256];
};
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14
#endif

/*
 * Append one entry to a readdir uio: d_ino ino, d_off next (the cookie
 * that resumes *after* this entry), d_type dtype (DT_*), the name
 * NUL-terminated, the record padded to 8 bytes.  Returns true when it
 * fit, false (and nothing written) when the uio has no room for it.
 */
bool	vfs_dirent_emit(struct uio *uio, ino_t ino, off_t next, unsigned char dtype,
	    const char *name, size_t namelen);
/* Bytes the record for a name of namelen takes. */
size_t	vfs_dirent_reclen(size_t namelen);
unsigned char vtype_to_dt(enum vtype t);

#endif /* VFS_DIRENT_H */
