/* core_check.c: a program linked with libfuzzimage_core alone (no kernel): expands an RFZ1 input, mutates it, expands it again; prints the image's length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzimage.h"

int
main(int argc, char **argv)
{
	const uint8_t *part, *prog;
	size_t len = 0, plen, proglen, ilen;
	uint8_t *in, *img;
	unsigned flags;
	FILE *f;
	long n;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) <= 0 || (in = malloc((size_t)n)) == NULL)
		return 2;
	rewind(f);
	len = fread(in, 1, (size_t)n, f);
	fclose(f);
	if (fuzzimage_split(in, len, &flags, &part, &plen, &prog, &proglen) != 0 ||
	    fuzzimage_expand(part, plen, &img, &ilen) != 0)
		return 1;
	free(img);
	for (unsigned seed = 0; seed < 200; seed++) {
		if (fuzzimage_mutate(in, len, len, seed, NULL) != len ||
		    fuzzimage_expand(part, plen, &img, &ilen) != 0)
			return 1;
		free(img);
	}
	printf("%zu\n", ilen);
	free(in);
	return 0;
}
