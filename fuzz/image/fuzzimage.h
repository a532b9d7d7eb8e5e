/* fuzzimage.h: image-aware fuzz inputs: a seed image packed with its metadata ranges, expanded at mount, mutated field by field. */
#ifndef FUZZ_IMAGE_FUZZIMAGE_H
#define FUZZ_IMAGE_FUZZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A whole fuzz input (little-endian):
 *     "RFZ1" | u8 flags | u8 reserved[3] | u32 image_len | image part | program part
 * An input not starting with "RFZ1" is a raw image with an empty program.
 */
#define FUZZIMAGE_RFZ1_MAGIC	"RFZ1"
#define FUZZIMAGE_RFZ1_HDR	12
#define FUZZIMAGE_NOFIX		0x01	/* flags: do not fix derived fields after mutation */

/* The largest image an image part may expand to. */
#define FUZZIMAGE_MAXIMG	(256u << 20)

/*
 * Pack the seed image img (len bytes) of type fstype (NULL: whatever
 * type recognises it) into an image part: the image with its metadata
 * zeroed and compressed, plus the metadata map and the bytes of
 * each range.  Boots the rump kernel if it is not running (and leaves
 * it running); the file-system types wanted must be linked.  Returns 0
 * and *outp (malloc'd) / *outlenp, or a positive errno: EINVAL (no file
 * system recognised, or no valid superblock), ENODEV (unknown fstype),
 * EOPNOTSUPP (the type has no metadata map), EFBIG (past
 * FUZZIMAGE_MAXIMG), ENOMEM.
 */
int	fuzzimage_pack(const char *fstype, const uint8_t *img, size_t len,
	    uint8_t **outp, size_t *outlenp);

/*
 * Expand an image part back into the image: decompress the seed and
 * lay each range's bytes over it.  Returns 0 and *imgp (malloc'd, the
 * caller frees) / *imglenp, EINVAL for a part that is not well formed
 * (truncated, trailing bytes, ranges out of order or outside the
 * image), ENOMEM.  Needs no kernel.
 */
int	fuzzimage_expand(const uint8_t *part, size_t len, uint8_t **imgp, size_t *imglenp);
/*
 * The same into the caller's buffer img of cap bytes, so a harness
 * reuses one buffer per input instead of a fresh allocation: 0 and
 * *imglenp, ENOSPC (with *imglenp set to the size needed, nothing
 * written) when cap is too small, EINVAL as above.
 */
int	fuzzimage_expand_into(const uint8_t *part, size_t len, uint8_t *img, size_t cap,
	    size_t *imglenp);

/*
 * Mutate the whole input data (size bytes, room for maxsize) in place,
 * reproducibly from seed: mostly one or a few fields of the image part's
 * metadata ranges, at their widths and with values that matter to them;
 * sometimes the program part through generic (which may be NULL; it
 * mutates d of size bytes with room for maxsize and returns the new
 * size).  The image part keeps its length and stays expandable.  A raw
 * image (no "RFZ1") goes to generic whole.  Returns the new size.
 */
size_t	fuzzimage_mutate(uint8_t *data, size_t size, size_t maxsize, unsigned seed,
	    size_t (*generic)(uint8_t *d, size_t size, size_t maxsize));

/*
 * Split an RFZ1 input into its parts (pointers into in): 0, or EINVAL
 * when in is not an RFZ1 input or its image_len runs past the end.
 */
int	fuzzimage_split(const uint8_t *in, size_t len, unsigned *flagsp,
	    const uint8_t **partp, size_t *partlenp, const uint8_t **progp, size_t *proglenp);

#ifdef __cplusplus
}
#endif
#endif /* FUZZ_IMAGE_FUZZIMAGE_H */
