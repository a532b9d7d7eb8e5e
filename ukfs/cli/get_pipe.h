/*
 * get_pipe.h: an ordered queue of variable-sized jobs from one producer
 * to one consumer, laid out in a ring of memory that is reused, so that
 * the producer can read the image while the consumer writes the host.
 */
#ifndef UKFS_GET_PIPE_H
#define UKFS_GET_PIPE_H

#include <stdbool.h>
#include <stddef.h>

/* The largest job get_pipe_reserve takes (header, names and data). */
#define GET_PIPE_MAXJOB	(80 * 1024)

struct get_pipe;
/* Runs one job, in queue order; job is valid only during the call. */
typedef void get_pipe_fn(void *arg, void *job, size_t len);

/*
 * threaded: run the jobs on a thread of their own (false, or when no
 * thread can be had: each job runs inside get_pipe_commit).  NULL when
 * there is no memory.
 */
struct get_pipe *get_pipe_open(get_pipe_fn *fn, void *arg, bool threaded);
/* Room for a job of up to len bytes (<= GET_PIPE_MAXJOB); waits while the ring is full. */
void	*get_pipe_reserve(struct get_pipe *p, size_t len);
/* Queue the reserved job, len bytes of it (no more than reserved). */
void	get_pipe_commit(struct get_pipe *p, size_t len);
/* Run what is queued, stop the thread and free the pipe. */
void	get_pipe_close(struct get_pipe *p);

#endif /* UKFS_GET_PIPE_H */
