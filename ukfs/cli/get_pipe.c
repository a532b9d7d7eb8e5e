/*
 * get_pipe.c: the job ring between get -r's image walker and its host
 * writer.  Jobs are copied nowhere: the producer builds each in place in
 * the ring and the consumer runs it from there, so memory is touched once
 * and reused (a fresh buffer per file cost more in page faults than the
 * copy itself).  Waking the other thread costs tens of microseconds on a
 * virtual machine, so each side sleeps only on an empty or full ring and
 * the producer, once full, sleeps until a quarter of the ring is free.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "get_pipe.h"

#define PIPE_RING	(256u * 1024)
#define PIPE_ALIGN	16u
#define PIPE_LOWATER	(PIPE_RING / 4)

/* Each job starts with its length; 0 means the rest of the ring is unused. */
struct pipe_rec {
	size_t	pr_len;		/* whole record, aligned; 0: wrap */
	size_t	pr_used;	/* bytes of job */
};

struct get_pipe {
	uint8_t		*p_ring;
	size_t		p_head, p_tail;		/* free-running byte counts */
	size_t		p_resv;			/* bytes asked by get_pipe_reserve */
	get_pipe_fn	*p_fn;
	void		*p_arg;
	bool		p_threaded, p_closing;
	bool		p_prodwait, p_conswait;
	pthread_mutex_t	p_lock;
	pthread_cond_t	p_cv_prod, p_cv_cons;
	pthread_t	p_thread;
};

static size_t
rec_size(size_t len)
{
	return (sizeof(struct pipe_rec) + len + PIPE_ALIGN - 1) & ~(size_t)(PIPE_ALIGN - 1);
}

static uint8_t *
ring_alloc(void)
{
	uint8_t *m, *r;
	uintptr_t a;

	/* Twice the size, to cut out an aligned ring a huge page can back. */
	m = mmap(NULL, 2 * PIPE_RING, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)m + PIPE_RING - 1) & ~(uintptr_t)(PIPE_RING - 1);
	r = (uint8_t *)a;
	if (r > m)
		munmap(m, (size_t)(r - m));
	munmap(r + PIPE_RING, (size_t)(m + 2 * PIPE_RING - (r + PIPE_RING)));
	return r;
}

/* Run the job at the tail, if there is one; lock held on entry and exit. */
static bool
pipe_run_one(struct get_pipe *p)
{
	struct pipe_rec *r;

	for (;;) {
		if (p->p_tail == p->p_head)
			return false;
		r = (struct pipe_rec *)(p->p_ring + p->p_tail % PIPE_RING);
		if (r->pr_len != 0)
			break;
		p->p_tail += PIPE_RING - p->p_tail % PIPE_RING;
	}
	pthread_mutex_unlock(&p->p_lock);
	p->p_fn(p->p_arg, r + 1, r->pr_used);
	pthread_mutex_lock(&p->p_lock);
	p->p_tail += r->pr_len;
	if (p->p_prodwait && PIPE_RING - (p->p_head - p->p_tail) >= PIPE_LOWATER)
		pthread_cond_signal(&p->p_cv_prod);
	return true;
}

static void *
pipe_thread(void *arg)
{
	struct get_pipe *p = arg;

	pthread_mutex_lock(&p->p_lock);
	for (;;) {
		if (pipe_run_one(p))
			continue;
		if (p->p_closing)
			break;
		p->p_conswait = true;
		pthread_cond_wait(&p->p_cv_cons, &p->p_lock);
		p->p_conswait = false;
	}
	pthread_mutex_unlock(&p->p_lock);
	return NULL;
}

struct get_pipe *
get_pipe_open(get_pipe_fn *fn, void *arg, bool threaded)
{
	struct get_pipe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->p_ring = ring_alloc()) == NULL) {
		free(p);
		return NULL;
	}
	p->p_fn = fn;
	p->p_arg = arg;
	pthread_mutex_init(&p->p_lock, NULL);
	pthread_cond_init(&p->p_cv_prod, NULL);
	pthread_cond_init(&p->p_cv_cons, NULL);
	p->p_threaded = threaded && pthread_create(&p->p_thread, NULL, pipe_thread, p) == 0;
	return p;
}

void *
get_pipe_reserve(struct get_pipe *p, size_t len)
{
	size_t need = rec_size(len), off, skip;
	struct pipe_rec *r;

	if (len > GET_PIPE_MAXJOB)
		abort();	/* a caller's bug: it could never fit, the wait would be forever */
	pthread_mutex_lock(&p->p_lock);
	for (;;) {
		off = p->p_head % PIPE_RING;
		skip = off + need > PIPE_RING ? PIPE_RING - off : 0;
		if (PIPE_RING - (p->p_head - p->p_tail) >= skip + need)
			break;
		p->p_prodwait = true;
		pthread_cond_wait(&p->p_cv_prod, &p->p_lock);
		p->p_prodwait = false;
	}
	pthread_mutex_unlock(&p->p_lock);
	if (skip != 0) {
		/* Only the producer moves the head, so the wrap can be written unlocked. */
		((struct pipe_rec *)(p->p_ring + off))->pr_len = 0;
		pthread_mutex_lock(&p->p_lock);
		p->p_head += skip;
		pthread_mutex_unlock(&p->p_lock);
		off = 0;
	}
	p->p_resv = len;
	r = (struct pipe_rec *)(p->p_ring + off);
	return r + 1;
}

void
get_pipe_commit(struct get_pipe *p, size_t len)
{
	struct pipe_rec *r = (struct pipe_rec *)(p->p_ring + p->p_head % PIPE_RING);

	if (len > p->p_resv)
		abort();
	r->pr_len = rec_size(len);
	r->pr_used = len;
	pthread_mutex_lock(&p->p_lock);
	p->p_head += r->pr_len;
	if (!p->p_threaded)
		pipe_run_one(p);
	else if (p->p_conswait)
		pthread_cond_signal(&p->p_cv_cons);
	pthread_mutex_unlock(&p->p_lock);
}

void
get_pipe_close(struct get_pipe *p)
{
	pthread_mutex_lock(&p->p_lock);
	p->p_closing = true;
	if (p->p_threaded)
		pthread_cond_signal(&p->p_cv_cons);
	pthread_mutex_unlock(&p->p_lock);
	if (p->p_threaded)
		pthread_join(p->p_thread, NULL);
	munmap(p->p_ring, PIPE_RING);
	pthread_cond_destroy(&p->p_cv_prod);
	pthread_cond_destroy(&p->p_cv_cons);
	pthread_mutex_destroy(&p->p_lock);
	free(p);
}
