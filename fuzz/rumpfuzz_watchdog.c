/*
 * rumpfuzz_watchdog.c: a thread that aborts a run taking longer than the
 * limit, after saving the input.  A thread, not alarm(): libFuzzer keeps
 * SIGALRM for its own -timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "rumpfuzz_impl.h"

static struct {
	pthread_mutex_t	lock;
	pthread_cond_t	cv;
	unsigned	seconds;
	bool		armed;
	struct timespec	deadline;
	const uint8_t	*data;
	size_t		size;
} wd = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
wd_fire(void)
{
	const char *dir = getenv("RUMPFUZZ_HANGDIR") != NULL ? getenv("RUMPFUZZ_HANGDIR") : ".";
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/rumpfuzz-hang-%ld", dir, (long)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, wd.data, wd.size) != (ssize_t)wd.size)
		snprintf(path, sizeof(path), "(not saved)");
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "rumpfuzz: FINDING: an input ran longer than %u s (input of %zu bytes saved as %s)\n",
	    wd.seconds, wd.size, path);
	abort();
}

static void *
wd_thread(void *arg)
{
	struct timespec now;

	(void)arg;
	pthread_mutex_lock(&wd.lock);
	for (;;) {
		if (!wd.armed) {
			pthread_cond_wait(&wd.cv, &wd.lock);
			continue;
		}
		if (pthread_cond_timedwait(&wd.cv, &wd.lock, &wd.deadline) != ETIMEDOUT)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wd.armed && (now.tv_sec > wd.deadline.tv_sec ||
		    (now.tv_sec == wd.deadline.tv_sec && now.tv_nsec >= wd.deadline.tv_nsec)))
			wd_fire();
	}
	return NULL;
}

int
rfz_watchdog_start(unsigned seconds)
{
	pthread_condattr_t ca;
	pthread_t t;
	int error;

	wd.seconds = seconds;
	if (seconds == 0)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd.cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((error = pthread_create(&t, NULL, wd_thread, NULL)) != 0)
		return error;
	return pthread_detach(t);
}

/* Only the deadline moves per input: the thread wakes when it passes, not per run. */
void
rfz_watchdog_arm(const uint8_t *data, size_t size)
{
	if (wd.seconds == 0)
		return;
	pthread_mutex_lock(&wd.lock);
	clock_gettime(CLOCK_MONOTONIC, &wd.deadline);
	wd.deadline.tv_sec += wd.seconds;
	wd.data = data;
	wd.size = size;
	if (!wd.armed) {
		wd.armed = true;
		pthread_cond_signal(&wd.cv);
	}
	pthread_mutex_unlock(&wd.lock);
}

void
rfz_watchdog_disarm(void)
{
	if (wd.seconds == 0)
		return;
	pthread_mutex_lock(&wd.lock);
	wd.armed = false;
	pthread_mutex_unlock(&wd.lock);
}
