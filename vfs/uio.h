/* uio.h: a scatter/gather transfer between the kernel and a caller's buffers. */
#ifndef VFS_UIO_H
#define VFS_UIO_H

#include "kernel.h"
#include <sys/uio.h>

enum uio_rw { UIO_READ, UIO_WRITE };

/*
 * A read moves data from the kernel into uio_iov; a write moves it out.
 * Caller and kernel share one address space, so there is no copyin.
 */
struct uio {
	struct iovec	*uio_iov;	/* advanced as data moves */
	int		uio_iovcnt;
	off_t		uio_offset;	/* file offset (or directory cookie) */
	size_t		uio_resid;	/* bytes still to move */
	enum uio_rw	uio_rw;
};

/* Set up a one-buffer uio over iov (which the caller owns). */
void	uio_setup(struct uio *uio, struct iovec *iov, void *buf, size_t len,
	    off_t off, enum uio_rw rw);
/* Move up to n bytes between buf and uio; advances both.  Returns 0. */
int	uiomove(void *buf, size_t n, struct uio *uio);

#endif /* VFS_UIO_H */
