/* ffs_t_checkimg.c: the in-tree checker over an image, in a kernel of its own. */
#include <rump/rump.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "ffs_check.h"

unsigned
ffs_t_check_image(const char *img)
{
	unsigned n = 0;
	int error;

	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/chk0", img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	error = ffs_check("/dev/chk0", &n);
	rump_unschedule();
	t_halt();
	CHECK_EQ(error, 0);
	return n;
}
