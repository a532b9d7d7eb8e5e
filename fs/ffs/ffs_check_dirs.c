/* ffs_check_dirs.c: checker passes 2 and 4: directory structure, names of allocated inodes, link counts. */
#include "ffs_check_impl.h"

struct dirscan {
	struct ffs_chk	*ds_ck;
	ino_t		ds_dir;
	unsigned	ds_n;		/* entries seen */
};

static bool
is_name(const struct ffs_dirent *de, const char *name)
{
	return de->de_namlen == strlen(name) && memcmp(de->de_name, name, de->de_namlen) == 0;
}

/* The first two entries must be "." (itself) and ".."; every name must be of an allocated inode. */
static int
scan_entry(void *arg, const struct ffs_dirent *de, uint64_t off)
{
	struct dirscan *ds = arg;
	struct ffs_chk *ck = ds->ds_ck;
	struct chk_ino *ci = &ck->ino[de->de_ino];
	unsigned n = ds->ds_n++;

	if (n == 0 && (!is_name(de, ".") || de->de_ino != ds->ds_dir || off != 0))
		chk_report(ck, "directory %ju: first entry is not \".\"", (uintmax_t)ds->ds_dir);
	if (n == 1 && !is_name(de, ".."))
		chk_report(ck, "directory %ju: second entry is not \"..\"", (uintmax_t)ds->ds_dir);
	if (n >= 2 && (is_name(de, ".") || is_name(de, "..")))
		chk_report(ck, "directory %ju: extra \"%.*s\" entry at %ju", (uintmax_t)ds->ds_dir,
		    de->de_namlen, de->de_name, (uintmax_t)off);
	if (ci->ci_mode == 0) {
		chk_report(ck, "directory %ju: entry \"%.*s\" names free inode %u",
		    (uintmax_t)ds->ds_dir, de->de_namlen, de->de_name, de->de_ino);
		return 0;
	}
	ci->ci_refs++;
	if (!ck->fm.fm_olddir && de->de_type != ffs_mode_to_dt(ci->ci_mode))
		chk_report(ck, "directory %ju: entry \"%.*s\" has type %u, inode %u is mode %o",
		    (uintmax_t)ds->ds_dir, de->de_namlen, de->de_name, de->de_type, de->de_ino,
		    ci->ci_mode);
	if (n == 1)
		ck->ino[ds->ds_dir].ci_dotdot = de->de_ino;
	if (n >= 2 && (ci->ci_mode & FFS_IFMT) == FFS_IFDIR) {
		if (ci->ci_parent != 0)
			chk_report(ck, "directory %u has a second name \"%.*s\" in directory %ju",
			    de->de_ino, de->de_namlen, de->de_name, (uintmax_t)ds->ds_dir);
		else
			ci->ci_parent = (uint32_t)ds->ds_dir;
	}
	return 0;
}

static void
scan_dir(struct ffs_chk *ck, ino_t ino, struct ffs_inode *ip)
{
	struct dirscan ds = { .ds_ck = ck, .ds_dir = ino };
	int error;

	if ((error = ffs_inode_load(&ck->fm, ino, ip)) != 0)
		return;		/* reported by pass 1 */
	error = ffs_dir_walk(ip, 0, scan_entry, &ds);
	if (error)
		chk_report(ck, "directory %ju: unreadable or malformed (error %d, see above)",
		    (uintmax_t)ino, error);
	else if (ds.ds_n < 2)
		chk_report(ck, "directory %ju: missing \".\" or \"..\"", (uintmax_t)ino);
}

int
chk_pass_dirs(struct ffs_chk *ck)
{
	struct ffs_inode *ip;
	uint64_t maxino = ffs_maxino(&ck->fm);

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	if (ip == NULL)
		return ENOMEM;
	for (uint64_t ino = FFS_ROOTINO; ino < maxino; ino++)
		if ((ck->ino[ino].ci_mode & FFS_IFMT) == FFS_IFDIR && ck->ino[ino].ci_nlink > 0)
			scan_dir(ck, (ino_t)ino, ip);
	kmem_free(ip, sizeof(*ip));
	return 0;
}

/* Every allocated inode has as many links as names; every directory's ".." is its parent. */
void
chk_pass_links(struct ffs_chk *ck)
{
	uint64_t maxino = ffs_maxino(&ck->fm);

	for (uint64_t ino = FFS_ROOTINO; ino < maxino; ino++) {
		struct chk_ino *ci = &ck->ino[ino];

		if (ci->ci_mode == 0)
			continue;
		if (ci->ci_refs == 0)
			chk_report(ck, "inode %ju: allocated but named nowhere", (uintmax_t)ino);
		else if ((uint32_t)ci->ci_nlink != ci->ci_refs)
			chk_report(ck, "inode %ju: link count %d, names %u", (uintmax_t)ino,
			    ci->ci_nlink, ci->ci_refs);
		if ((ci->ci_mode & FFS_IFMT) != FFS_IFDIR)
			continue;
		if (ino == FFS_ROOTINO) {
			if (ci->ci_dotdot != FFS_ROOTINO)
				chk_report(ck, "root directory: \"..\" is %u", ci->ci_dotdot);
			if (ci->ci_parent != 0)
				chk_report(ck, "root directory has a name in %u", ci->ci_parent);
		} else if (ci->ci_parent != 0 && ci->ci_dotdot != ci->ci_parent) {
			chk_report(ck, "directory %ju: \"..\" is %u, its name is in %u",
			    (uintmax_t)ino, ci->ci_dotdot, ci->ci_parent);
		}
	}
}
