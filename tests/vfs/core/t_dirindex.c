/* t_dirindex.c: the directory name index (vfs/vfs_dirindex.c) over a model directory: finds, changes, room, a broken index. */
#include <stdio.h>
#include "dirindex.h"
#include "t_core.h"

#define NNAMES	5000
#define PERCHUNK 8

/* The model: entry i is at byte offset i * 16, chunk i / PERCHUNK; "" = removed. */
static char names[NNAMES][16];
static int builds, lie_at = -1;

static int
fill(void *arg, struct dirindex *di, uint64_t c)
{
	(void)arg;
	for (int i = (int)c * PERCHUNK; i < ((int)c + 1) * PERCHUNK && i < NNAMES; i++) {
		if (names[i][0] != '\0' && dirindex_insert(di, names[i], strlen(names[i]),
		    (uint64_t)i * 16) != 0)
			return ENOMEM;
	}
	return dirindex_setroom(di, c, (uint16_t)(c % 7));
}

static struct dirindex *
build(void *arg)
{
	builds++;
	return dirindex_build((NNAMES + PERCHUNK - 1) / PERCHUNK, 16, fill, arg);
}

static struct dirindex *
build_none(void *arg)
{
	(void)arg;
	return NULL;
}

/* The record at off holds the name searched (arg)?  -1 at lie_at: the image changed under the index. */
static int
check(void *arg, uint64_t off)
{
	int i = (int)(off / 16);

	if (off % 16 != 0 || i >= NNAMES || i == lie_at)
		return -1;
	return strcmp(names[i], arg) == 0;
}

static int
find(struct dirindex **slot, const char *name)
{
	return dirindex_find(slot, build, (void *)name, name, strlen(name), check);
}

T_CASE(dirindex_model)
{
	struct dirindex *di = NULL, *none = NULL;
	char nm[16];
	int i;

	t_boot();
	rump_schedule();
	for (i = 0; i < NNAMES; i++)
		snprintf(names[i], sizeof(names[i]), "name%d", i);
	/* built on the first search (growing past its guessed size), then used */
	for (i = 0; i < NNAMES; i += 7)
		CHECK_EQ(find(&di, names[i]), 1);
	CHECK_EQ(find(&di, "absent"), 0);
	CHECK_EQ(builds, 1);
	CHECK(di != NULL);
	/* room per chunk; a chunk past the end may take anything */
	CHECK(dirindex_mayfit(&di, 6, 6) && !dirindex_mayfit(&di, 6, 7));
	CHECK(dirindex_mayfit(&di, 100000, 500));
	/* a removal: gone, and the chunk's room is the larger of old and freed */
	dirindex_changed(&di, 10 / PERCHUNK, 2, names[10], strlen(names[10]), 10 * 16, false);
	snprintf(nm, sizeof(nm), "%s", names[10]);
	names[10][0] = '\0';
	CHECK_EQ(find(&di, nm), 0);
	CHECK(dirindex_mayfit(&di, 1, 2) && !dirindex_mayfit(&di, 1, 3));	/* max(1, 2) */
	dirindex_changed(&di, 1, 40, nm, strlen(nm), 11 * 16, false);	/* never had it: dropped */
	CHECK(di == NULL);
	CHECK_EQ(find(&di, names[11]), 1);
	CHECK_EQ(builds, 2);
	/* an addition, with the room it leaves */
	snprintf(names[10], sizeof(names[10]), "new10");
	dirindex_changed(&di, 1, 3, "new10", 5, 10 * 16, true);
	CHECK_EQ(find(&di, "new10"), 1);
	CHECK(dirindex_mayfit(&di, 1, 3) && !dirindex_mayfit(&di, 1, 4));
	/* a candidate that is no record: broken, searches fall back; the next change drops it */
	lie_at = 20;
	CHECK_EQ(find(&di, names[20]), -1);
	CHECK_EQ(find(&di, names[21]), -1);
	CHECK(di != NULL);
	CHECK(dirindex_mayfit(&di, 0, 60000));
	CHECK(di == NULL);
	lie_at = -1;
	CHECK_EQ(find(&di, names[20]), 1);
	CHECK_EQ(builds, 3);
	/* no index to be had: search the directory */
	CHECK_EQ(dirindex_find(&none, build_none, NULL, "x", 1, check), -1);
	CHECK(none == NULL);
	dirindex_drop(&di);
	CHECK(di == NULL);
	rump_unschedule();
	t_halt();
}
