/* rumpuser.h: the hypercall interface, the only door from the rump kernel to the host. */
#ifndef KERN_RUMPUSER_H
#define KERN_RUMPUSER_H

/*
 * Everything the kernel needs from the host goes through these calls,
 * implemented in kern/rumpuser*.c and nowhere else.  Names follow
 * NetBSD's rumpuser(3) where they fit.  Calls that can fail return 0 or
 * a positive errno (the host's errno, saved the moment the call failed).
 *
 * Calls that may block for long (I/O, host lock and condvar waits) are
 * made by the kernel with its virtual CPU released: see kern/sched.c,
 * which wraps them; rumpuser itself knows nothing of virtual CPUs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Memory: plain host allocation; accounting is kmem's job. */
int	rumpuser_malloc(size_t len, int alignment, void **memp);
int	rumpuser_zalloc(size_t len, void **memp);
void	rumpuser_free(void *mem, size_t len);
/* len bytes of zeroed memory aligned to align (a power of two), asked to use huge pages; unmapped whole. */
int	rumpuser_anonmap(size_t len, size_t align, void **memp);
void	rumpuser_unmap(void *mem, size_t len);

/* Parameters and environment. */
/* Copy environment variable name into buf; ENOENT if unset, E2BIG if too long. */
int	rumpuser_getparam(const char *name, char *buf, size_t buflen);
/* Number of host CPUs online (at least 1). */
int	rumpuser_ncpu(void);

/* Console and diagnostics (stderr). */
void	rumpuser_putchar(int c);
void	rumpuser_dprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The console to syslog(3) (LOG_ERR, under the program's openlog) instead of stderr. */
void	rumpuser_console_syslog(bool on);
/*
 * Exit the host process; RUMPUSER_PANIC aborts (a core dump, a crash for
 * fuzzers); RUMPUSER_HALT exits with status 1 at once, running no exit
 * handlers (a file system told to stop rather than write).
 */
#define RUMPUSER_PANIC	(-1)
#define RUMPUSER_HALT	(-2)
void	rumpuser_exit(int status) __attribute__((noreturn));	/* panic's end */
void	rumpuser_seterrno(int error);	/* set the calling thread's libc errno */

/* Clocks. */
enum rumpuser_clock { RUMPUSER_CLOCK_RELWALL, RUMPUSER_CLOCK_ABSMONO };
/* RELWALL: wall-clock time; ABSMONO: monotonic time.  Never fails. */
void	rumpuser_clock_gettime(enum rumpuser_clock which, int64_t *sec, long *nsec);
/* Sleep the host thread for the given relative time. */
void	rumpuser_clock_sleep(int64_t sec, long nsec);

/* Random bytes from the host (getrandom); fills all of buf. */
int	rumpuser_getrandom(void *buf, size_t buflen);

/* Host files. */
#define RUMPUSER_OPEN_RDONLY	0x0
#define RUMPUSER_OPEN_RDWR	0x2
#define RUMPUSER_OPEN_CREATE	0x4
#define RUMPUSER_OPEN_EXCL	0x8
enum rumpuser_ftype { RUMPUSER_FT_OTHER, RUMPUSER_FT_DIR, RUMPUSER_FT_REG, RUMPUSER_FT_BLK, RUMPUSER_FT_CHR };
int	rumpuser_open(const char *path, int ruflags, int *fdp);
int	rumpuser_close(int fd);
/* Type and size of a host path (size of a block device is its capacity). */
int	rumpuser_getfileinfo(const char *path, uint64_t *sizep, enum rumpuser_ftype *typep);
/*
 * Whole-length transfers: short transfers and EINTR are retried.  A read
 * that meets EOF zero-fills the rest of the buffer; *donep is then the
 * number of bytes that came from the file (less than len).  On error,
 * *donep is what was moved before it.
 */
int	rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *donep);
int	rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off, size_t *donep);
int	rumpuser_preadv(int fd, const struct iovec *iov, int iovcnt, int64_t off, size_t *donep);
int	rumpuser_pwritev(int fd, const struct iovec *iov, int iovcnt, int64_t off, size_t *donep);
int	rumpuser_fsync(int fd);
/* Ask the host to start reading [off, off+len) of fd into its cache (a hint: no error). */
void	rumpuser_willneed(int fd, int64_t off, int64_t len);
/* Ask the host to start writing [off, off+len) of fd back to its disk now (a hint: no error). */
void	rumpuser_writeback(int fd, int64_t off, int64_t len);
/* Advisory lock on the whole host file (flock, exclusive or shared, never waiting); EWOULDBLOCK if held elsewhere. */
int	rumpuser_flock(int fd, int exclusive);
/* The process holding a flock on host file path (*exclusivep: its lock is exclusive); ENOENT if none is seen. */
int	rumpuser_lockholder(const char *path, int *pidp, int *exclusivep);

/* Threads. */
struct rumpuser_thread;
int	rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
	    int joinable, struct rumpuser_thread **ptp);
int	rumpuser_thread_join(struct rumpuser_thread *pt);
void	rumpuser_thread_exit(void) __attribute__((noreturn));

/* The calling host thread's current lwp (thread-local; NULL if none). */
struct lwp;
struct lwp *rumpuser_curlwp(void);
void	rumpuser_set_curlwp(struct lwp *l);
/* Called with a thread's lwp when that host thread exits (implicit lwps). */
void	rumpuser_curlwp_destructor(void (*fn)(struct lwp *));
/*
 * Forget every thread's current lwp at once (rump_shutdown: the lwps are
 * freed).  Afterwards rumpuser_curlwp() is NULL in every thread until it
 * sets a new one, and no destructor runs for the forgotten lwps.
 */
void	rumpuser_curlwp_forgetall(void);

/* Host locks.  Opaque; allocate with _init, free with _destroy. */
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;
struct rumpuser_sem;
void	rumpuser_mutex_init(struct rumpuser_mtx **mtxp);
void	rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
int	rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);	/* 0 or EBUSY */
void	rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void	rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);

enum rumpuser_rwlock { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
void	rumpuser_rw_init(struct rumpuser_rw **rwp);
void	rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwlock op);
int	rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwlock op);	/* 0 or EBUSY */
void	rumpuser_rw_exit(struct rumpuser_rw *rw);
void	rumpuser_rw_destroy(struct rumpuser_rw *rw);

void	rumpuser_cv_init(struct rumpuser_cv **cvp);
void	rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
/* Relative timeout; 0 or ETIMEDOUT. */
int	rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, int64_t sec, long nsec);
void	rumpuser_cv_signal(struct rumpuser_cv *cv);
void	rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void	rumpuser_cv_destroy(struct rumpuser_cv *cv);

/* Counting semaphores: the wake-up channel of a sleeping lwp. */
void	rumpuser_sem_init(struct rumpuser_sem **semp);
void	rumpuser_sem_post(struct rumpuser_sem *sem);
void	rumpuser_sem_wait(struct rumpuser_sem *sem);
/* Relative timeout; 0 or ETIMEDOUT. */
int	rumpuser_sem_timedwait(struct rumpuser_sem *sem, int64_t sec, long nsec);
void	rumpuser_sem_destroy(struct rumpuser_sem *sem);

#endif /* KERN_RUMPUSER_H */
