/* t_diff.c: differential test cases: the same seeded call sequence on the host and on rumpfs must agree. */
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_diff.h"

#define DIFF_TREE_MAX	4000	/* log room for the final tree dump */
#define DIFF_CONTEXT	12	/* steps shown before a mismatch */

static int
env_int(const char *name, int def)
{
	const char *s = getenv(name);

	return s != NULL && *s != '\0' ? atoi(s) : def;
}

static int
rm_node(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The host half: in a child (its own cwd, umask and, for non-root, ids). */
static void
diff_host(struct be *hb, struct diff_log *log, uint64_t seed, int nops, bool nonroot,
    time_t start)
{
	struct diff_run r = { .be = hb, .log = log, .rng = seed, .nonroot = nonroot, .start = start };
	int status;
	pid_t pid;

	strcpy(hb->root, "/tmp/rump-diff-XXXXXX");
	CHECK(mkdtemp(hb->root) != NULL);
	diff_setup_tree(hb);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The run's descriptors start at fdbase (3): nothing else may be open. */
		close_range(3, ~0U, 0);
		umask(022);
		if (nonroot) {
			CHECK(setgroups(0, NULL) == 0);
			CHECK(setgid(1000) == 0);
			CHECK(setuid(1000) == 0);
		}
		CHECK(chdir(hb->root) == 0);
		diff_run_ops(&r, nops);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	diff_walk_tree(hb, log, start);
	CHECK(nftw(hb->root, rm_node, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

/* The rump half: a process of its own (empty descriptor table), ids as the host's. */
static void
diff_rump(struct be *rb, struct diff_log *log, uint64_t seed, int nops, bool nonroot,
    time_t start)
{
	struct diff_run r = { .be = rb, .log = log, .rng = seed, .nonroot = nonroot, .start = start };

	strcpy(rb->root, "/difftest");
	CHECK(rump_init() == 0);
	CHECK(rump_sys_mkdir(rb->root, 0700) == 0);
	diff_setup_tree(rb);
	CHECK(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0);
	if (nonroot)
		CHECK(rump_pub_lwproc_setcred(1000, 1000, 0, NULL) == 0);
	CHECK(rump_sys_chdir(rb->root) == 0);
	rump_sys_umask(022);
	diff_run_ops(&r, nops);
	/* The process exits: its descriptors close.  The dump runs as root. */
	rump_pub_lwproc_releaselwp();
	diff_walk_tree(rb, log, start);
	CHECK(rump_shutdown() == 0);
}

static void
diff_report(const struct diff_log *h, const struct diff_log *r, int i)
{
	int j;

	fprintf(stderr, "differential test: first mismatch at step %d\n", i);
	/* DIFF_VERBOSE=1 shows every step before the mismatch, not only the last few. */
	for (j = i - DIFF_CONTEXT < 0 || env_int("DIFF_VERBOSE", 0) ? 0 : i - DIFF_CONTEXT; j < i; j++)
		fprintf(stderr, "  %5d %-48s %s\n", j, h->e[j].desc, h->e[j].res);
	fprintf(stderr, "> %5d host: %-42s %s\n", i, i < h->n ? h->e[i].desc : "(end)",
	    i < h->n ? h->e[i].res : "");
	fprintf(stderr, "> %5d rump: %-42s %s\n", i, i < r->n ? r->e[i].desc : "(end)",
	    i < r->n ? r->e[i].res : "");
}

/* How often each outcome came up: a run that never meets an errno does not test it. */
static void
diff_summary(const struct diff_log *log, int nops)
{
	char names[40][16];
	int counts[40], n = 0, ok = 0, i, j;
	const char *e;

	for (i = 0; i < nops && i < log->n; i++) {
		e = strstr(log->e[i].res, "err=");
		if (e == NULL) {
			ok++;
			continue;
		}
		for (j = 0; j < n; j++)
			if (strncmp(names[j], e + 4, strcspn(e + 4, " ")) == 0 &&
			    names[j][strcspn(e + 4, " ")] == '\0')
				break;
		if (j == n && n < 40) {
			snprintf(names[n], sizeof(names[n]), "%.*s", (int)strcspn(e + 4, " "), e + 4);
			counts[n++] = 0;
		}
		if (j < 40)
			counts[j]++;
	}
	printf("outcomes: ok %d", ok);
	for (j = 0; j < n; j++)
		printf(", %s %d", names[j], counts[j]);
	printf("\n");
}

static void
diff_case(bool nonroot)
{
	uint64_t seed = (uint64_t)env_int("DIFF_SEED", 1) * 0x9e3779b97f4a7c15ULL + 1;
	int nops = env_int("DIFF_OPS", 5000), i;
	struct be hb = diff_host_be, rb = diff_rump_be;
	struct diff_log *hlog, *rlog;
	time_t start = time(NULL);

	hlog = diff_log_new(nops + DIFF_TREE_MAX);
	rlog = diff_log_new(nops + DIFF_TREE_MAX);
	diff_host(&hb, hlog, seed, nops, nonroot, start);
	diff_rump(&rb, rlog, seed, nops, nonroot, start);
	/* DIFF_DUMP=1: the host's steps; 2: the rump kernel's. */
	if (env_int("DIFF_DUMP", 0) != 0) {
		const struct diff_log *d = env_int("DIFF_DUMP", 0) == 2 ? rlog : hlog;

		for (i = 0; i < d->n; i++)
			printf("%5d %-48s %s\n", i, d->e[i].desc, d->e[i].res);
	}
	for (i = 0; i < hlog->n || i < rlog->n; i++) {
		if (i >= hlog->n || i >= rlog->n ||
		    strcmp(hlog->e[i].desc, rlog->e[i].desc) != 0 ||
		    strcmp(hlog->e[i].res, rlog->e[i].res) != 0) {
			diff_report(hlog, rlog, i);
			t_fail(__FILE__, __LINE__, "host and rump differ (%s, DIFF_SEED=%d DIFF_OPS=%d)",
			    nonroot ? "diff_nonroot" : "diff_root", env_int("DIFF_SEED", 1), nops);
		}
	}
	diff_summary(hlog, nops);
	printf("%d ops and %d tree entries agree (seed %d, %s)\n", nops, hlog->n - nops,
	    env_int("DIFF_SEED", 1), nonroot ? "uid 1000" : "root");
	diff_log_free(hlog);
	diff_log_free(rlog);
}

T_CASE(diff_root)
{
	diff_case(false);
}

T_CASE(diff_nonroot)
{
	diff_case(true);
}
