/* fuzzimage_z.c: the seed's compression: zero runs, literal runs and back references, each length a LEB128 varint. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzimage_impl.h"

/*
 * The stream is tokens, a type byte then varints:
 *   Z_LIT n, then n bytes     Z_ZERO n: n zeros     Z_COPY n d: n bytes from d back
 * Images are mostly zeros (and the metadata is zeroed before packing);
 * back references take what file data repeats.  No token is empty, so
 * a stream always advances.
 */
enum { Z_LIT = 1, Z_ZERO = 2, Z_COPY = 3 };

#define Z_MINZEROS	16	/* shorter zero runs stay in literals */
#define Z_LITHDR	5	/* most bytes a literal's header takes (type, varint below 2^28) */
#define Z_MAXDIST	(1u << 20)
#define Z_HBITS		16
#define Z_NONE		SIZE_MAX

/*
 * Every zero run and copy token costs at least Z_LITHDR bytes less than
 * it covers, and literals alternate with them, so only the last literal
 * and a short zero run ending the image can add to the input's length.
 */
size_t
fi_z_bound(size_t len)
{
	return len + 64;
}

static size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v > 0x7f) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t
put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	return n;
}

static uint32_t
hash4(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return (v * 2654435761u) >> (32 - Z_HBITS);
}

struct zenc {
	const uint8_t	*e_in;
	size_t		e_len;
	uint8_t		*e_out;
	size_t		e_o;
	size_t		*e_head;	/* last position of each 4-byte hash */
};

static void
put_token(struct zenc *e, int type, uint64_t n, uint64_t d)
{
	e->e_out[e->e_o++] = (uint8_t)type;
	e->e_o += put_varint(e->e_out + e->e_o, n);
	if (type == Z_COPY)
		e->e_o += put_varint(e->e_out + e->e_o, d);
}

static void
flush_lit(struct zenc *e, size_t from, size_t to)
{
	if (to == from)
		return;
	put_token(e, Z_LIT, to - from, 0);
	memcpy(e->e_out + e->e_o, e->e_in + from, to - from);
	e->e_o += to - from;
}

/* The longest earlier copy of in[i..] the hash table remembers, 0 if none is worth a token. */
static size_t
find_copy(struct zenc *e, size_t i, size_t *distp)
{
	size_t cand, m = 0;

	if (i + 4 > e->e_len)
		return 0;
	cand = e->e_head[hash4(e->e_in + i)];
	e->e_head[hash4(e->e_in + i)] = i;
	if (cand == Z_NONE || i - cand > Z_MAXDIST)
		return 0;
	while (i + m < e->e_len && e->e_in[cand + m] == e->e_in[i + m])
		m++;
	*distp = i - cand;
	return m >= 1 + varint_len(m) + varint_len(*distp) + Z_LITHDR ? m : 0;
}

size_t
fi_z_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	struct zenc e = { .e_in = in, .e_len = len, .e_out = out };
	size_t i = 0, lit = 0, n, d = 0;

	if ((e.e_head = malloc(((size_t)1 << Z_HBITS) * sizeof(size_t))) == NULL)
		return 0;
	for (size_t h = 0; h < ((size_t)1 << Z_HBITS); h++)
		e.e_head[h] = Z_NONE;
	while (i < len) {
		for (n = 0; i + n < len && in[i + n] == 0; n++)
			;
		if (n >= Z_MINZEROS || (n > 0 && i + n == len)) {
			flush_lit(&e, lit, i);
			put_token(&e, Z_ZERO, n, 0);
			lit = i += n;
		} else if ((n = find_copy(&e, i, &d)) > 0) {
			flush_lit(&e, lit, i);
			put_token(&e, Z_COPY, n, d);
			for (size_t p = i + 1; p < i + n && p + 4 <= len; p++)
				e.e_head[hash4(in + p)] = p;
			lit = i += n;
		} else {
			i++;
		}
	}
	flush_lit(&e, lit, len);
	free(e.e_head);
	return e.e_o;
}

static int
get_varint(const uint8_t *in, size_t len, size_t *ip, uint64_t *vp)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*ip >= len)
			return EINVAL;
		uint8_t b = in[(*ip)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*vp = v;
			return 0;
		}
	}
	return EINVAL;
}

/* out[o - d .. o - d + n) to out[o ..): overlapping copies repeat a pattern. */
static void
copy_back(uint8_t *out, size_t o, uint64_t n, uint64_t d)
{
	if (d >= n) {
		memcpy(out + o, out + o - d, n);
		return;
	}
	for (uint64_t k = 0; k < n; k++)
		out[o + k] = out[o - d + k];
}

int
fi_z_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t i = 0, o = 0;
	uint64_t n, d = 0;
	int type;

	while (i < len) {
		type = in[i++];
		if (get_varint(in, len, &i, &n) != 0 || n == 0 || n > outlen - o)
			return EINVAL;
		if (type == Z_LIT) {
			if (n > len - i)
				return EINVAL;
			if (out != NULL)
				memcpy(out + o, in + i, n);
			i += n;
		} else if (type == Z_ZERO) {
			if (out != NULL)
				memset(out + o, 0, n);
		} else if (type == Z_COPY) {
			if (get_varint(in, len, &i, &d) != 0 || d == 0 || d > o)
				return EINVAL;
			if (out != NULL)
				copy_back(out, o, n, d);
		} else {
			return EINVAL;
		}
		o += n;
	}
	return o == outlen ? 0 : EINVAL;
}
