/* printf.c: the kernel console (the host's stderr) and panic. */
#include "kernel.h"
#include "rumpuser.h"

#include <stdio.h>

/* Messages are formatted first so each goes out in one host write. */
void
vkprintf(const char *fmt, va_list ap)
{
	char buf[512], *big;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf) && rumpuser_malloc((size_t)n + 1, 0, (void **)&big) == 0) {
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		rumpuser_dprintf("%s", big);
		rumpuser_free(big, (size_t)n + 1);
	} else if (n >= 0) {
		rumpuser_dprintf("%s", buf);
	}
	va_end(ap2);
}

void
rump_pub_console_syslog(int on)
{
	rumpuser_console_syslog(on != 0);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void
kverbose(const char *fmt, ...)
{
	va_list ap;

	if (!rump_params.rp_verbose)
		return;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	static int panicking;
	va_list ap;

	/* a panic while printing a panic must not recurse */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST) == 0) {
		va_start(ap, fmt);
		kprintf("panic: ");
		vkprintf(fmt, ap);
		kprintf("\n");
		va_end(ap);
	}
	rumpuser_exit(RUMPUSER_PANIC);
}
