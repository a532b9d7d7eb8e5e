/* time.c: kernel clocks and sleeping. */
#include "kernel.h"
#include "lwp.h"
#include "rumpuser.h"

void
getnanotime(struct timespec *ts)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
}

void
getnanouptime(struct timespec *ts)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
}

/* ms 0 yields the CPU to anyone waiting for it. */
void
kpause_ms(unsigned ms)
{
	struct lwp *l = curlwp;

	rump_unschedule_cpu(l);
	rumpuser_clock_sleep(ms / 1000, (long)(ms % 1000) * 1000000L);
	rump_schedule_cpu(l);
}
