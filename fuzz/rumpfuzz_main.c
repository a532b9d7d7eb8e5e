/* rumpfuzz_main.c: the plain replay main: run files (and the files in directories) without a fuzzer, one outcome line each. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rumpfuzz_impl.h"

static int
read_whole(const char *path, uint8_t **datap, size_t *sizep)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;

	if (f == NULL)
		return errno;
	do {
		if (size == cap) {
			uint8_t *p = realloc(data, cap = cap ? cap * 2 : 65536);

			if (p == NULL) {
				free(data);
				fclose(f);
				return ENOMEM;
			}
			data = p;
		}
		n = fread(data + size, 1, cap - size, f);
		size += n;
	} while (n > 0 && size <= RFZ_MAXIMAGE + (1u << 20));
	fclose(f);
	*datap = data;
	*sizep = size;
	return 0;
}

/* 1 when the file was a finding. */
static int
replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int error, outcome;

	if ((error = read_whole(path, &data, &size)) != 0) {
		printf("%s: cannot read: %s\n", path, strerror(error));
		return 1;
	}
	outcome = rumpfuzz_run(data, size);
	printf("%s: %s%s%s\n", path, rumpfuzz_outcome_name(outcome),
	    outcome == RUMPFUZZ_FINDING ? ": " : "", outcome == RUMPFUZZ_FINDING ? rumpfuzz_finding() : "");
	fflush(stdout);
	free(data);
	return outcome == RUMPFUZZ_FINDING;
}

static int
filter_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int
replay_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int n, bad = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((n = scandir(path, &ents, filter_hidden, alphasort)) < 0) {
		printf("%s: cannot read: %s\n", path, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			bad |= replay_file(sub);
		free(ents[i]);
	}
	free(ents);
	return bad;
}

int
rumpfuzz_main(const char *fstype, int argc, char **argv)
{
	unsigned flags = RUMPFUZZ_F_NOABORT;
	int i = 1, bad = 0, error;

	for (; i < argc && strcmp(argv[i], "-run") != 0; i++) {
		if (strcmp(argv[i], "-v") == 0)
			flags |= RUMPFUZZ_F_VERBOSE;
		else if (strcmp(argv[i], "-image") == 0 && i + 1 < argc)
			rfz.saveimg = argv[++i];
		else
			break;
	}
	if (i >= argc || strcmp(argv[i], "-run") != 0 || i + 1 >= argc) {
		fprintf(stderr, "usage: %s [-v] [-image OUT] -run FILE|DIR...\n",
		    argc > 0 ? argv[0] : "rumpfuzz");
		return 2;
	}
	if ((error = rumpfuzz_init(fstype, flags)) != 0) {
		fprintf(stderr, "rumpfuzz: cannot boot the rump kernel: %s\n", strerror(error));
		return 2;
	}
	for (i++; i < argc; i++)
		bad |= replay_path(argv[i]);
	return bad ? 1 : 0;
}
