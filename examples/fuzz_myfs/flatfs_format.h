/* flatfs_format.h: the on-disk format of flatfs, a read-only file system of one directory. */
#ifndef FLATFS_FORMAT_H
#define FLATFS_FORMAT_H

#include <stdint.h>

/*
 * Sector 0 (512 bytes) is the header: the magic, the number of files,
 * then a fixed table of entries.  Each file's bytes lie anywhere in the
 * image, at the byte offset its entry gives.  All integers little-endian.
 */
#define FLATFS_MAGIC		"FLATFS01"
#define FLATFS_MAGICLEN		8
#define FLATFS_HDRSIZE		512
#define FLATFS_NAMELEN		20	/* a name fills it or ends with NUL */
#define FLATFS_ENTOFF		16	/* the table starts after magic, nfiles, reserved */
#define FLATFS_ENTSIZE		32
#define FLATFS_MAXFILES		((FLATFS_HDRSIZE - FLATFS_ENTOFF) / FLATFS_ENTSIZE)

/* byte offsets in the header and in an entry */
#define FLATFS_H_NFILES		8
#define FLATFS_E_NAME		0
#define FLATFS_E_OFFSET		20
#define FLATFS_E_SIZE		24
#define FLATFS_E_MODE		28	/* permission bits; the rest must be 0 */

#define FLATFS_ROOTINO		2	/* the directory; file i is FLATFS_ROOTINO + 1 + i */

#endif /* FLATFS_FORMAT_H */
