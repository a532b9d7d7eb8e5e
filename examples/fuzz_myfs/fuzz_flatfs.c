/*
 * fuzz_flatfs.c: the fuzz target of flatfs, the same harness as the
 * tree's own targets: libFuzzer when built with -DFUZZ_LIBFUZZER and
 * -fsanitize=fuzzer, otherwise the plain replay main (`-run FILE...`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/fuzz.h>

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxsize);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	for (int i = 1; i < *argc; i++)
		if (strcmp((*argv)[i], "-run") == 0)
			exit(rumpfuzz_main("flatfs", *argc, *argv));
	if (rumpfuzz_init("flatfs", 0) != 0) {
		fprintf(stderr, "fuzz_flatfs: cannot boot the rump kernel\n");
		exit(2);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)rumpfuzz_run(data, size);
	return 0;
}

/* Keeps RFZ1 inputs whole and mutates packed ones field by field, by flatfs's map. */
size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned seed)
{
	return rumpfuzz_mutate(data, size, maxsize, seed, LLVMFuzzerMutate);
}
#else
int
main(int argc, char **argv)
{
	return rumpfuzz_main("flatfs", argc, argv);
}
#endif
