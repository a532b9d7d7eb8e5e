/* t_falloc.h: fallocate scenarios every file system's tests run through rump_sys_fallocate, under a directory of the mount. */
#ifndef T_FALLOC_H
#define T_FALLOC_H

#include <stdbool.h>
#include <sys/types.h>

#define T_FALLOC_KEEP_SIZE	0x01	/* Linux's FALLOC_FL_* values */
#define T_FALLOC_PUNCH_HOLE	0x02
#define T_FALLOC_ZERO_RANGE	0x10

/*
 * Mode 0: a new file of 8 MiB holds 8 MiB of zeroed storage (st_blocks,
 * reads, SEEK_HOLE at the end); over existing data it keeps the data and
 * fills only the holes; past the end it grows the size.
 */
void	t_falloc_alloc(const char *dir);
/*
 * KEEP_SIZE: holes of a truncated 8 MiB file get storage, the size stays.
 * pastend: storage past the end of file is held too (and a later
 * truncate frees it), else it is EOPNOTSUPP with nothing changed.
 */
void	t_falloc_keepsize(const char *dir, bool pastend);
/*
 * PUNCH_HOLE|KEEP_SIZE over 1 MiB at an unaligned offset of 2 MiB of
 * data: st_blocks drops by about 1 MiB (less slack blocks of bsize), the
 * range reads as zeroes, the bytes around it are intact, SEEK_HOLE finds
 * it; then to past the end; PUNCH without KEEP_SIZE is EOPNOTSUPP.
 */
void	t_falloc_punch(const char *dir, long bsize);
/* The errors: EINVAL, EBADF, EOPNOTSUPP for other modes, EFBIG at toobig (past the format's limit). */
void	t_falloc_errors(const char *dir, off_t toobig);
/*
 * Asking for more than is free: ENOSPC, and every block it took is free
 * again (statvfs's free count as before, the file holds nothing, size 0,
 * and a file of 64 KiB can still be written).
 */
void	t_falloc_enospc(const char *dir, off_t len);

#endif /* T_FALLOC_H */
