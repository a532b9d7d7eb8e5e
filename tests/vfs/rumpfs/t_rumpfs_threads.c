/* t_rumpfs_threads.c: rumpfs under concurrent callers: private and shared directories, shared readers. */
#include <pthread.h>
#include <stdlib.h>

#include "t_rumpfs.h"

#define NWORKERS	4
#define NREADERS	2
#define ROUNDS		150

struct worker {
	pthread_t	w_thread;
	int		w_id;
	const char	*w_dir;		/* private "/tN" or the shared "/shared" */
	int		w_failed;	/* line of the first failed check, 0 if none */
};

static int stop_readers;	/* atomic */

#define W_CHECK(w, e) do {						\
	if (!(e) && (w)->w_failed == 0)					\
		(w)->w_failed = __LINE__;				\
} while (0)

/* Create, write, read back, rename, stat and remove files in w_dir. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char path[64], path2[64], buf[10000], back[10000];
	struct stat st;
	int fd;

	for (int r = 0; r < ROUNDS && w->w_failed == 0; r++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(i + (size_t)r + (size_t)w->w_id);
		snprintf(path, sizeof(path), "%s/w%d-%d", w->w_dir, w->w_id, r);
		snprintf(path2, sizeof(path2), "%s/w%d-%d.renamed", w->w_dir, w->w_id, r);
		fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
		W_CHECK(w, fd >= 0);
		W_CHECK(w, rump_sys_write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
		W_CHECK(w, rump_sys_pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back));
		W_CHECK(w, memcmp(buf, back, sizeof(buf)) == 0);
		W_CHECK(w, rump_sys_close(fd) == 0);
		W_CHECK(w, rump_sys_rename(path, path2) == 0);
		W_CHECK(w, rump_sys_stat(path2, &st) == 0 && st.st_size == (off_t)sizeof(buf));
		/* Keep every third file, remove the rest. */
		if (r % 3 != 0)
			W_CHECK(w, rump_sys_unlink(path2) == 0);
	}
	return NULL;
}

/* Read a shared file and list the shared directory until told to stop. */
static void *
reader_main(void *arg)
{
	struct worker *w = arg;
	char buf[4096];
	struct stat st;
	int fd;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE) && w->w_failed == 0) {
		fd = rump_sys_open("/data", O_RDONLY);
		W_CHECK(w, fd >= 0);
		W_CHECK(w, rump_sys_read(fd, buf, sizeof(buf)) == 4);
		W_CHECK(w, memcmp(buf, "data", 4) == 0);
		W_CHECK(w, rump_sys_fstat(fd, &st) == 0 && st.st_size == 4);
		W_CHECK(w, rump_sys_close(fd) == 0);
		fd = rump_sys_open("/shared", O_RDONLY | O_DIRECTORY);
		W_CHECK(w, fd >= 0);
		while (rump_sys_getdents(fd, buf, sizeof(buf)) > 0)
			;
		W_CHECK(w, rump_sys_close(fd) == 0);
	}
	return NULL;
}

/* Count the entries of dir (without "." and ".."). */
static int
count_entries(const char *dir)
{
	char buf[4096];
	ssize_t n;
	int fd, count = 0;

	fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t at = 0; at < n; ) {
			const struct t_dirent *d = (const void *)(buf + at);
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
				count++;
			at += d->d_reclen;
		}
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	return count;
}

static void
run(bool shared)
{
	struct worker workers[NWORKERS], readers[NREADERS];
	char dirs[NWORKERS][16];
	int kept = (ROUNDS + 2) / 3;

	t_boot();
	t_write_file("/data", "data", 4);
	CHECK_EQ(rump_sys_mkdir("/shared", 0755), 0);
	__atomic_store_n(&stop_readers, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < NREADERS; i++) {
		readers[i] = (struct worker){ .w_id = i, .w_dir = "/shared" };
		CHECK_EQ(pthread_create(&readers[i].w_thread, NULL, reader_main, &readers[i]), 0);
	}
	for (int i = 0; i < NWORKERS; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "/t%d", i);
		if (!shared)
			CHECK_EQ(rump_sys_mkdir(dirs[i], 0755), 0);
		workers[i] = (struct worker){ .w_id = i, .w_dir = shared ? "/shared" : dirs[i] };
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
	if (shared) {
		CHECK_EQ(count_entries("/shared"), NWORKERS * kept);
	} else {
		for (int i = 0; i < NWORKERS; i++)
			CHECK_EQ(count_entries(dirs[i]), kept);
	}
	t_halt();
}

T_CASE(threads_private_dirs)
{
	setenv("RUMP_NCPU", "4", 1);
	run(false);
}

T_CASE(threads_shared_dir)
{
	setenv("RUMP_NCPU", "4", 1);
	run(true);
}

/* The same with one virtual CPU (the uniprocessor lock variants). */
T_CASE(threads_shared_dir_up)
{
	setenv("RUMP_NCPU", "1", 1);
	run(true);
}
