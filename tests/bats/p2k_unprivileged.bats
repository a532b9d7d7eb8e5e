#!/usr/bin/env bats
# p2k_unprivileged.bats: a non-root user (uid 1000, through fusermount3) mounts an image it made, whose root
# directory belongs to root: refused without options; -o uid=0,gid=0 makes the user the image's root both ways;
# -o fakeroot makes every request root's, nosuid,nodev; what stays refused; bad options. ext2 and FFS.

load p2k_helper

U=1000

setup() {
	p2k_setup
	mkdir -p "$T/src/etc"
	echo secret > "$T/src/etc/shadow"
	chmod 600 "$T/src/etc/shadow"
	chown 123:123 "$T/src/etc/shadow"
	echo hello > "$T/src/hello"
	chown "$U:$U" "$T" "$M"
}

teardown() {
	p2k_teardown
}

# image FS: $T/img of file system FS (ext2fs or ffs) from $T/src, owned by the user.
image() {
	if [ "$1" = ext2fs ]; then
		mke2fs -q -F -t ext2 -d "$T/src" "$T/img" 8M >/dev/null
	else
		makefs -t ffs -o version=2 -s 8m "$T/img" "$T/src" >/dev/null
	fi
	chown "$U:$U" "$T/img"
}

# user_start FS OPTS...: the daemon started by the user, as a user starts it (it backgrounds itself).
user_start() {
	local fs=$1
	shift
	run setpriv --reuid=$U --regid=$U --clear-groups "$B/daemons/rump_$fs" "$@" "$T/img" "$M"
	echo "$output"
	[ "$status" -eq 0 ]
	mounted	# root may not look into a mount without allow_other: ask /proc
}

mounted() {
	awk -v m="$M" '$2 == m { f = 1 } END { exit !f }' /proc/mounts
}

user_stop() {
	setpriv --reuid=$U --regid=$U --clear-groups fusermount3 -u "$M"
	for _ in $(seq 100); do
		pgrep -f "rump_.* $T/img" >/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# image_owner FS PATH: "uid:gid" of PATH in the unmounted image.
image_owner() {
	"$B/ukfs/cli/ukfs" "$T/img" stat "$1" | awk '/^Uid:/ { u = $2 } /^Gid:/ { g = $2 } END { print u ":" g }'
}

checkfs() {
	if [ "$1" = ext2fs ]; then
		e2fsck -fn "$T/img"
	else
		"$B/fs/ffs/fsck_ffs" "$T/img"
	fi
}

unprivileged_case() {
	local fs=$1
	image "$fs"

	# Plainly: the root directory is root's, and the user is not.
	user_start "$fs"
	p2k_denied "touch $M/new"
	[ "$(p2k_as_user "cat $M/hello")" = hello ]
	user_stop

	# uid=0,gid=0: the user is the image's root, both ways; others' files stay closed.
	user_start "$fs" -o uid=0,gid=0
	[ "$(p2k_as_user "stat -c %u:%g $M")" = "$U:$U" ]
	p2k_as_user "mkdir $M/d && echo made > $M/d/f && ln -s d/f $M/l && chmod 700 $M/d"
	[ "$(p2k_as_user "stat -c %u:%g $M/d/f")" = "$U:$U" ]
	[ "$(p2k_as_user "stat -c %u $M/etc/shadow")" = 123 ]
	p2k_denied "cat $M/etc/shadow"
	run p2k_as_user "chown 123 $M/d/f"
	[ "$status" -ne 0 ] && [[ "$output" == *"Operation not permitted"* ]]
	user_stop
	[ "$(image_owner /d/f)" = "0:0" ]
	checkfs "$fs"

	# fakeroot: every request is root's inside; the mount is nosuid,nodev.
	user_start "$fs" -o fakeroot
	findmnt -no OPTIONS "$M" | grep -q nosuid
	findmnt -no OPTIONS "$M" | grep -q nodev
	[ "$(p2k_as_user "cat $M/etc/shadow")" = secret ]
	p2k_as_user "echo x > $M/byroot && chown 77:88 $M/byroot && chmod 4755 $M/byroot"
	[ "$(p2k_as_user "stat -c %u:%g:%a $M/byroot")" = "77:88:4755" ]
	# Only the mounting user is let in (no allow_other).
	run setpriv --reuid=1001 --regid=1001 --clear-groups cat "$M/hello"
	[ "$status" -ne 0 ]
	user_stop
	[ "$(image_owner /byroot)" = "77:88" ]
	checkfs "$fs"
}

@test "rump_ext2fs as a non-root user: refused plainly, uid=0,gid=0 and fakeroot let it write, e2fsck clean" {
	unprivileged_case ext2fs
}

@test "rump_ffs as a non-root user: refused plainly, uid=0,gid=0 and fakeroot let it write, fsck_ffs clean" {
	unprivileged_case ffs
}

@test "bad credential options: uid= not a number, fakeroot with uid=, and nothing is mounted" {
	image ext2fs
	run setpriv --reuid=$U --regid=$U --clear-groups "$B/daemons/rump_ext2fs" -o uid=root "$T/img" "$M"
	[ "$status" -ne 0 ]
	[[ "$output" == *"-o uid=root: not a user or group number"* ]]
	run setpriv --reuid=$U --regid=$U --clear-groups "$B/daemons/rump_ext2fs" -o fakeroot,gid=0 "$T/img" "$M"
	[ "$status" -ne 0 ]
	[[ "$output" == *"-o fakeroot and -o uid=/gid= together"* ]]
	! mounted
}
