/* t_ext2fs_threads.c: concurrent writers (private and shared directories) and readers on one image; e2fsck clean after. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

#define NWORKERS	4
#define NREADERS	2
#define ROUNDS		120

struct worker {
	pthread_t	w_thread;
	int		w_id;
	char		w_dir[64];
	int		w_failed;	/* line of the first failed check, 0 if none */
};

static int stop_readers;	/* atomic */

#define W_CHECK(w, e) do {						\
	if (!(e) && (w)->w_failed == 0)					\
		(w)->w_failed = __LINE__;				\
} while (0)

/* Create, write (into indirect blocks), read back, rename, truncate, remove. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	static __thread char buf[40000], back[40000];
	char path[128], path2[128];
	int fd;

	for (int r = 0; r < ROUNDS && w->w_failed == 0; r++) {
		t_fill(buf, sizeof(buf), (uint64_t)(w->w_id * 1000 + r), 0);
		snprintf(path, sizeof(path), "%s/w%d-%d", w->w_dir, w->w_id, r);
		snprintf(path2, sizeof(path2), "%s/w%d-%d.renamed", w->w_dir, w->w_id, r);
		fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
		W_CHECK(w, fd >= 0);
		W_CHECK(w, rump_sys_write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
		W_CHECK(w, rump_sys_pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back));
		W_CHECK(w, memcmp(buf, back, sizeof(buf)) == 0);
		W_CHECK(w, rump_sys_close(fd) == 0);
		W_CHECK(w, rump_sys_rename(path, path2) == 0);
		if (r % 3 == 1)
			W_CHECK(w, rump_sys_truncate(path2, 5000) == 0);
		if (r % 3 != 0)
			W_CHECK(w, rump_sys_unlink(path2) == 0);
		if (r % 10 == 0) {
			snprintf(path, sizeof(path), "%s/d%d-%d", w->w_dir, w->w_id, r);
			W_CHECK(w, rump_sys_mkdir(path, 0755) == 0);
			W_CHECK(w, rump_sys_rmdir(path) == 0);
		}
	}
	return NULL;
}

static void *
reader_main(void *arg)
{
	struct worker *w = arg;
	char buf[4096];
	int fd;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE) && w->w_failed == 0) {
		fd = rump_sys_open(T_MNT "/data", O_RDONLY);
		W_CHECK(w, fd >= 0);
		W_CHECK(w, rump_sys_read(fd, buf, sizeof(buf)) == 4);
		W_CHECK(w, rump_sys_close(fd) == 0);
		fd = rump_sys_open(T_MNT "/shared", O_RDONLY | O_DIRECTORY);
		W_CHECK(w, fd >= 0);
		while (rump_sys_getdents(fd, buf, sizeof(buf)) > 0)
			;
		W_CHECK(w, rump_sys_close(fd) == 0);
	}
	return NULL;
}

static void
run(bool shared, const char *nvnodes)
{
	struct worker workers[NWORKERS], readers[NREADERS];
	struct t_img t;

	if (nvnodes != NULL)
		setenv("RUMP_NVNODES", nvnodes, 1);
	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "64M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	t_rump_write_file(T_MNT "/data", "data", 4);
	CHECK(rump_sys_mkdir(T_MNT "/shared", 0755) == 0);
	__atomic_store_n(&stop_readers, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < NREADERS; i++) {
		readers[i] = (struct worker){ .w_id = i };
		CHECK_EQ(pthread_create(&readers[i].w_thread, NULL, reader_main, &readers[i]), 0);
	}
	for (int i = 0; i < NWORKERS; i++) {
		workers[i] = (struct worker){ .w_id = i };
		snprintf(workers[i].w_dir, sizeof(workers[i].w_dir), T_MNT "/%s%d",
		    shared ? "shared" : "t", shared ? 0 : i);
		if (shared)
			snprintf(workers[i].w_dir, sizeof(workers[i].w_dir), T_MNT "/shared");
		else
			CHECK(rump_sys_mkdir(workers[i].w_dir, 0755) == 0);
		CHECK_EQ(pthread_create(&workers[i].w_thread, NULL, worker_main, &workers[i]), 0);
	}
	for (int i = 0; i < NWORKERS; i++) {
		CHECK_EQ(pthread_join(workers[i].w_thread, NULL), 0);
		if (workers[i].w_failed)
			t_fail(__FILE__, workers[i].w_failed, "worker %d failed", i);
	}
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < NREADERS; i++) {
		CHECK_EQ(pthread_join(readers[i].w_thread, NULL), 0);
		if (readers[i].w_failed)
			t_fail(__FILE__, readers[i].w_failed, "reader %d failed", i);
	}
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

T_CASE(threads_private_dirs) { run(false, NULL); }
T_CASE(threads_shared_dir) { run(true, NULL); }
T_CASE(threads_few_vnodes) { run(true, "8"); }
