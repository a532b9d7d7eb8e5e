/* fuzzimage_expand.c: an image part back into its image: the seed decompressed, each range's bytes laid over it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzimage_impl.h"

int
fuzzimage_expand(const uint8_t *part, size_t len, uint8_t **imgp, size_t *imglenp)
{
	struct fi_view v;
	struct fi_range r;
	const uint8_t *src;
	uint8_t *img;
	int error;

	if ((error = fi_parse(part, len, &v)) != 0)
		return error;
	/* Check the stream before allocating what its header claims. */
	if ((error = fi_rle_decode(v.v_z, v.v_zlen, NULL, (size_t)v.v_imglen)) != 0)
		return error;
	if ((img = malloc(v.v_imglen > 0 ? (size_t)v.v_imglen : 1)) == NULL)
		return ENOMEM;
	(void)fi_rle_decode(v.v_z, v.v_zlen, img, (size_t)v.v_imglen);
	src = part + v.v_dataoff;
	for (uint32_t i = 0; i < v.v_nranges; i++) {
		fi_range_get(&v, i, &r);
		memcpy(img + r.r_off, src, r.r_len);
		src += r.r_len;
	}
	*imgp = img;
	*imglenp = (size_t)v.v_imglen;
	return 0;
}
