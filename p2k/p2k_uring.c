/*
 * p2k_uring.c: FUSE over io_uring (Linux 6.14 and later, where the host
 * enabled it: /sys/module/fuse/parameters/enable_uring).
 *
 * Through /dev/fuse, a request made on one CPU wakes a daemon thread
 * that slept on the other: on a virtual machine each such cross-CPU
 * wakeup costs tens of microseconds, twice per request.  With io_uring
 * the kernel keeps one queue per CPU and hands a request to the queue of
 * the CPU that made it; each queue here has a thread pinned to that CPU,
 * so request and reply are a switch between two threads of one CPU.
 *
 * libfuse 3.14 knows nothing of this, so it stays in charge of the
 * protocol through its custom-I/O hooks: the INIT reply is amended to
 * ask for io_uring, a request from a ring is laid out as /dev/fuse would
 * deliver it and given to fuse_session_process_buf, and the reply that
 * libfuse "writes" is caught (a thread-local says which ring entry is
 * being served) and committed to the ring instead.  FORGET, INTERRUPT
 * and everything before the rings are ready still come through
 * /dev/fuse and libfuse's own loop.
 */
#include "p2k_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <liburing.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/* The io_uring part of the FUSE ABI (7.42), which <linux/fuse.h> of this system may predate. */
#define P2K_FUSE_OVER_IO_URING	(1ULL << 41)
#define P2K_URING_CMD_REGISTER	1
#define P2K_URING_CMD_COMMIT	2	/* commit the reply and fetch the next request */

struct p2k_uring_ent_io {		/* fuse_uring_ent_in_out */
	uint64_t	flags;
	uint64_t	commit_id;
	uint32_t	payload_sz;
	uint32_t	padding;
	uint64_t	reserved;
};

struct p2k_uring_hdr {			/* fuse_uring_req_header */
	char		in_out[128];	/* fuse_in_header in, fuse_out_header out */
	char		op_in[128];	/* the operation's fixed argument */
	struct p2k_uring_ent_io ent;
};

struct p2k_uring_cmd {			/* fuse_uring_cmd_req, in the SQE's command area */
	uint64_t	flags;
	uint64_t	commit_id;
	uint16_t	qid;
	uint8_t		padding[6];
};

/*
 * Workers per CPU queue, each with a ring and one entry of its own: the
 * kernel gives a request only to an entry that is free, so a worker busy
 * with a long request (an fsync) holds up nothing else on its CPU.
 */
#define P2K_URING_WORKERS 4
#define P2K_URING_STAGE	256		/* room before the payload for the header and argument */

struct p2k_uring_ent {
	struct p2k_uring *ue_u;
	unsigned	ue_qid;
	struct io_uring	ue_ring;
	bool		ue_ringok;
	pthread_t	ue_thread;
	bool		ue_started;
	struct p2k_uring_hdr *ue_hdr;
	char		*ue_payload;	/* P2K_URING_STAGE bytes after the start of its mapping */
	struct iovec	ue_iov[2];
	bool		ue_replied;
};

struct p2k_uring {
	struct p2k_mount *u_pm;
	int		u_fd;
	size_t		u_payload;	/* bytes of each entry's payload buffer */
	unsigned	u_nqueues;
	unsigned	u_nents;	/* u_nqueues * P2K_URING_WORKERS */
	struct p2k_uring_ent *u_ents;
	bool		u_stop;		/* atomic */
	unsigned long	u_served;	/* atomic: requests served through the rings */
};

/* The ring entry this thread is serving, whose reply the writev hook takes. */
static __thread struct p2k_uring_ent *p2k_uring_cur __attribute__((tls_model("initial-exec")));

/* Host CPUs the kernel may queue for: one queue per possible CPU. */
static unsigned
p2k_uring_ncpu(void)
{
	unsigned lo, hi, n = 0;
	char buf[256], *p, *save;
	FILE *f;

	if ((f = fopen("/sys/devices/system/cpu/possible", "r")) == NULL)
		return (unsigned)sysconf(_SC_NPROCESSORS_CONF);
	if (fgets(buf, sizeof buf, f) != NULL) {
		for (p = strtok_r(buf, ",\n", &save); p != NULL; p = strtok_r(NULL, ",\n", &save)) {
			if (sscanf(p, "%u-%u", &lo, &hi) == 2 || (sscanf(p, "%u", &lo) == 1 && (hi = lo, 1)))
				n = hi + 1 > n ? hi + 1 : n;
		}
	}
	fclose(f);
	return n;
}

static void
p2k_uring_sqe(struct p2k_uring_ent *ue, uint32_t cmd_op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ue->ue_ring);
	struct p2k_uring_cmd *cmd;
	unsigned char *raw = (unsigned char *)sqe;

	/*
	 * The ring has room for the entry's one command, so there is
	 * always an SQE.  With SQE128 it is 128 bytes, twice the struct: the
	 * empty asm hides the struct's size from the compiler's bounds check.
	 */
	__asm__("" : "+r"(raw));
	memset(raw, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = ue->ue_u->u_fd;
	sqe->cmd_op = cmd_op;
	if (cmd_op == P2K_URING_CMD_REGISTER) {
		sqe->addr = (uint64_t)(uintptr_t)ue->ue_iov;
		sqe->len = 2;
	}
	cmd = (struct p2k_uring_cmd *)(void *)sqe->cmd;
	cmd->qid = (uint16_t)ue->ue_qid;
	cmd->commit_id = ue->ue_hdr->ent.commit_id;
	io_uring_sqe_set_data(sqe, ue);
}

/*
 * Serve the request in ue: lay it out as /dev/fuse delivers it (header,
 * argument, payload, contiguous: the first two are copied in front of
 * the payload) and let libfuse dispatch it.  Its reply comes back
 * through p2k_uring_writev.
 */
static void
p2k_uring_serve(struct p2k_uring_ent *ue)
{
	struct p2k_uring *u = ue->ue_u;
	struct fuse_in_header in;
	struct fuse_out_header *out;
	struct fuse_buf fbuf;
	uint32_t payload = ue->ue_hdr->ent.payload_sz;
	size_t oplen;
	char *start;

	memcpy(&in, ue->ue_hdr->in_out, sizeof in);
	if (in.len < sizeof in + (size_t)payload || payload > u->u_payload ||
	    (oplen = in.len - sizeof in - payload) > sizeof ue->ue_hdr->op_in) {
		p2k_log(u->u_pm, "io_uring: malformed request (opcode %u, %u bytes)", in.opcode, in.len);
		out = (struct fuse_out_header *)(void *)ue->ue_hdr->in_out;
		out->len = sizeof *out;
		out->error = -EIO;
		out->unique = in.unique;
		ue->ue_hdr->ent.payload_sz = 0;
		return;
	}
	start = ue->ue_payload - sizeof in - oplen;
	memcpy(start, &in, sizeof in);
	memcpy(start + sizeof in, ue->ue_hdr->op_in, oplen);
	memset(&fbuf, 0, sizeof fbuf);
	fbuf.mem = start;
	fbuf.size = in.len;
	ue->ue_replied = false;
	p2k_uring_cur = ue;
	fuse_session_process_buf(u->u_pm->pm_se, &fbuf);
	p2k_uring_cur = NULL;
	if (!ue->ue_replied) {
		/* Every fetched entry is committed: a request left unanswered fails. */
		out = (struct fuse_out_header *)(void *)ue->ue_hdr->in_out;
		out->len = sizeof *out;
		out->error = -EIO;
		out->unique = in.unique;
		ue->ue_hdr->ent.payload_sz = 0;
	}
	__atomic_add_fetch(&u->u_served, 1, __ATOMIC_RELAXED);
}

/* A reply for the entry being served: into its buffers; the commit goes with the next submit. */
static ssize_t
p2k_uring_reply(struct p2k_uring_ent *ue, const struct iovec *iov, int count)
{
	struct p2k_uring *u = ue->ue_u;
	size_t off = 0, total = 0;
	int i;

	if (count < 1 || iov[0].iov_len != sizeof(struct fuse_out_header)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 1; i < count; i++)
		total += iov[i].iov_len;
	if (total > u->u_payload) {
		errno = EINVAL;
		return -1;
	}
	memcpy(ue->ue_hdr->in_out, iov[0].iov_base, sizeof(struct fuse_out_header));
	for (i = 1; i < count; i++) {
		memcpy(ue->ue_payload + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	ue->ue_hdr->ent.payload_sz = (uint32_t)total;
	ue->ue_replied = true;
	return (ssize_t)(sizeof(struct fuse_out_header) + total);
}

static void *
p2k_uring_thread(void *arg)
{
	struct p2k_uring_ent *ue = arg;
	struct p2k_uring *u = ue->ue_u;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
	struct io_uring_cqe *cqe;
	cpu_set_t cpus;
	int res;

	/* Served where the requests are made: the wakeups stay on one CPU. */
	CPU_ZERO(&cpus);
	CPU_SET(ue->ue_qid, &cpus);
	(void)pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
	while (!__atomic_load_n(&u->u_stop, __ATOMIC_RELAXED)) {
		/* Submits the last commit and waits for a request (or a moment, to see u_stop). */
		cqe = NULL;
		res = io_uring_submit_and_wait_timeout(&ue->ue_ring, &cqe, 1, &ts, NULL);
		if (res == -ETIME || res == -EINTR || res == -EBUSY || (res >= 0 && cqe == NULL))
			continue;
		if (res < 0) {
			p2k_log(u->u_pm, "io_uring queue %u: %s", ue->ue_qid, strerror(-res));
			break;
		}
		res = cqe->res;
		io_uring_cqe_seen(&ue->ue_ring, cqe);
		if (res < 0) {
			/* The connection ended (unmount, abort): the entry is gone for good. */
			if (res != -ENOTCONN && res != -ECANCELED && res != -ENODEV)
				p2k_log(u->u_pm, "io_uring queue %u: %s", ue->ue_qid, strerror(-res));
			break;
		}
		p2k_uring_serve(ue);
		p2k_uring_sqe(ue, P2K_URING_CMD_COMMIT);
	}
	return NULL;
}

static int
p2k_uring_ent_init(struct p2k_uring *u, struct p2k_uring_ent *ue, unsigned qid)
{
	struct io_uring_params p;
	size_t maplen = P2K_URING_STAGE + u->u_payload;
	int error;
	char *m;

	ue->ue_u = u;
	ue->ue_qid = qid;
	memset(&p, 0, sizeof p);
	p.flags = IORING_SETUP_SQE128;
	if ((error = -io_uring_queue_init_params(1, &ue->ue_ring, &p)) != 0)
		return error;
	ue->ue_ringok = true;
	/* Mapped, not malloc'ed: pages are touched only as requests need them. */
	m = mmap(NULL, maplen + sizeof *ue->ue_hdr, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return errno;
	ue->ue_payload = m + P2K_URING_STAGE;
	ue->ue_hdr = (void *)(m + maplen);
	ue->ue_iov[0].iov_base = ue->ue_hdr;
	ue->ue_iov[0].iov_len = sizeof *ue->ue_hdr;
	ue->ue_iov[1].iov_base = ue->ue_payload;
	ue->ue_iov[1].iov_len = u->u_payload;
	p2k_uring_sqe(ue, P2K_URING_CMD_REGISTER);
	/* A bad registration fails here; a good one completes only with a request. */
	if ((error = io_uring_submit(&ue->ue_ring)) < 0)
		return -error;
	return 0;
}

static void
p2k_uring_free(struct p2k_uring *u)
{
	size_t maplen = P2K_URING_STAGE + u->u_payload + sizeof(struct p2k_uring_hdr);
	unsigned i;

	for (i = 0; i < u->u_nents; i++) {
		struct p2k_uring_ent *ue = &u->u_ents[i];

		if (ue->ue_ringok)
			io_uring_queue_exit(&ue->ue_ring);
		if (ue->ue_payload != NULL)
			munmap(ue->ue_payload - P2K_URING_STAGE, maplen);
	}
	free(u->u_ents);
	free(u);
}

/* The kernel took our INIT reply asking for io_uring: register the entries and start serving them. */
static void
p2k_uring_start(struct p2k_mount *pm)
{
	struct p2k_uring *u;
	unsigned i;
	int error = 0;

	if ((u = calloc(1, sizeof *u)) == NULL)
		return;
	u->u_pm = pm;
	u->u_fd = fuse_session_fd(pm->pm_se);
	u->u_payload = pm->pm_max_payload;
	u->u_nqueues = p2k_uring_ncpu();
	u->u_nents = u->u_nqueues * P2K_URING_WORKERS;
	if (u->u_nqueues == 0 || u->u_nqueues > 1024 ||
	    (u->u_ents = calloc(u->u_nents, sizeof *u->u_ents)) == NULL) {
		free(u);
		return;
	}
	for (i = 0; i < u->u_nents && error == 0; i++)
		error = p2k_uring_ent_init(u, &u->u_ents[i], i / P2K_URING_WORKERS);
	for (i = 0; i < u->u_nents && error == 0; i++) {
		error = pthread_create(&u->u_ents[i].ue_thread, NULL, p2k_uring_thread, &u->u_ents[i]);
		u->u_ents[i].ue_started = error == 0;
	}
	if (error != 0) {
		p2k_log(pm, "io_uring: %s; serving through /dev/fuse", strerror(error));
		p2k_uring_stop(pm, u);
		return;
	}
	if (pm->pm_flags & P2K_DEBUG)
		p2k_log(pm, "io_uring: %u queues of %d workers", u->u_nqueues, P2K_URING_WORKERS);
	pm->pm_uring = u;
	if (fcntl(u->u_fd, F_SETFL, fcntl(u->u_fd, F_GETFL) | O_NONBLOCK) == 0)
		__atomic_store_n(&pm->pm_uring_lazy, true, __ATOMIC_RELAXED);
}

void
p2k_uring_stop(struct p2k_mount *pm, struct p2k_uring *u)
{
	unsigned i;

	if (u == NULL && (u = pm->pm_uring) == NULL)
		return;
	__atomic_store_n(&u->u_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < u->u_nents; i++)
		if (u->u_ents[i].ue_started)
			pthread_join(u->u_ents[i].ue_thread, NULL);
	if (pm->pm_flags & P2K_DEBUG)
		p2k_log(pm, "io_uring: served %lu requests", u->u_served);
	if (pm->pm_uring == u)
		pm->pm_uring = NULL;
	p2k_uring_free(u);
}

/*
 * With the rings serving, /dev/fuse carries only FORGETs and INTERRUPTs.
 * A reader asleep on it would be woken, across CPUs, by every FORGET of
 * the caller's unlink (a tenth of rm -r); so the descriptor is made
 * non-blocking and the readers look in now and then instead: the kernel
 * batches the FORGETs that wait meanwhile into one request.
 */
#define P2K_LAZY_MIN_NS	(1000 * 1000)		/* 1 ms after something came */
#define P2K_LAZY_MAX_NS	(100 * 1000 * 1000)	/* 100 ms when idle: an INTERRUPT waits at most this */

static ssize_t
p2k_io_read_lazy(int fd, void *buf, size_t len)
{
	static __thread long wait_ns = P2K_LAZY_MIN_NS;
	struct timespec ts;
	ssize_t n;

	while ((n = read(fd, buf, len)) == -1 && errno == EAGAIN) {
		ts.tv_sec = 0;
		ts.tv_nsec = wait_ns;
		nanosleep(&ts, NULL);	/* a cancellation point, as the blocking read was */
		wait_ns = wait_ns * 2 > P2K_LAZY_MAX_NS ? P2K_LAZY_MAX_NS : wait_ns * 2;
	}
	if (n > 0)
		wait_ns = P2K_LAZY_MIN_NS;
	return n;
}

/* libfuse's custom I/O: /dev/fuse reads, watching for INIT to learn whether the kernel offers io_uring. */
static ssize_t
p2k_io_read(int fd, void *buf, size_t len, void *userdata)
{
	struct p2k_mount *pm = userdata;
	const struct fuse_in_header *in = buf;
	const struct fuse_init_in *init;
	ssize_t n;

	/* (EAGAIN: the descriptor turned non-blocking between the test and the read.) */
	if (__atomic_load_n(&pm->pm_uring_lazy, __ATOMIC_RELAXED) ||
	    ((n = read(fd, buf, len)) == -1 && errno == EAGAIN))
		return p2k_io_read_lazy(fd, buf, len);

	if (n >= (ssize_t)(sizeof *in + sizeof *init) && in->opcode == FUSE_INIT) {
		init = (const void *)(in + 1);
		pm->pm_init_unique = in->unique;
		pm->pm_init_offered = init->flags;
		pm->pm_uring_offered = (init->flags & FUSE_INIT_EXT) &&
		    ((uint64_t)init->flags2 << 32 & P2K_FUSE_OVER_IO_URING);
	}
	return n;
}

/*
 * libfuse's custom I/O: replies.  One for a ring entry goes to the ring;
 * the INIT reply asks for io_uring when the kernel offered it and it is
 * wanted; all else is written to /dev/fuse.
 */
static ssize_t
p2k_io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct p2k_mount *pm = userdata;
	const struct fuse_out_header *out = iov[0].iov_base;
	struct fuse_init_out *init;
	bool init_reply = false;
	ssize_t n;

	/* (A notification, unique 0, sent while serving a ring entry goes to /dev/fuse.) */
	if (p2k_uring_cur != NULL && !(iov[0].iov_len == sizeof *out && out->unique == 0))
		return p2k_uring_reply(p2k_uring_cur, iov, count);
	if (count == 2 && iov[0].iov_len == sizeof *out && out->unique == pm->pm_init_unique &&
	    out->error == 0 && iov[1].iov_len >= offsetof(struct fuse_init_out, flags) + sizeof init->flags)
		p2k_init_reply_flags(pm, iov[1].iov_base);
	if (count == 2 && iov[0].iov_len == sizeof *out && out->unique == pm->pm_init_unique &&
	    out->error == 0 && iov[1].iov_len >= offsetof(struct fuse_init_out, flags2) + sizeof init->flags2 &&
	    pm->pm_uring_offered && pm->pm_want_uring) {
		init = iov[1].iov_base;
		init->flags |= FUSE_INIT_EXT;
		init->flags2 |= (uint32_t)(P2K_FUSE_OVER_IO_URING >> 32);
		pm->pm_max_payload = init->max_write;
		if ((size_t)init->max_pages * (size_t)getpagesize() > pm->pm_max_payload)
			pm->pm_max_payload = (size_t)init->max_pages * (size_t)getpagesize();
		if (pm->pm_max_payload < FUSE_MIN_READ_BUFFER)
			pm->pm_max_payload = FUSE_MIN_READ_BUFFER;
		init_reply = true;
	}
	n = writev(fd, iov, count);
	if (init_reply && n >= 0)
		p2k_uring_start(pm);
	return n;
}

int
p2k_uring_hook(struct p2k_mount *pm)
{
	static const struct fuse_custom_io io = {
		.read = p2k_io_read,
		.writev = p2k_io_writev,
	};

	return -fuse_session_custom_io(pm->pm_se, &io, fuse_session_fd(pm->pm_se));
}
