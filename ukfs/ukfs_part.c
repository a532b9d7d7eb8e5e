/* ukfs_part.c: the partition suffix of an image path (%DISKLABEL:a%, %OFFSET:s,n%, %MBR:n%, %GPT:n%): probe, describe, release. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ukfs_impl.h"

/* "No partition" and "not applicable": markers, never freed. */
static struct ukfs_part part_none = { .part_type = UKFS_PART_NONE };
static struct ukfs_part part_na = { .part_type = UKFS_PART_NONE };
struct ukfs_part *ukfs_part_none = &part_none;
struct ukfs_part *ukfs_part_na = &part_na;

static int part_number(const char *s, const char *end, uint64_t *vp);
static int part_parse(const char *magic, struct ukfs_part *part);
static int part_locate(const char *path, struct ukfs_part *part);

/* A decimal number filling [s, end). */
static int
part_number(const char *s, const char *end, uint64_t *vp)
{
	uint64_t v = 0;

	if (s == end)
		return EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*vp = v;
	return 0;
}

/* magic: the suffix from its first '%' to the end, which must be the closing '%'. */
static int
part_parse(const char *magic, struct ukfs_part *part)
{
	size_t len = strlen(magic);
	const char *arg, *end = magic + len - 1, *comma;
	uint64_t v;
	int error;

	if (len < 3 || *end != '%')
		return EINVAL;
	if (strncmp(magic, UKFS_DISKLABEL_SCANMAGIC, strlen(UKFS_DISKLABEL_SCANMAGIC)) == 0) {
		arg = magic + strlen(UKFS_DISKLABEL_SCANMAGIC);
		if (end - arg != 1 || *arg < 'a' || *arg > 'p')
			return EINVAL;
		part->part_type = UKFS_PART_DISKLABEL;
		part->part_index = *arg - 'a';
		return 0;
	}
	if (strncmp(magic, UKFS_OFFSET_SCANMAGIC, strlen(UKFS_OFFSET_SCANMAGIC)) == 0) {
		arg = magic + strlen(UKFS_OFFSET_SCANMAGIC);
		if ((comma = memchr(arg, ',', (size_t)(end - arg))) == NULL)
			return EINVAL;
		if ((error = part_number(arg, comma, &part->part_off)) != 0)
			return error;
		if ((error = part_number(comma + 1, end, &part->part_size)) != 0)
			return error;
		if (part->part_size == 0 || part->part_off > UINT64_MAX - part->part_size)
			return EINVAL;
		part->part_type = UKFS_PART_OFFSET;
		return 0;
	}
	if (strncmp(magic, UKFS_MBR_SCANMAGIC, strlen(UKFS_MBR_SCANMAGIC)) == 0) {
		part->part_type = UKFS_PART_MBR;
		arg = magic + strlen(UKFS_MBR_SCANMAGIC);
	} else if (strncmp(magic, UKFS_GPT_SCANMAGIC, strlen(UKFS_GPT_SCANMAGIC)) == 0) {
		part->part_type = UKFS_PART_GPT;
		arg = magic + strlen(UKFS_GPT_SCANMAGIC);
	} else
		return EINVAL;
	if ((error = part_number(arg, end, &v)) != 0)
		return error;
	if (v < 1 || v > 1024)
		return ENOENT;
	part->part_index = (int)v;
	return 0;
}

/* Read the table the suffix names, then check the window lies inside the image. */
static int
part_locate(const char *path, struct ukfs_part *part)
{
	struct stat st;
	int fd, error;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	switch (part->part_type) {
	case UKFS_PART_MBR:
		error = ukfs_part_mbr(fd, part);
		break;
	case UKFS_PART_GPT:
		error = ukfs_part_gpt(fd, part);
		break;
	case UKFS_PART_DISKLABEL:
		error = ukfs_part_disklabel(fd, part);
		break;
	default:
		error = 0;
		break;
	}
	if (error == 0 && fstat(fd, &st) == -1)
		error = errno;
	if (error == 0 && S_ISREG(st.st_mode) &&
	    (part->part_off >= (uint64_t)st.st_size ||
	    part->part_size > (uint64_t)st.st_size - part->part_off))
		error = EINVAL;		/* beyond the end of the image */
	close(fd);
	return error;
}

int
ukfs_part_probe(char *devpath, struct ukfs_part **partp)
{
	struct ukfs_part *part;
	char *magic;
	int error;

	if (devpath == NULL || partp == NULL) {
		errno = EFAULT;
		return -1;
	}
	if ((magic = strchr(devpath, '%')) == NULL) {
		*partp = ukfs_part_none;
		return 0;
	}
	if ((part = calloc(1, sizeof(*part))) == NULL)
		return -1;
	if ((error = part_parse(magic, part)) != 0)
		goto out_free;
	*magic = '\0';
	if ((error = part_locate(devpath, part)) != 0) {
		*magic = '%';
		goto out_free;
	}
	*partp = part;
	return 0;

out_free:
	free(part);
	errno = error;
	return -1;
}

void
ukfs_part_release(struct ukfs_part *part)
{
	if (part != NULL && part != ukfs_part_none && part != ukfs_part_na)
		free(part);
}

int
ukfs_part_tostring(struct ukfs_part *part, char *str, size_t strsize)
{
	int n;

	if (part == NULL || part == ukfs_part_na || strsize == 0) {
		errno = EINVAL;
		return -1;
	}
	str[0] = '\0';
	switch (part->part_type) {
	case UKFS_PART_DISKLABEL:
		n = snprintf(str, strsize, "%%DISKLABEL:%c%%", 'a' + part->part_index);
		break;
	case UKFS_PART_OFFSET:
		n = snprintf(str, strsize, "%%OFFSET:%" PRIu64 ",%" PRIu64 "%%",
		    part->part_off, part->part_size);
		break;
	case UKFS_PART_MBR:
		n = snprintf(str, strsize, "%%MBR:%d%%", part->part_index);
		break;
	case UKFS_PART_GPT:
		n = snprintf(str, strsize, "%%GPT:%d%%", part->part_index);
		break;
	default:
		return 0;
	}
	if (n < 0 || (size_t)n >= strsize) {
		str[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 1;
}

int
ukfs_part_range(struct ukfs_part *part, uint64_t *offp, uint64_t *sizep)
{
	if (part == ukfs_part_na) {
		errno = EINVAL;
		return -1;
	}
	/* NULL (as UKFS_DEVICE_ARGVPROBE leaves it) is the whole image. */
	if (part == NULL || part->part_type == UKFS_PART_NONE) {
		*offp = 0;
		*sizep = RUMP_ETFS_SIZE_ENDOFF;
		return 0;
	}
	*offp = part->part_off;
	*sizep = part->part_size;
	return 0;
}
