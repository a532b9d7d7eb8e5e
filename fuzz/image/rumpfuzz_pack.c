/* rumpfuzz_pack.c: rumpfuzz-pack, packing a seed image into an RFZ1 fuzz input, expanding one back, listing an image's metadata map. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "fuzzimage.h"

static const char *progname = "rumpfuzz-pack";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-t FSTYPE] [-o OUTPUT] IMAGE    pack IMAGE into an RFZ1 input (empty program)\n"
	    "       %s -x [-o OUTPUT] INPUT             expand INPUT back into its image\n"
	    "       %s -l [-t FSTYPE] IMAGE             list IMAGE's metadata ranges\n"
	    "       %s --help\n"
	    "The result goes to OUTPUT or standard output (never a terminal).\n"
	    "FSTYPE: ext2fs or ffs; without -t the type is detected.\n",
	    progname, progname, progname, progname);
}

/* The whole file, or NULL after saying why (naming it). */
static uint8_t *
read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *n;
	size_t len = 0, cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 1 << 20 : cap * 2;
			if (cap > (size_t)FUZZIMAGE_MAXIMG * 2 || (n = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "%s: %s: too large\n", progname, path);
				goto out_fail;
			}
			buf = n;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", progname, path);
		goto out_fail;
	}
	fclose(f);
	*lenp = len;
	return buf;
out_fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int
write_out(const char *out, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	FILE *f = out != NULL ? fopen(out, "wb") : stdout;
	const char *name = out != NULL ? out : "standard output";

	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", progname, out, strerror(errno));
		return 1;
	}
	if (out == NULL && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: standard output is a terminal: redirect it or use -o\n", progname);
		return 1;
	}
	if (fwrite(a, 1, alen, f) != alen || (blen > 0 && fwrite(b, 1, blen, f) != blen) ||
	    (out != NULL ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "%s: %s: write error\n", progname, name);
		return 1;
	}
	return 0;
}

static const char *
map_error(int error)
{
	switch (error) {
	case EINVAL: return "no file system with a valid superblock found";
	case ENODEV: return "unknown file-system type";
	case EOPNOTSUPP: return "this file-system type has no metadata map";
	case EFBIG: return "image too large";
	default: return strerror(error);
	}
}

static int
do_pack(const char *fstype, const char *path, const char *out)
{
	uint8_t *img, *part, hdr[FUZZIMAGE_RFZ1_HDR] = { 'R', 'F', 'Z', '1' };
	size_t len, plen;
	int error, rc;

	if ((img = read_file(path, &len)) == NULL)
		return 1;
	error = fuzzimage_pack(fstype, img, len, &part, &plen);
	free(img);
	if (error != 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path, map_error(error));
		return 1;
	}
	hdr[8] = (uint8_t)plen, hdr[9] = (uint8_t)(plen >> 8);
	hdr[10] = (uint8_t)(plen >> 16), hdr[11] = (uint8_t)(plen >> 24);
	rc = write_out(out, hdr, sizeof(hdr), part, plen);
	free(part);
	return rc;
}

static int
do_expand(const char *path, const char *out)
{
	const uint8_t *part, *prog;
	size_t len, plen, proglen, ilen;
	uint8_t *in, *img;
	unsigned flags;
	int error, rc;

	if ((in = read_file(path, &len)) == NULL)
		return 1;
	/* Not RFZ1: a raw image, which is its own expansion. */
	if (fuzzimage_split(in, len, &flags, &part, &plen, &prog, &proglen) != 0) {
		if (len >= 4 && memcmp(in, FUZZIMAGE_RFZ1_MAGIC, 4) == 0) {
			fprintf(stderr, "%s: %s: truncated RFZ1 input\n", progname, path);
			free(in);
			return 1;
		}
		rc = write_out(out, in, len, NULL, 0);
		free(in);
		return rc;
	}
	if ((error = fuzzimage_expand(part, plen, &img, &ilen)) != 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    error == EINVAL ? "corrupt image part" : strerror(error));
		free(in);
		return 1;
	}
	rc = write_out(out, img, ilen, NULL, 0);
	free(img);
	free(in);
	return rc;
}

static const char *const kind_names[] = {
	"?", "super", "group", "bitmap", "inode", "dir", "indir", "symlink",
};

static int
do_list(const char *fstype, const char *path)
{
	struct rump_fuzzmap *map;
	uint8_t *img;
	size_t len;
	int error;

	if ((img = read_file(path, &len)) == NULL)
		return 1;
	if ((error = rump_init()) == 0)
		error = rump_pub_fs_metamap(fstype, img, len, &map);
	free(img);
	if (error != 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, path, map_error(error));
		return 1;
	}
	printf("fstype %s blocks %ju inodes %ju bsize %u partial %d ranges %zu\n",
	    map->fm_fstype, (uintmax_t)map->fm_nblocks, (uintmax_t)map->fm_ninodes,
	    map->fm_bsize, map->fm_partial, map->fm_nranges);
	for (size_t i = 0; i < map->fm_nranges; i++) {
		const struct rump_fuzzmap_range *r = &map->fm_ranges[i];

		printf("%ju %u %s%s\n", (uintmax_t)r->fr_off, r->fr_len, kind_names[r->fr_kind],
		    (r->fr_flags & RUMP_FUZZMAP_BE) ? " be" : "");
	}
	rump_pub_fs_metamap_free(map);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fstype = NULL, *out = NULL;
	int c, mode = 'p';

	while ((c = getopt_long(argc, argv, "t:o:xlh", longopts, NULL)) != -1) {
		switch (c) {
		case 't': fstype = optarg; break;
		case 'o': out = optarg; break;
		case 'x': case 'l': mode = c; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || (mode == 'x' && fstype != NULL) || (mode == 'l' && out != NULL)) {
		usage(stderr);
		return 2;
	}
	if (mode == 'x')
		return do_expand(argv[optind], out);
	if (mode == 'l')
		return do_list(fstype, argv[optind]);
	return do_pack(fstype, argv[optind], out);
}
