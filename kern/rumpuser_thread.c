/* rumpuser_thread.c: host threads for kernel threads, and each host thread's current lwp. */
#include "rumpuser.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rumpuser_thread {
	pthread_t	pt_thread;
};

/* Handed to a new thread so that it names itself before running fn. */
struct thread_start {
	void		*(*ts_fn)(void *);
	void		*ts_arg;
	char		ts_name[16];	/* the kernel's limit for thread names */
};

/*
 * The current lwp lives in a __thread slot for speed; a pthread key with
 * the same value exists only to get a destructor at thread exit.  The
 * slot's generation lets rump_shutdown forget every thread's lwp at once:
 * a slot from an older generation reads as NULL.  initial-exec: the
 * slot is read on every kernel entry, and the default model for a shared
 * library costs a __tls_get_addr call each time.
 */
struct curlwp_slot {
	struct lwp	*cs_lwp;
	unsigned	cs_gen;
};
static __thread struct curlwp_slot curlwp_slot __attribute__((tls_model("initial-exec")));
static unsigned curlwp_gen;			/* atomic; changed under curlwp_lock */
static pthread_mutex_t curlwp_lock = PTHREAD_MUTEX_INITIALIZER;	/* destructors vs forgetall */
static pthread_once_t curlwp_once = PTHREAD_ONCE_INIT;
static pthread_key_t curlwp_key;
static void (*curlwp_dtor)(struct lwp *);	/* curlwp_lock */

static void *
thread_trampoline(void *arg)
{
	struct thread_start ts = *(struct thread_start *)arg;

	free(arg);
	if (ts.ts_name[0] != '\0')
		pthread_setname_np(pthread_self(), ts.ts_name);
	return ts.ts_fn(ts.ts_arg);
}

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int joinable, struct rumpuser_thread **ptp)
{
	struct rumpuser_thread *pt;
	struct thread_start *ts;
	pthread_attr_t attr;
	int error;

	pt = malloc(sizeof(*pt));
	ts = malloc(sizeof(*ts));
	if (pt == NULL || ts == NULL) {
		free(pt);
		free(ts);
		return ENOMEM;
	}
	ts->ts_fn = fn;
	ts->ts_arg = arg;
	snprintf(ts->ts_name, sizeof(ts->ts_name), "%s", name != NULL ? name : "");
	pthread_attr_init(&attr);
	if (!joinable)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	error = pthread_create(&pt->pt_thread, &attr, thread_trampoline, ts);
	pthread_attr_destroy(&attr);
	if (error != 0 || !joinable) {
		if (error != 0)
			free(ts);
		free(pt);
		pt = NULL;
	}
	if (ptp != NULL)
		*ptp = pt;
	return error;
}

int
rumpuser_thread_join(struct rumpuser_thread *pt)
{
	int error = pthread_join(pt->pt_thread, NULL);

	if (error == 0)
		free(pt);
	return error;
}

void
rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

/* Current lwp. */

static void
curlwp_key_dtor(void *value)
{
	pthread_mutex_lock(&curlwp_lock);
	/* the slot still names the lwp while fn runs: fn may need curlwp */
	if (curlwp_dtor != NULL && curlwp_slot.cs_lwp == value &&
	    curlwp_slot.cs_gen == __atomic_load_n(&curlwp_gen, __ATOMIC_RELAXED))
		curlwp_dtor(value);
	curlwp_slot.cs_lwp = NULL;
	pthread_mutex_unlock(&curlwp_lock);
}

static void
curlwp_key_create(void)
{
	if (pthread_key_create(&curlwp_key, curlwp_key_dtor) != 0) {
		fprintf(stderr, "rumpuser: cannot create the curlwp key\n");
		abort();
	}
}

struct lwp *
rumpuser_curlwp(void)
{
	if (__builtin_expect(curlwp_slot.cs_gen != __atomic_load_n(&curlwp_gen, __ATOMIC_RELAXED), 0))
		return NULL;
	return curlwp_slot.cs_lwp;
}

void
rumpuser_set_curlwp(struct lwp *l)
{
	pthread_once(&curlwp_once, curlwp_key_create);
	curlwp_slot.cs_lwp = l;
	curlwp_slot.cs_gen = __atomic_load_n(&curlwp_gen, __ATOMIC_RELAXED);
	pthread_setspecific(curlwp_key, l);
}

void
rumpuser_curlwp_destructor(void (*fn)(struct lwp *))
{
	pthread_once(&curlwp_once, curlwp_key_create);
	pthread_mutex_lock(&curlwp_lock);
	curlwp_dtor = fn;
	pthread_mutex_unlock(&curlwp_lock);
}

void
rumpuser_curlwp_forgetall(void)
{
	pthread_mutex_lock(&curlwp_lock);
	__atomic_add_fetch(&curlwp_gen, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&curlwp_lock);
}
