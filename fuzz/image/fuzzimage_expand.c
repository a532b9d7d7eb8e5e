/* fuzzimage_expand.c: an image part back into its image: the seed decompressed, each range's bytes laid over it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzimage_impl.h"

/* Check all of the part (the stream too) before anything is written or allocated. */
static int
check(const uint8_t *part, size_t len, struct fi_view *v)
{
	int error;

	if ((error = fi_parse(part, len, v)) != 0)
		return error;
	return fi_z_decode(v->v_z, v->v_zlen, NULL, (size_t)v->v_imglen);
}

static void
lay_out(const uint8_t *part, const struct fi_view *v, uint8_t *img)
{
	const uint8_t *src = part + v->v_dataoff;
	struct fi_range r;

	(void)fi_z_decode(v->v_z, v->v_zlen, img, (size_t)v->v_imglen);
	for (uint32_t i = 0; i < v->v_nranges; i++) {
		fi_range_get(v, i, &r);
		memcpy(img + r.r_off, src, r.r_len);
		src += r.r_len;
	}
}

int
fuzzimage_expand(const uint8_t *part, size_t len, uint8_t **imgp, size_t *imglenp)
{
	struct fi_view v;
	uint8_t *img;
	int error;

	if ((error = check(part, len, &v)) != 0)
		return error;
	if ((img = malloc(v.v_imglen > 0 ? (size_t)v.v_imglen : 1)) == NULL)
		return ENOMEM;
	lay_out(part, &v, img);
	*imgp = img;
	*imglenp = (size_t)v.v_imglen;
	return 0;
}

int
fuzzimage_expand_into(const uint8_t *part, size_t len, uint8_t *img, size_t cap, size_t *imglenp)
{
	struct fi_view v;
	int error;

	if ((error = check(part, len, &v)) != 0)
		return error;
	*imglenp = (size_t)v.v_imglen;
	if (v.v_imglen > cap)
		return ENOSPC;
	lay_out(part, &v, img);
	return 0;
}
