/* rumpfuzz_input.c: an input split into header, image part and program part; the raw image expander. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzimage.h"
#include "rumpfuzz_impl.h"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Anything not starting with the magic is a whole image and no program, so plain image corpora work. */
int
rfz_decode(const uint8_t *data, size_t size, struct rfz_input *in)
{
	uint32_t len;

	memset(in, 0, sizeof(*in));
	if (size < 4 || memcmp(data, "RFZ1", 4) != 0) {
		in->image = data;
		in->image_len = size;
		return 0;
	}
	if (size < RFZ_HEADER)
		return EINVAL;
	len = le32(data + 8);
	if (len > size - RFZ_HEADER)
		return EINVAL;
	in->flags = data[4];
	in->image = data + RFZ_HEADER;
	in->image_len = len;
	in->prog = in->image + len;
	in->prog_len = size - RFZ_HEADER - len;
	return 0;
}

bool
rfz_packed(const struct rfz_input *in)
{
	return in->image_len >= 4 && memcmp(in->image, RFZ_PACKED_MAGIC, 4) == 0;
}

/*
 * A packed part (rumpfuzz-pack's: the seed compressed and its metadata
 * ranges) expanded, else the part taken as the image itself; padded to
 * whole 512-byte sectors either way.
 */
int
rfz_image(const struct rfz_input *in, uint8_t **imgp, size_t *imglenp)
{
	uint8_t *img, *padded;
	size_t len;
	int error;

	if (!rfz_packed(in))
		return rumpfuzz_image_raw(in->image, in->image_len, imgp, imglenp);
	*imgp = NULL;
	*imglenp = 0;
	if ((error = fuzzimage_expand(in->image, in->image_len, &img, &len)) != 0)
		return error;
	if (len < RFZ_MINIMAGE || len > RFZ_MAXIMAGE) {
		free(img);
		return EINVAL;
	}
	if (len % 512 != 0) {
		if ((padded = realloc(img, (len + 511) & ~(size_t)511)) == NULL) {
			free(img);
			return ENOMEM;
		}
		memset(padded + len, 0, ((len + 511) & ~(size_t)511) - len);
		img = padded;
		len = (len + 511) & ~(size_t)511;
	}
	*imgp = img;
	*imglenp = len;
	return 0;
}

/* The image part taken as the image itself, padded to whole 512-byte sectors. */
int
rumpfuzz_image_raw(const uint8_t *part, size_t len, uint8_t **imgp, size_t *imglenp)
{
	size_t devsize = (len + 511) & ~(size_t)511;
	uint8_t *img;

	*imgp = NULL;
	*imglenp = 0;
	if (len < RFZ_MINIMAGE || len > RFZ_MAXIMAGE)
		return EINVAL;
	if ((img = calloc(1, devsize)) == NULL)
		return ENOMEM;
	memcpy(img, part, len);
	*imgp = img;
	*imglenp = devsize;
	return 0;
}
