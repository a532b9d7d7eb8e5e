/* t_ffs_check.c: the ffs consistency checker: clean on fresh makefs images, each targeted corruption found. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "ffs_check.h"

/* ffs_check() in this process: the number of problems. */
static unsigned
check_in_process(struct ffs_t *t)
{
	unsigned n = 0;
	int error;

	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/chk0", t->ft_img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	error = ffs_check("/dev/chk0", &n);
	rump_unschedule();
	t_halt();
	CHECK_EQ(error, 0);
	return n;
}

/* The fsck_ffs program: its exit status; its output must contain want (if not NULL). */
static int
run_fsck(struct ffs_t *t, const char *want)
{
	const char *fsck = getenv("FFS_T_FSCK");
	int rc;

	CHECK(fsck != NULL);
	rc = ffs_t_system("'%s' '%s' >'%s/out' 2>&1", fsck, t->ft_img, t->ft_dir);
	if (want != NULL && ffs_t_system("grep -q -F -- '%s' '%s/out'", want, t->ft_dir) != 0) {
		ffs_t_system("cat '%s/out' >&2", t->ft_dir);
		t_fail(__FILE__, __LINE__, "fsck_ffs output lacks \"%s\"", want);
	}
	return rc;
}

T_CASE(clean_fresh_images)
{
	static const struct { int v; const char *order; int bsize, fsize; } img[] = {
		{ 1, "le", 8192, 1024 }, { 1, "be", 4096, 512 }, { 1, "le", 65536, 8192 },
		{ 2, "le", 16384, 2048 }, { 2, "be", 32768, 4096 }, { 2, "be", 4096, 4096 },
	};
	struct ffs_t t;

	for (size_t i = 0; i < sizeof(img) / sizeof(img[0]); i++) {
		ffs_t_init(&t);
		ffs_t_gen_tree(&t, (unsigned)i, i == 0);
		ffs_t_makefs(&t, img[i].v, img[i].order, img[i].bsize, img[i].fsize, "-b 5%");
		CHECK_EQ(check_in_process(&t), 0);
		CHECK_EQ(run_fsck(&t, "clean"), 0);
		ffs_t_cleanup(&t);
	}
}

/* Several cylinder groups (a small fpg) and an empty file system. */
T_CASE(clean_many_groups)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 11, false);
	ffs_t_makefs(&t, 2, "le", 4096, 512, "-s 24m -o maxbpcg=512");
	CHECK_EQ(run_fsck(&t, "clean"), 0);
	ffs_t_makefs(&t, 1, "be", 4096, 1024, "-s 24m -o maxbpcg=512");
	CHECK_EQ(run_fsck(&t, "clean"), 0);
	ffs_t_cleanup(&t);
	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 0, 0, "-s 4m");
	CHECK_EQ(run_fsck(&t, "clean"), 0);
	ffs_t_cleanup(&t);
}

struct inos {
	unsigned long	hard1, owned, large, many, deep00, root;
};

static void
find_inodes(struct ffs_t *t, struct inos *in)
{
	struct stat st;

	CHECK_EQ(ffs_t_mount(t, RUMP_MNT_RDONLY), 0);
#define INO(field, path) CHECK_EQ(rump_sys_lstat(path, &st), 0); in->field = st.st_ino
	INO(hard1, "/mnt/hard1");
	INO(owned, "/mnt/owned");
	INO(large, "/mnt/large");
	INO(many, "/mnt/many");
	INO(deep00, "/mnt/deep00");
	INO(root, "/mnt");
#undef INO
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
}

static void
poke32(struct ffs_t *t, long off, uint32_t v)
{
	ffs_t_poke(t, off, &v, 4);
}

static uint32_t
peek32(struct ffs_t *t, long off)
{
	uint32_t v;

	ffs_t_peek(t, off, &v, 4);
	return v;
}

static long
db_off(const struct ffs_t_geom *g, unsigned long ino, int i)
{
	return ffs_t_inode_off(g, ino) + (g->g_ufs2 ? 112 + 8 * i : 40 + 4 * i);
}

/* Frag address of a directory's first block, as bytes. */
static long
dir_block(struct ffs_t *t, const struct ffs_t_geom *g, unsigned long ino)
{
	return (long)peek32(t, db_off(g, ino, 0)) * g->g_fsize;
}

static void
corrupt_and_check(int version)
{
	struct ffs_t t;
	struct ffs_t_geom g;
	struct inos in;
	char saved[600];
	long cg, off;
	uint16_t v16;
	uint8_t b;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 21, false);
	ffs_t_makefs(&t, version, "le", 8192, 1024, "-b 10%");
	CHECK_EQ(run_fsck(&t, "clean"), 0);
	find_inodes(&t, &in);
	ffs_t_geom(&t, &g);
	cg = ffs_t_cg_off(&g, 0);
	snprintf(saved, sizeof(saved), "%s/saved", t.ft_dir);
	CHECK_EQ(ffs_t_system("cp '%s' '%s'", t.ft_img, saved), 0);
#define RESTORE() CHECK_EQ(ffs_t_system("cp '%s' '%s'", saved, t.ft_img), 0)

	v16 = 5;
	ffs_t_poke(&t, ffs_t_inode_off(&g, in.hard1) + 2, &v16, 2);
	CHECK_EQ(run_fsck(&t, "link count 5, names 3"), 1);
	RESTORE();

	poke32(&t, db_off(&g, in.owned, 0), peek32(&t, db_off(&g, in.hard1, 0)));
	CHECK_EQ(run_fsck(&t, "duplicate block"), 1);
	RESTORE();

	poke32(&t, db_off(&g, in.owned, 0), 0x7ffffff0);
	CHECK_EQ(run_fsck(&t, "out of range"), 1);
	RESTORE();

	off = cg + (long)peek32(&t, cg + 96) + g.g_fpg / 8 - 1;	/* last byte of the frag map */
	ffs_t_peek(&t, off, &b, 1);
	b ^= 0x80;
	ffs_t_poke(&t, off, &b, 1);
	CHECK_EQ(run_fsck(&t, "fragment map differs"), 1);
	RESTORE();

	poke32(&t, cg + 28, peek32(&t, cg + 28) + 1);	/* cg_cs.cs_nbfree */
	CHECK_EQ(run_fsck(&t, "free blocks"), 1);
	RESTORE();

	off = version == 2 ? 8192 + 1008 + 16 : 8192 + 192 + 8;	/* total free inodes */
	poke32(&t, off, peek32(&t, off) + 1);
	CHECK_EQ(run_fsck(&t, "superblock totals"), 1);
	RESTORE();

	v16 = 13;
	ffs_t_poke(&t, dir_block(&t, &g, in.root) + 4, &v16, 2);	/* "."'s d_reclen */
	CHECK_EQ(run_fsck(&t, "bad record length"), 1);
	RESTORE();

	poke32(&t, dir_block(&t, &g, in.deep00) + 12, (uint32_t)in.many);	/* ".." */
	CHECK_EQ(run_fsck(&t, "\"..\" is"), 1);
	RESTORE();

	off = cg + (long)peek32(&t, cg + 92) + (long)(in.hard1 / 8);	/* inode map */
	ffs_t_peek(&t, off, &b, 1);
	b &= (uint8_t)~(1u << (in.hard1 % 8));
	ffs_t_poke(&t, off, &b, 1);
	CHECK_EQ(run_fsck(&t, "inode map differs"), 1);
	RESTORE();

	off = ffs_t_inode_off(&g, in.large) + (version == 2 ? 24 : 104);	/* di_blocks */
	poke32(&t, off, peek32(&t, off) + 2);
	CHECK_EQ(run_fsck(&t, "block count"), 1);
	RESTORE();

	CHECK_EQ(run_fsck(&t, "clean"), 0);
	CHECK_EQ(ffs_t_system("head -c 100000 /dev/zero > '%s'", t.ft_img), 0);
	CHECK_EQ(run_fsck(&t, "cannot check"), 8);
#undef RESTORE
	ffs_t_cleanup(&t);
}

T_CASE(corruptions_ufs1) { corrupt_and_check(1); }
T_CASE(corruptions_ufs2) { corrupt_and_check(2); }
