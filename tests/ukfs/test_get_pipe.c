/*
 * test_get_pipe.c: the job ring of the ukfs tool's get -r: every job comes
 * out once, whole and in order, across wraps of the ring, with jobs of
 * every size up to the largest, inline and on a thread, with a consumer
 * slower or faster than the producer.
 */
#include <stdint.h>
#include <time.h>

#include "t.h"
#include "get_pipe.h"

struct sink {
	uint64_t	next;		/* sequence number expected */
	uint64_t	bytes;
	int		delay_every;	/* sleep a little every so many jobs (0: never) */
	int		bad;
};

/* Job i: its number, then bytes that depend on both. */
static size_t
job_len(uint64_t i)
{
	static const size_t sizes[] = { 8, 9, 100, 4096, 65536 + 3, GET_PIPE_MAXJOB };

	return i % 7 == 6 ? (size_t)(i * 2654435761u % GET_PIPE_MAXJOB) + 8 : sizes[i % 6];
}

static void
job_fill(uint8_t *p, uint64_t i, size_t len)
{
	memcpy(p, &i, sizeof(i));
	for (size_t k = sizeof(i); k < len; k++)
		p[k] = (uint8_t)(i * 31 + k);
}

static void
sink_run(void *arg, void *job, size_t len)
{
	struct sink *s = arg;
	uint8_t *p = job;
	uint64_t i;

	memcpy(&i, p, sizeof(i));
	if (i != s->next || len != job_len(i))
		s->bad++;
	for (size_t k = sizeof(i); k < len && s->bad == 0; k += 997)
		if (p[k] != (uint8_t)(i * 31 + k))
			s->bad++;
	s->next++;
	s->bytes += len;
	if (s->delay_every != 0 && i % (uint64_t)s->delay_every == 0)
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);
}

static void
run(bool threaded, int delay_every, uint64_t njobs)
{
	struct sink s = { .delay_every = delay_every };
	struct get_pipe *p;
	uint64_t i, want = 0;

	CHECK((p = get_pipe_open(sink_run, &s, threaded)) != NULL);
	for (i = 0; i < njobs; i++) {
		size_t len = job_len(i);
		/* Reserve more than is used now and then: commit takes what was filled. */
		uint8_t *j = get_pipe_reserve(p, i % 5 == 0 ? GET_PIPE_MAXJOB : len);

		job_fill(j, i, len);
		get_pipe_commit(p, len);
		want += len;
		if (!threaded)
			CHECK_EQ(s.next, i + 1);	/* inline: run before commit returns */
	}
	get_pipe_close(p);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.next, njobs);
	CHECK_EQ(s.bytes, want);
}

T_CASE(inline_order) { run(false, 0, 3000); }
T_CASE(threaded_order) { run(true, 0, 3000); }
T_CASE(threaded_slow_consumer) { run(true, 3, 600); }
T_CASE(empty) { run(true, 0, 0); run(false, 0, 0); }

