/* rumpuser.c: hypercalls for memory, parameters, console, clocks and randomness (host side). */
#include "rumpuser.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Memory. */

int
rumpuser_malloc(size_t len, int alignment, void **memp)
{
	void *mem;
	int error;

	if (alignment <= (int)_Alignof(max_align_t)) {
		mem = malloc(len);
		error = mem == NULL ? errno : 0;
	} else {
		/* posix_memalign reports its error directly, not in errno */
		error = posix_memalign(&mem, (size_t)alignment, len);
	}
	if (error != 0)
		return error;
	*memp = mem;
	return 0;
}

/* Zeroed memory: calloc leaves fresh pages untouched (a large table costs no faults until used). */
int
rumpuser_zalloc(size_t len, void **memp)
{
	void *mem;

	if ((mem = calloc(1, len)) == NULL)
		return errno;
	*memp = mem;
	return 0;
}

int
rumpuser_anonmap(size_t len, size_t align, void **memp)
{
	char *m, *a;

	/* Map align bytes more and trim, so the range starts on the boundary huge pages need. */
	m = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return errno;
	a = (char *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
	if (a > m)
		munmap(m, (size_t)(a - m));
	if (a + len < m + len + align)
		munmap(a + len, (size_t)(m + len + align - (a + len)));
	(void)madvise(a, len, MADV_HUGEPAGE);	/* where the host allows it; fine without */
	*memp = a;
	return 0;
}

void
rumpuser_unmap(void *mem, size_t len)
{
	munmap(mem, len);
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

/* Parameters. */

int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	const char *value = getenv(name);

	if (value == NULL)
		return ENOENT;
	if (strlen(value) >= buflen)
		return E2BIG;
	strcpy(buf, value);
	return 0;
}

int
rumpuser_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (n > INT32_MAX ? INT32_MAX : (int)n);
}

/* Console. */

void
rumpuser_putchar(int c)
{
	fputc(c, stderr);
}

static bool console_syslog;	/* atomic */

void
rumpuser_console_syslog(bool on)
{
	__atomic_store_n(&console_syslog, on, __ATOMIC_RELAXED);
}

/* One message a call (vkprintf formats first): to syslog one line each, without the newline. */
void
rumpuser_dprintf(const char *fmt, ...)
{
	char buf[1024];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	if (!__atomic_load_n(&console_syslog, __ATOMIC_RELAXED)) {
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0)
		syslog(LOG_ERR, "%s", buf);
}

void
rumpuser_exit(int status)
{
	fflush(stderr);
	if (status == RUMPUSER_PANIC)
		abort();
	if (status == RUMPUSER_HALT)
		_exit(1);
	exit(status);
}

void
rumpuser_seterrno(int error)
{
	errno = error;
}

/* Clocks. */

void
rumpuser_clock_gettime(enum rumpuser_clock which, int64_t *sec, long *nsec)
{
	struct timespec ts;

	clock_gettime(which == RUMPUSER_CLOCK_ABSMONO ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
}

void
rumpuser_clock_sleep(int64_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = (time_t)sec, .tv_nsec = nsec };

	if (sec <= 0 && nsec <= 0) {
		/* a zero sleep is a request to let other threads run */
		sched_yield();
		return;
	}
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/* Randomness. */

int
rumpuser_getrandom(void *buf, size_t buflen)
{
	size_t done = 0;
	ssize_t n;

	while (done < buflen) {
		n = getrandom((char *)buf + done, buflen - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		done += (size_t)n;
	}
	return 0;
}
