/* dirent.h: directory entries as readdir hands them out: Linux's struct dirent64 layout. */
#ifndef VFS_DIRENT_H
#define VFS_DIRENT_H

#include "uio.h"
#include <dirent.h>	/* DT_* values and struct dirent64 */

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
