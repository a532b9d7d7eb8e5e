/*
 * dirindex.h: an in-memory index of a large directory, for file systems
 * whose directories are lists of variable-length records in fixed-size
 * chunks (ext2 blocks, FFS DIRBLKSIZ chunks).  Without one, every create
 * reads the whole directory twice (is the name there? where is room?).
 *
 * The index maps a name's hash to the byte offsets of records that may
 * hold it (the file system checks each candidate against its chunk), and
 * keeps per chunk the largest record it can still take.  It lives only
 * in memory: built by the file system at the first search of a directory
 * it finds large enough, changed with every entry added or removed,
 * dropped with the vnode.
 *
 * Locking: searches run under the directory's lock shared, changes under
 * it exclusive.  A search that finds no index builds one and publishes
 * it with a compare-and-swap (a racing builder frees its own); once
 * published, an index changes only under the exclusive lock.  A candidate
 * that fails to check against its chunk (a hostile image where two
 * directories share a block) marks the index broken: searches then fall
 * back to reading the directory, and the next change drops it.
 */
#ifndef VFS_DIRINDEX_H
#define VFS_DIRINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dirindex;

/* A new empty index for a directory of nchunks chunks, sized for about expect names; NULL: none. */
struct dirindex	*dirindex_alloc(uint64_t nchunks, uint64_t expect);
void		dirindex_free(struct dirindex *di);
/* While building: name is at byte offset off; chunk has room for a record of room bytes.  ENOMEM. */
int		dirindex_insert(struct dirindex *di, const char *name, size_t len, uint64_t off);
int		dirindex_setroom(struct dirindex *di, uint64_t chunk, uint16_t room);

/*
 * Build an index of nchunks chunks chunk by chunk: fill(arg, di, c) reads
 * chunk c, inserts its names and sets its room; NULL when one fails.
 */
typedef int (*dirindex_fill_fn)(void *arg, struct dirindex *di, uint64_t chunk);
struct dirindex	*dirindex_build(uint64_t nchunks, uint64_t expect, dirindex_fill_fn fill, void *arg);

/* Build a new index (NULL: the directory is too small, damaged, or memory is short). */
typedef struct dirindex *(*dirindex_build_fn)(void *arg);
/* Check the record at byte off against name: 1 it is name, 0 it is not, -1 it is no record. */
typedef int (*dirindex_check_fn)(void *arg, uint64_t off);

/*
 * Find name through the index in *slot (built with build if there is
 * none): 1 found (check said 1), 0 absent, -1 no usable index: search
 * the directory instead.
 */
int		dirindex_find(struct dirindex **slot, dirindex_build_fn build, void *arg,
		    const char *name, size_t len, dirindex_check_fn check);
/* Under the exclusive lock: chunk may take a record of need bytes (true without an index). */
bool		dirindex_mayfit(struct dirindex **slot, uint64_t chunk, uint16_t need);
/*
 * Under the exclusive lock: chunk gained (added) or lost the record name
 * at off; name NULL: it only learnt its room.  room: added, the largest
 * record the chunk can take now; removed, the slack of the record that
 * took the freed bytes (the only one that changed: the chunk's room is
 * the larger of the two).
 */
void		dirindex_changed(struct dirindex **slot, uint64_t chunk, uint16_t room,
		    const char *name, size_t len, uint64_t off, bool added);
/* Drop the index (a change it cannot follow, the vnode going). */
void		dirindex_drop(struct dirindex **slot);

#endif /* VFS_DIRINDEX_H */
