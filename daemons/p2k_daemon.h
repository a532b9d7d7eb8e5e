/* p2k_daemon.h: the command line every rump_<fs> daemon shares: options, usage, then libp2k. */
#ifndef DAEMONS_P2K_DAEMON_H
#define DAEMONS_P2K_DAEMON_H

#include <stdbool.h>

struct p2k_daemon {
	const char	*pd_name;	/* program name, "rump_ffs" */
	const char	*pd_fstype;	/* rump file system type, "ffs" */
	bool		pd_image;	/* takes an image argument */
};

/* Parse argv, mount, serve; the exit status: 0, 1 (failed, message printed) or 2 (usage). */
int	p2k_daemon_main(const struct p2k_daemon *pd, int argc, char **argv);

#endif /* DAEMONS_P2K_DAEMON_H */
