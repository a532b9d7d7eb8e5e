/* test_locks.c: mutexes, rw locks and condition variables under contention (RUMP_NCPU from the environment). */
#include <stdint.h>
#include <time.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "locks.h"
#include "lwp.h"

#define NTHREADS	8
#define NOUTER		200
#define NINNER		100

static kmutex_t lt_mtx;
static long lt_counter;			/* lt_mtx */

static void
lt_boot(void)
{
	CHECK_ERR(rump_init(), 0);
	CHECK_EQ(rump_locks_up(), rump_params.rp_ncpu == 1);
}

/*
 * Enter the kernel NOUTER times and increment NINNER times per entry;
 * sometimes pause with the mutex held so others really block on it.
 */
static void *
mutex_worker(void *arg)
{
	int i, j;

	(void)arg;
	for (i = 0; i < NOUTER; i++) {
		rump_schedule();
		for (j = 0; j < NINNER; j++) {
			mutex_enter(&lt_mtx);
			lt_counter++;
			if (j % 25 == 0)
				kpause_ms(0);
			mutex_exit(&lt_mtx);
		}
		rump_unschedule();
	}
	return NULL;
}

T_CASE(mutex_counter)
{
	lt_boot();
	rump_schedule();
	mutex_init(&lt_mtx);
	CHECK(mutex_tryenter(&lt_mtx));
	CHECK(mutex_owned(&lt_mtx));
	mutex_exit(&lt_mtx);
	CHECK(!mutex_owned(&lt_mtx));
	rump_unschedule();

	kt_run_threads(NTHREADS, mutex_worker);
	CHECK_EQ(lt_counter, (long)NTHREADS * NOUTER * NINNER);

	rump_schedule();
	mutex_destroy(&lt_mtx);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

/* Readers and writers: a writer is always alone; readers may share. */
static krwlock_t lt_rw;
static int lt_readers_in, lt_writers_in;	/* atomic */
static int lt_violations;			/* atomic */
static int lt_writer_done;			/* atomic */

static void
rw_check_alone(bool writer)
{
	int w = __atomic_load_n(&lt_writers_in, __ATOMIC_SEQ_CST);
	int r = __atomic_load_n(&lt_readers_in, __ATOMIC_SEQ_CST);

	if (writer ? (w != 1 || r != 0) : (w != 0 || r < 1))
		__atomic_add_fetch(&lt_violations, 1, __ATOMIC_SEQ_CST);
}

static void *
rw_worker(void *arg)
{
	bool writer = (intptr_t)arg < 2;
	int i;

	for (i = 0; i < 2000; i++) {
		rump_schedule();
		rw_enter(&lt_rw, writer ? RW_WRITER : RW_READER);
		__atomic_add_fetch(writer ? &lt_writers_in : &lt_readers_in, 1, __ATOMIC_SEQ_CST);
		rw_check_alone(writer);
		if (writer)
			CHECK(rw_write_held(&lt_rw));
		CHECK(rw_lock_held(&lt_rw));
		if (i % 50 == 0)
			kpause_ms(0);
		rw_check_alone(writer);
		__atomic_sub_fetch(writer ? &lt_writers_in : &lt_readers_in, 1, __ATOMIC_SEQ_CST);
		rw_exit(&lt_rw);
		rump_unschedule();
	}
	return NULL;
}

T_CASE(rwlock_invariant)
{
	lt_boot();
	rump_schedule();
	rw_init(&lt_rw);
	CHECK(!rw_lock_held(&lt_rw));
	rw_enter(&lt_rw, RW_READER);
	CHECK(rw_lock_held(&lt_rw));
	CHECK(!rw_write_held(&lt_rw));
	CHECK(rw_tryenter(&lt_rw, RW_READER));
	rw_exit(&lt_rw);
	rw_exit(&lt_rw);
	CHECK(rw_tryenter(&lt_rw, RW_WRITER));
	CHECK(rw_write_held(&lt_rw));
	rw_exit(&lt_rw);
	CHECK(!rw_lock_held(&lt_rw));
	rump_unschedule();

	kt_run_threads(8, rw_worker);
	CHECK_EQ(lt_violations, 0);
	CHECK(!rw_lock_held(&lt_rw));

	rump_schedule();
	rw_destroy(&lt_rw);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

/*
 * Readers overlap without pause; a writer must still get in (a waiting
 * writer holds new readers back).  Starvation shows as a test timeout.
 */
static void *
rw_hog_reader(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&lt_writer_done, __ATOMIC_SEQ_CST)) {
		rump_schedule();
		rw_enter(&lt_rw, RW_READER);
		kpause_ms(1);
		rw_exit(&lt_rw);
		rump_unschedule();
	}
	return NULL;
}

static void *
rw_progress_writer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 20; i++) {
		rump_schedule();
		rw_enter(&lt_rw, RW_WRITER);
		CHECK(rw_write_held(&lt_rw));
		rw_exit(&lt_rw);
		rump_unschedule();
	}
	__atomic_store_n(&lt_writer_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *
rw_progress_thread(void *arg)
{
	return (intptr_t)arg == 0 ? rw_progress_writer(arg) : rw_hog_reader(arg);
}

T_CASE(rwlock_writer_progress)
{
	lt_boot();
	rump_schedule();
	rw_init(&lt_rw);
	rump_unschedule();
	kt_run_threads(5, rw_progress_thread);
	CHECK_EQ(lt_writer_done, 1);
	rump_schedule();
	rw_destroy(&lt_rw);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

/* Bounded buffer: 2 producers, 2 consumers; every item arrives exactly once. */
#define PC_SLOTS	4
#define PC_ITEMS	5000

static kcondvar_t pc_notfull, pc_notempty;
static int pc_buf[PC_SLOTS], pc_head, pc_count;	/* lt_mtx */
static long pc_sum;				/* lt_mtx */
static int pc_taken;				/* lt_mtx */

static void
pc_produce(int base)
{
	int i;

	for (i = 1; i <= PC_ITEMS; i++) {
		mutex_enter(&lt_mtx);
		while (pc_count == PC_SLOTS)
			cv_wait(&pc_notfull, &lt_mtx);
		pc_buf[(pc_head + pc_count++) % PC_SLOTS] = base + i;
		cv_signal(&pc_notempty);
		mutex_exit(&lt_mtx);
	}
}

static void
pc_consume(void)
{
	for (;;) {
		mutex_enter(&lt_mtx);
		while (pc_count == 0 && pc_taken < 2 * PC_ITEMS)
			cv_wait(&pc_notempty, &lt_mtx);
		if (pc_count == 0) {
			mutex_exit(&lt_mtx);
			return;
		}
		pc_sum += pc_buf[pc_head];
		pc_head = (pc_head + 1) % PC_SLOTS;
		pc_count--;
		if (++pc_taken == 2 * PC_ITEMS)
			cv_broadcast(&pc_notempty);	/* the other consumer ends too */
		cv_signal(&pc_notfull);
		mutex_exit(&lt_mtx);
	}
}

static void *
pc_thread(void *arg)
{
	intptr_t i = (intptr_t)arg;

	rump_schedule();
	if (i < 2)
		pc_produce((int)i * 100000);
	else
		pc_consume();
	rump_unschedule();
	return NULL;
}

T_CASE(cv_producer_consumer)
{
	long want = 0;
	int i;

	lt_boot();
	rump_schedule();
	mutex_init(&lt_mtx);
	cv_init(&pc_notfull, "notfull");
	cv_init(&pc_notempty, "notempty");
	rump_unschedule();

	kt_run_threads(4, pc_thread);
	for (i = 1; i <= PC_ITEMS; i++)
		want += i + (100000 + i);
	CHECK_EQ(pc_taken, 2 * PC_ITEMS);
	CHECK_EQ(pc_sum, want);

	rump_schedule();
	CHECK(!cv_has_waiters(&pc_notfull));
	cv_destroy(&pc_notfull);
	cv_destroy(&pc_notempty);
	mutex_destroy(&lt_mtx);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	getnanouptime(&t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static kcondvar_t tw_cv;
static int tw_flag;		/* lt_mtx */

static void *
tw_signaller(void *arg)
{
	(void)arg;
	rump_schedule();
	kpause_ms(30);
	mutex_enter(&lt_mtx);
	tw_flag = 1;
	cv_signal(&tw_cv);
	mutex_exit(&lt_mtx);
	rump_unschedule();
	return NULL;
}

T_CASE(cv_timedwait_timeout)
{
	struct timespec t0;
	pthread_t th;
	long ms;
	int error;

	lt_boot();
	rump_schedule();
	mutex_init(&lt_mtx);
	cv_init(&tw_cv, "tw");

	/* nobody signals: times out after about 50 ms, mutex held again */
	mutex_enter(&lt_mtx);
	getnanouptime(&t0);
	CHECK_ERR(cv_timedwait(&tw_cv, &lt_mtx, 50), EWOULDBLOCK);
	ms = elapsed_ms(&t0);
	CHECK(ms >= 45 && ms < 5000);
	CHECK(mutex_owned(&lt_mtx));
	CHECK(!cv_has_waiters(&tw_cv));

	/* signalled well before the limit: returns 0 */
	CHECK(pthread_create(&th, NULL, tw_signaller, NULL) == 0);
	getnanouptime(&t0);
	error = 0;
	while (!tw_flag && error == 0)
		error = cv_timedwait(&tw_cv, &lt_mtx, 10000);
	CHECK_ERR(error, 0);
	CHECK(tw_flag);
	CHECK(elapsed_ms(&t0) < 5000);
	mutex_exit(&lt_mtx);
	rump_unschedule();
	CHECK(pthread_join(th, NULL) == 0);

	rump_schedule();
	cv_destroy(&tw_cv);
	mutex_destroy(&lt_mtx);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}
