/* t_rumpfs_falloc.c: fallocate on rumpfs: chunks held or freed for real, past the end of file too; ENOSPC at the memory limit undone. */
#include <stdlib.h>

#include "t_rumpfs.h"
#include "t_falloc.h"

#define MIB	((off_t)1 << 20)

T_CASE(falloc_alloc)
{
	t_boot();
	t_falloc_alloc("/");
	t_halt();
}

T_CASE(falloc_keepsize)
{
	t_boot();
	t_falloc_keepsize("/", true);
	t_halt();
}

T_CASE(falloc_punch)
{
	t_boot();
	t_falloc_punch("/", 4096);
	t_halt();
}

T_CASE(falloc_errors)
{
	t_boot();
	t_falloc_errors("/", (off_t)1 << 40);
	t_halt();
}

T_CASE(falloc_enospc)
{
	setenv("RUMP_MEMLIMIT", "8m", 1);
	t_boot();
	t_falloc_enospc("/", 64 * MIB);
	t_halt();
}
