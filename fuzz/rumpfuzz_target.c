/*
 * rumpfuzz_target.c: one fuzz target for the type RUMPFUZZ_FSTYPE, built
 * for the engine chosen by the build: libFuzzer (RUMPFUZZ_LIBFUZZER),
 * AFL++ persistent mode with shared-memory test cases (RUMPFUZZ_AFL,
 * compiled by afl-clang-fast), or none (the plain replay main).  Every
 * build also takes `-run FILE...` and replays without fuzzing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>	/* read(), in __AFL_FUZZ_TESTCASE_LEN */

#include <rump/fuzz.h>

#ifndef RUMPFUZZ_FSTYPE
#error "RUMPFUZZ_FSTYPE names the file-system type: -DRUMPFUZZ_FSTYPE=\"ext2fs\""
#endif

static void __attribute__((unused))
init_or_die(void)
{
	if (rumpfuzz_init(RUMPFUZZ_FSTYPE, 0) != 0) {
		fprintf(stderr, "rumpfuzz_%s: cannot boot the rump kernel\n", RUMPFUZZ_FSTYPE);
		exit(2);
	}
}

static int __attribute__((unused))
wants_replay(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-run") == 0)
			return 1;
	return 0;
}

#if defined(RUMPFUZZ_LIBFUZZER)
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxsize);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (wants_replay(*argc, *argv))
		exit(rumpfuzz_main(RUMPFUZZ_FSTYPE, *argc, *argv));
	init_or_die();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)rumpfuzz_run(data, size);
	return 0;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned seed)
{
	return rumpfuzz_mutate(data, size, maxsize, seed, LLVMFuzzerMutate);
}

#elif defined(RUMPFUZZ_AFL)
__AFL_FUZZ_INIT();

int
main(int argc, char **argv)
{
	unsigned char *buf;

	if (wants_replay(argc, argv))
		return rumpfuzz_main(RUMPFUZZ_FSTYPE, argc, argv);
	init_or_die();
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000))
		(void)rumpfuzz_run(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
	return 0;
}

#else
int
main(int argc, char **argv)
{
	return rumpfuzz_main(RUMPFUZZ_FSTYPE, argc, argv);
}
#endif
