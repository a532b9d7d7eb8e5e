/* p2k_host.h: libp2k's host-side helpers, compiled without the kernel's headers. */
#ifndef P2K_P2K_HOST_H
#define P2K_P2K_HOST_H

#include <stdbool.h>

/*
 * The host mount point: an existing directory nothing is mounted on yet,
 * and empty unless nonempty.  0, ENOENT, ENOTDIR, EBUSY or ENOTEMPTY.
 */
int	p2k_check_mountpoint(const char *path, bool nonempty);

#endif /* P2K_P2K_HOST_H */
