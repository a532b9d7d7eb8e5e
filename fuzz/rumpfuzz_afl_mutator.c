/*
 * rumpfuzz_afl_mutator.c: an AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY)
 * that keeps the RFZ1 layout through rumpfuzz_mutate(): its generic step is
 * a small havoc of its own (AFL++ hands a custom mutator no generic one).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rump/fuzz.h>

struct mutator {
	uint64_t	rng;
	uint8_t		*out;
	size_t		outcap;
};

void	*afl_custom_init(void *afl, unsigned int seed);
size_t	afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
	    uint8_t *add_buf, size_t add_buf_size, size_t max_size);
void	afl_custom_deinit(void *data);

/* rumpfuzz_mutate's generic step has no context argument; AFL++ runs one mutator per process. */
static struct mutator *cur;

static uint32_t
rnd(void)
{
	uint64_t x = cur->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	cur->rng = x;
	return (uint32_t)(x >> 11);
}

/* Values at the edges of what a field of 1, 2 or 4 bytes holds. */
static void
put_interesting(uint8_t *d, size_t size)
{
	static const uint32_t vals[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000u, 0xffffffffu };
	size_t w = (size_t)1 << (rnd() % 3), at;
	uint32_t v = vals[rnd() % (sizeof(vals) / sizeof(vals[0]))];

	if (size < w)
		return;
	at = rnd() % (size - w + 1);
	for (size_t i = 0; i < w; i++)
		d[at + i] = (uint8_t)(v >> (8 * i));
}

static size_t
havoc(uint8_t *d, size_t size, size_t maxsize)
{
	for (int n = 1 + (int)(rnd() % 4); n > 0 && size > 0; n--) {
		size_t at = rnd() % size;

		switch (rnd() % 5) {
		case 0:	d[at] ^= (uint8_t)(1u << (rnd() % 8));	break;
		case 1:	d[at] = (uint8_t)rnd();			break;
		case 2:	d[at] += (uint8_t)(rnd() % 33 - 16);	break;
		case 3:	put_interesting(d, size);		break;
		default:
			if (size < maxsize) {	/* one byte in, the rest moving up */
				memmove(d + at + 1, d + at, size - at);
				d[at] = (uint8_t)rnd();
				size++;
			}
		}
	}
	return size;
}

void *
afl_custom_init(void *afl, unsigned int seed)
{
	struct mutator *m = calloc(1, sizeof(*m));

	(void)afl;
	if (m != NULL)
		m->rng = 0x9e3779b97f4a7c15ull ^ seed;
	return m;
}

size_t
afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf,
    uint8_t *add_buf, size_t add_buf_size, size_t max_size)
{
	struct mutator *m = data;

	(void)add_buf;
	(void)add_buf_size;
	if (max_size < buf_size)
		max_size = buf_size;
	if (m->outcap < max_size) {
		uint8_t *p = realloc(m->out, max_size);

		if (p == NULL) {
			*out_buf = buf;
			return buf_size;
		}
		m->out = p;
		m->outcap = max_size;
	}
	memcpy(m->out, buf, buf_size);
	cur = m;
	*out_buf = m->out;
	return rumpfuzz_mutate(m->out, buf_size, max_size, rnd(), havoc);
}

void
afl_custom_deinit(void *data)
{
	struct mutator *m = data;

	free(m->out);
	free(m);
}
