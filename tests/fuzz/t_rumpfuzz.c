/* t_rumpfuzz.c: librumpfuzz: inputs decoded and run, programs executed, the oracles fire on what they should and only then. */
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/fuzz.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"

#define MAXSEEDS	16
#define MAXINPUT	(1u << 20)

struct seeds {
	int	n;
	uint8_t	*img[MAXSEEDS];
	size_t	len[MAXSEEDS];
};

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint8_t *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	p = malloc((size_t)st.st_size);
	CHECK(p != NULL);
	CHECK_EQ(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*lenp = (size_t)st.st_size;
	return p;
}

/* The seed images whose names start with prefix, made by mkseeds.sh (vfs/ has a dirent.h of its own: glob, not readdir). */
static void
load_seeds(struct seeds *s, const char *prefix)
{
	char dir[] = "/tmp/t_rumpfuzz_XXXXXX", cmd[1024], pat[1100];
	const char *script = getenv("T_MKSEEDS");
	glob_t g;

	CHECK(script != NULL && mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "sh %s %s", script, dir);
	CHECK_EQ(system(cmd), 0);
	snprintf(pat, sizeof(pat), "%s/%s*", dir, prefix);
	CHECK_EQ(glob(pat, 0, NULL, &g), 0);
	s->n = 0;
	for (size_t i = 0; i < g.gl_pathc && s->n < MAXSEEDS; i++) {
		s->img[s->n] = slurp(g.gl_pathv[i], &s->len[s->n]);
		s->n++;
	}
	globfree(&g);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
	CHECK(s->n > 0);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* An RFZ1 input: header, the image, the program. */
static size_t
make_input(uint8_t *out, const uint8_t *img, size_t len, const uint8_t *prog, size_t plen)
{
	memcpy(out, "RFZ1\0\0\0\0", 8);
	put32(out + 8, (uint32_t)len);
	memcpy(out + 12, img, len);
	if (plen > 0)
		memcpy(out + 12 + len, prog, plen);
	return 12 + len + plen;
}

static void
save(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Nothing above the baseline (a cache the kernel sheds may take a count below it). */
static int
kstat_within(const struct rump_kstat *base, const struct rump_kstat *now)
{
	return now->ks_mounts <= base->ks_mounts && now->ks_vnodes <= base->ks_vnodes &&
	    now->ks_vnodes_cached - now->ks_vnodes_idle <= base->ks_vnodes_cached - base->ks_vnodes_idle &&
	    now->ks_bufs <= base->ks_bufs && now->ks_bufs_dirty <= base->ks_bufs_dirty &&
	    now->ks_buf_bytes <= base->ks_buf_bytes && now->ks_kmem_bytes <= base->ks_kmem_bytes;
}

/*
 * 10 000 inputs: seeds with bytes flipped in their first 64 KiB and random
 * programs; the kernel is back each time.  The consistency oracle is off:
 * what it finds is a file system's bug (tests/fuzz/findings), not the
 * harness's; it has cases of its own below.
 */
static void
baseline_holds(const char *fstype, const char *prefix)
{
	static uint8_t input[MAXINPUT], prog[64];
	struct rump_kstat base, now;
	static struct seeds s;
	int counts[RUMPFUZZ_FINDING + 1] = { 0 };

	load_seeds(&s, prefix);
	CHECK_ERR(rumpfuzz_init(fstype, RUMPFUZZ_F_NOABORT | RUMPFUZZ_F_NOCHECK), 0);
	rump_pub_kstat(&base);
	for (int i = 0; i < 10000; i++) {
		int k = i % s.n, outcome;
		size_t plen = rnd() % sizeof(prog), len;
		uint8_t *img;

		for (size_t j = 0; j < plen; j++)
			prog[j] = (uint8_t)rnd();
		len = make_input(input, s.img[k], s.len[k], prog, plen);
		img = input + 12;
		for (int f = (int)(rnd() % 9); f > 0 && i % 4 != 0; f--)
			img[rnd() % (s.len[k] < 65536 ? s.len[k] : 65536)] ^= (uint8_t)(1u << (rnd() % 8));
		if (getenv("T_DUMP") != NULL)	/* the input a sanitizer stops at is left there */
			save(getenv("T_DUMP"), input, len);
		outcome = rumpfuzz_run(input, len);
		if (outcome == RUMPFUZZ_FINDING)
			t_fail(__FILE__, __LINE__, "input %d: %s", i, rumpfuzz_finding());
		rump_pub_kstat(&now);
		if (!kstat_within(&base, &now))
			t_fail(__FILE__, __LINE__, "input %d: kernel counts moved (vnodes %ju -> %ju, "
			    "bufs %ju -> %ju, kmem %ju -> %ju)", i, (uintmax_t)base.ks_vnodes,
			    (uintmax_t)now.ks_vnodes, (uintmax_t)base.ks_bufs, (uintmax_t)now.ks_bufs,
			    (uintmax_t)base.ks_kmem_bytes, (uintmax_t)now.ks_kmem_bytes);
		counts[outcome]++;
	}
	printf("%s: %d mounted rw, %d ro, %d not mounted, %d rejected\n", fstype,
	    counts[RUMPFUZZ_MOUNTED_RW], counts[RUMPFUZZ_MOUNTED_RO], counts[RUMPFUZZ_NOTMOUNTED],
	    counts[RUMPFUZZ_REJECTED]);
	/* the unmutated quarter at least mounts read-write */
	CHECK(counts[RUMPFUZZ_MOUNTED_RW] >= 2500);
}

T_CASE(baseline_ext2fs_10000)
{
	baseline_holds("ext2fs", "ext2");
}

T_CASE(baseline_ffs_10000)
{
	baseline_holds("ffs", "ffs");
}

static void
leak_fd(const char *mnt, void *arg)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/file", mnt);
	*(int *)arg = rump_sys_open(path, O_RDONLY);
}

/* A vnode held past the unmount (an open file) is a finding; the next input is judged afresh. */
T_CASE(leaked_vnode_detected)
{
	static uint8_t input[MAXINPUT];
	static struct seeds s;
	int fd = -1;
	size_t len;

	load_seeds(&s, "ext2_1");
	CHECK_ERR(rumpfuzz_init("ext2fs", RUMPFUZZ_F_NOABORT), 0);
	len = make_input(input, s.img[0], s.len[0], NULL, 0);
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_MOUNTED_RW);
	CHECK_STREQ(rumpfuzz_finding(), "");
	rumpfuzz_set_hook(leak_fd, &fd);
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_FINDING);
	CHECK(fd >= 0);
	CHECK(strstr(rumpfuzz_finding(), "kernel state leaked after unmount: vnodes") != NULL);
	rumpfuzz_set_hook(NULL, NULL);
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_MOUNTED_RW);
}

struct expect {
	int	checked;
};

/* What the program below must have done, seen from inside before the unmount. */
static void
check_program(const char *mnt, void *arg)
{
	char buf[300], path[256];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/rfz0", mnt);
	CHECK_EQ(rump_sys_stat(path, &st), 0);
	CHECK_EQ(st.st_size, 64 * 2 + 100);
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(st.st_mtim.tv_sec, 0x01020304);
	CHECK_EQ(st.st_nlink, 2);
	CHECK((fd = rump_sys_open(path, O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 300, 0), 228);
	CHECK(buf[0] == 0 && buf[127] == 0 && buf[128] == 'A' && buf[227] == 'A');
	rump_sys_close(fd);
	snprintf(path, sizeof(path), "%s/rfzd/rfz2", mnt);
	CHECK_EQ(rump_sys_stat(path, &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	snprintf(path, sizeof(path), "%s/rfz1", mnt);
	CHECK_EQ(rump_sys_readlink(path, buf, sizeof(buf)), 100);
	CHECK(memcmp(buf, "abcdefg/", 8) == 0);
	snprintf(path, sizeof(path), "%s/file", mnt);
	CHECK_ERRNO(rump_sys_stat(path, &st), ENOENT);
	snprintf(path, sizeof(path), "%s/lost+found", mnt);
	CHECK_EQ(rump_sys_stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/rfzd/rfze", mnt);
	CHECK_ERRNO(rump_sys_stat(path, &st), ENOENT);
	snprintf(path, sizeof(path), "%s/hookdir", mnt);	/* read-write again */
	CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
	((struct expect *)arg)->checked = 1;
}

/*
 * The program's names: bytes below 0xc0 pick from the walked tree (here
 * the empty image's root 0 and lost+found 1), from 0xc0 the fresh ones:
 * rfz0 0xc0, rfz1 0xc1, rfzd 0xc2, rfzd/rfz2 0xc3, rfzd/rfze 0xc4.
 */
T_CASE(program_runs)
{
	static uint8_t input[MAXINPUT];
	static const uint8_t prog[] = {
		0, 0xc0,			/* create rfz0 */
		1, 0xc0, 2, 0, 100, 0, 'A',	/* write rfz0 at 2*64, 100 bytes of 'A' */
		10, 0xc0, 0xa0, 0x01,		/* chmod rfz0 0640 */
		7, 0xc2,			/* mkdir rfzd */
		5, 0xc0, 0xc3,			/* link rfz0 rfzd/rfz2 */
		9, 0xc1, 99,			/* symlink rfz1 -> 100 bytes */
		6, 1,				/* unlink lost+found: a directory, refused */
		11, 0xc0, 4, 3, 2, 1,		/* utimes rfz0 0x01020304 */
		12, 0xc0, 13,			/* fsync rfz0, sync */
		14, 0,				/* remount read-only */
		0, 0xc4,			/* create rfzd/rfze: refused */
		14, 1,				/* remount read-write */
		3, 0xc0,			/* truncate, cut short: the program ends */
	};
	struct expect e = { 0 };
	static struct seeds s;
	size_t len;

	load_seeds(&s, "ext2_empty");
	CHECK_ERR(rumpfuzz_init("ext2fs", RUMPFUZZ_F_NOABORT), 0);
	rumpfuzz_set_hook(check_program, &e);
	len = make_input(input, s.img[0], s.len[0], prog, sizeof(prog));
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_MOUNTED_RW);
	CHECK_EQ(e.checked, 1);
}

T_CASE(decode_rejects)
{
	static uint8_t input[MAXINPUT];
	static struct seeds s;
	size_t len;

	load_seeds(&s, "ffs_v2_le");
	CHECK_ERR(rumpfuzz_init("ffs", RUMPFUZZ_F_NOABORT), 0);
	CHECK_EQ(rumpfuzz_run((const uint8_t *)"RFZ1\0\0\0", 7), RUMPFUZZ_REJECTED);
	len = make_input(input, s.img[0], s.len[0], NULL, 0);
	put32(input + 8, (uint32_t)len);	/* the image part runs past the end */
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_REJECTED);
	CHECK_EQ(rumpfuzz_run(s.img[0], 1000), RUMPFUZZ_REJECTED);	/* too small */
	CHECK_EQ(rumpfuzz_run(s.img[0], s.len[0]), RUMPFUZZ_MOUNTED_RW);	/* raw image */
	memset(input, 0, 65536);
	CHECK_EQ(rumpfuzz_run(input, 65536), RUMPFUZZ_NOTMOUNTED);
	CHECK_EQ(rumpfuzz_init("ffs", 0), EBUSY);
}

T_CASE(probe_detects_type)
{
	static struct seeds e, f;

	load_seeds(&e, "ext2_2");
	load_seeds(&f, "ffs_v1_be");
	CHECK_ERR(rumpfuzz_init(NULL, RUMPFUZZ_F_NOABORT), 0);
	CHECK_EQ(rumpfuzz_run(e.img[0], e.len[0]), RUMPFUZZ_MOUNTED_RW);
	CHECK_EQ(rumpfuzz_run(f.img[0], f.len[0]), RUMPFUZZ_MOUNTED_RW);
}

/* Damage behind the file system's back, in the memory under the mount: the image it leaves is inconsistent. */
static void
zero_image(const char *mnt, void *arg)
{
	size_t where = *(size_t *)arg, len;
	uint8_t *img;

	(void)mnt;
	CHECK_ERR(rumpfuzz_image(&img, &len), 0);
	CHECK(where + 65536 <= len);
	memset(img + where, 0, 65536);
}

/*
 * A program of every kind of change on a seed: the image stays consistent
 * (no finding, so the oracle ran and passed); the same seed damaged under
 * the mount is a finding.
 */
static void
oracle_fires(const char *fstype, const char *seed, size_t where)
{
	static uint8_t input[MAXINPUT];
	static const uint8_t prog[] = {
		0, 0xc0, 1, 0xc0, 0, 4, 0x40, 0x9c, 'x',	/* create rfz0, write 40000 bytes at 256 KiB */
		7, 0xc2, 5, 0xc0, 0xc3, 9, 0xc4, 150,	/* mkdir rfzd, link rfz0 rfzd/rfz2, a long symlink */
		4, 0xc3, 0xc1, 3, 0xc1, 10, 0,		/* rename rfzd/rfz2 rfz1, truncate rfz1 to 640 */
		6, 0xc0, 13, 14, 0, 14, 1,		/* unlink rfz0, sync, remount ro, rw */
	};
	static struct seeds s;
	size_t len;

	load_seeds(&s, seed);
	CHECK_ERR(rumpfuzz_init(fstype, RUMPFUZZ_F_NOABORT | RUMPFUZZ_F_VERBOSE), 0);
	len = make_input(input, s.img[0], s.len[0], prog, sizeof(prog));
	CHECK_EQ(rumpfuzz_run(input, len), RUMPFUZZ_MOUNTED_RW);
	CHECK_STREQ(rumpfuzz_finding(), "");
	rumpfuzz_set_hook(zero_image, &where);
	CHECK_EQ(rumpfuzz_run(s.img[0], s.len[0]), RUMPFUZZ_FINDING);
	CHECK(strstr(rumpfuzz_finding(), "inconsistent after a clean unmount") != NULL);
}

T_CASE(ffs_checker_oracle)
{
	oracle_fires("ffs", "ffs_v2_le", 16384);
}

T_CASE(ext2_fsck_oracle)
{
	setenv("RUMPFUZZ_FSCK", "1", 1);
	oracle_fires("ext2fs", "ext2_1", 8192);
}

/* Without the slow mode ext2 has no consistency oracle: the same damage is no finding. */
T_CASE(ext2_no_fsck_no_oracle)
{
	static struct seeds s;
	size_t where = 8192;

	unsetenv("RUMPFUZZ_FSCK");
	load_seeds(&s, "ext2_1");
	CHECK_ERR(rumpfuzz_init("ext2fs", RUMPFUZZ_F_NOABORT), 0);
	rumpfuzz_set_hook(zero_image, &where);
	CHECK(rumpfuzz_run(s.img[0], s.len[0]) != RUMPFUZZ_FINDING);
}

static void
sleep_long(const char *mnt, void *arg)
{
	(void)mnt;
	(void)arg;
	sleep(5);
}

/* A run past RUMPFUZZ_TIMEOUT aborts, saying so, and leaves the input behind. */
T_CASE(watchdog_aborts_hang)
{
	char dir[] = "/tmp/t_rumpfuzz_hang_XXXXXX", path[256], log[300], msg[512];
	static struct seeds s;
	struct stat st;
	int status, fd;
	ssize_t n;
	pid_t pid;

	load_seeds(&s, "ext2_3");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(log, sizeof(log), "%s/stderr", dir);
	if ((pid = fork()) == 0) {
		fd = open(log, O_WRONLY | O_CREAT, 0644);
		dup2(fd, 2);
		setenv("RUMPFUZZ_TIMEOUT", "1", 1);
		setenv("RUMPFUZZ_HANGDIR", dir, 1);
		if (rumpfuzz_init("ext2fs", 0) != 0)
			_exit(3);
		rumpfuzz_set_hook(sleep_long, NULL);
		(void)rumpfuzz_run(s.img[0], s.len[0]);
		_exit(4);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	snprintf(path, sizeof(path), "%s/rumpfuzz-hang-%ld", dir, (long)pid);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, (off_t)s.len[0]);
	CHECK((fd = open(log, O_RDONLY)) >= 0);
	n = read(fd, msg, sizeof(msg) - 1);
	CHECK(n > 0);
	msg[n] = '\0';
	close(fd);
	CHECK(strstr(msg, "FINDING: an input ran longer than 1 s") != NULL);
	unlink(path);
	unlink(log);
	rmdir(dir);
}

static size_t
flip_generic(uint8_t *d, size_t size, size_t maxsize)
{
	if (size > 0)
		d[rnd() % size] ^= 0x55;
	if (size + 3 <= maxsize && rnd() % 2)
		size += 3;
	return size;
}

/* The mutator keeps the header's length true to the image part and the program whole. */
T_CASE(mutate_keeps_layout)
{
	static uint8_t input[8192], orig[8192];
	uint8_t img[4096], prog[40];
	size_t len, n;

	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(prog); i++)
		prog[i] = (uint8_t)(200 + i);
	len = make_input(input, img, sizeof(img), prog, sizeof(prog));
	for (unsigned seed = 1; seed < 400; seed++) {
		uint32_t ilen;

		memcpy(orig, input, len);
		n = rumpfuzz_mutate(input, len, sizeof(input), seed, flip_generic);
		CHECK(n >= 12 && n <= sizeof(input));
		CHECK(memcmp(input, "RFZ1", 4) == 0);
		ilen = (uint32_t)input[8] | (uint32_t)input[9] << 8 | (uint32_t)input[10] << 16 |
		    (uint32_t)input[11] << 24;
		CHECK(ilen <= n - 12);
		if (seed % 4 != 0)	/* the image part was mutated: the program moved along whole */
			CHECK(memcmp(input + 12 + ilen, orig + len - (n - 12 - ilen), n - 12 - ilen) == 0);
		len = n;
		if (len > sizeof(input) - 64)
			len = make_input(input, img, sizeof(img), prog, sizeof(prog));
	}
}

T_CASE(kstat_counts)
{
	struct rump_kstat a, b;
	int fd;

	CHECK_ERR(rump_init(), 0);
	rump_pub_kstat(&a);
	CHECK_EQ(a.ks_mounts, 1);
	CHECK((fd = rump_sys_open("/newfile", O_CREAT | O_RDWR, 0644)) >= 0);
	rump_pub_kstat(&b);
	CHECK_EQ(b.ks_vnodes, a.ks_vnodes + 1);
	CHECK(b.ks_kmem_bytes > a.ks_kmem_bytes);
	CHECK_EQ(rump_sys_close(fd), 0);
}
