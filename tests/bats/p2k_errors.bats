#!/usr/bin/env bats
# p2k_errors.bats: -o errors=continue|remount-ro|panic when the file system finds a corrupt inode
# while mounted, on ext2 and FFS; ext2 without the option follows the superblock's s_errors.

load p2k_helper

setup() {
	p2k_setup
	mkdir "$T/src"
	echo data >"$T/src/bad"
	echo good >"$T/src/good"
	mkdir "$T/src/dir"
}

teardown() {
	p2k_teardown
}

# ffs_set_size IMG INO SIZE: patch di_size of inode INO (cylinder group 0) of a little-endian makefs image.
ffs_set_size() {
	python3 - "$@" <<'PY'
import struct, sys
img, ino, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
with open(img, 'r+b') as f:
    f.seek(8192)
    sb = f.read(1376)
    magic = struct.unpack_from('<i', sb, 1372)[0]
    ufs2 = magic == 0x19540119
    iblkno, fsize = (struct.unpack_from('<i', sb, o)[0] for o in (16, 52))
    f.seek(iblkno * fsize + ino * (256 if ufs2 else 128) + (16 if ufs2 else 8))
    f.write(struct.pack('<Q', size))
PY
}

# image FS [ERRORS]: $T/img with /bad an inode whose size is past the format's limit.
image() {
	if [ "$1" = ext2 ]; then
		mke2fs -q -t ext2 -F -d "$T/src" ${2:+-e "$2"} "$T/img" 8M
		debugfs -w -R "sif /bad size 0x100000000000" "$T/img" 2>/dev/null
	else
		makefs -t ffs -o version=2 -B le -s 8m "$T/img" "$T/src" >/dev/null
		ffs_set_size "$T/img" "$("$B/ukfs/cli/ukfs" "$T/img" stat /bad | sed -n 's/^Inode: //p')" \
		    0x7000000000000000
	fi
}

daemon() {
	[ "$1" = ext2 ] && echo rump_ext2fs || echo rump_ffs
}

# fsck_says_errors FS: the checker finds what the mount saw (the error mark was written).
fsck_says_errors() {
	if [ "$1" = ext2 ]; then
		run e2fsck -fn "$T/img"
	else
		run "$B/fs/ffs/fsck_ffs" "$T/img"
	fi
	echo "$output"
	[ "$status" -ne 0 ]
}

# continue FS [OPTS]: the corrupt inode fails with EIO, the mount goes on writing.
continue_policy() {
	p2k_start "$(daemon "$1")" ${2:+-o "$2"} "$T/img" "$M"
	run stat "$M/bad"
	[[ "$output" == *"Input/output error"* ]]
	echo new >"$M/new"
	mkdir "$M/dir/sub"
	[ "$(cat "$M/good")" = good ]
	p2k_stop
	grep -q "inode .*: size " "$T/log"
	! grep -q "errors=" "$T/log"
	[ "$("$B/ukfs/cli/ukfs" "$T/img" cat /new)" = new ]
	fsck_says_errors "$1"
}

# remount_ro FS [OPTS]: after the corrupt inode, changes fail with EROFS, reads go on, unmount is clean.
remount_ro() {
	p2k_start "$(daemon "$1")" ${2:+-o "$2"} "$T/img" "$M"
	echo before >"$M/before"
	exec 5>>"$M/good"
	run stat "$M/bad"
	[[ "$output" == *"Input/output error"* ]]
	grep -q "errors=remount-ro: read-only from now on" "$T/log"
	run touch "$M/new"
	[[ "$output" == *"Read-only file system"* ]]
	run mkdir "$M/dir/sub"
	[[ "$output" == *"Read-only file system"* ]]
	run rm "$M/good"
	[[ "$output" == *"Read-only file system"* ]]
	# an already open file takes no more writes either
	run sh -c 'echo more >&5'
	[ "$status" -ne 0 ]
	exec 5>&-
	[ "$(cat "$M/good")" = good ]
	[ "$(cat "$M/before")" = before ]
	p2k_stop
	[ "$("$B/ukfs/cli/ukfs" "$T/img" cat /before)" = before ]
	fsck_says_errors "$1"
}

# panic FS [OPTS]: the daemon stops at the corrupt inode, exits 1 without syncing; the mount is left disconnected.
panic_policy() {
	p2k_start "$(daemon "$1")" ${2:+-o "$2"} "$T/img" "$M"
	echo unsynced >"$M/unsynced"
	run stat "$M/bad"
	[ "$status" -ne 0 ]
	local st=0
	wait "$PID" || st=$?
	PID=""
	cat "$T/log"
	[ "$st" -eq 1 ]
	grep -q "errors=panic: stopping at once, nothing written" "$T/log"
	run ls "$M"
	[[ "$output" == *"Transport endpoint is not connected"* ]]
	fusermount3 -u "$M"
	! mountpoint -q "$M"
	# nothing was synced: the file made before is not on the image, the old ones are
	[ "$("$B/ukfs/cli/ukfs" -o ro,force "$T/img" cat /good)" = good ]
	run "$B/ukfs/cli/ukfs" -o ro,force "$T/img" cat /unsynced
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such file or directory"* ]]
}

@test "errors=continue on ext2 and FFS: EIO for the corrupt inode, writes go on, fsck finds the errors" {
	image ext2
	continue_policy ext2 errors=continue
	image ffs
	continue_policy ffs errors=continue
}

@test "errors=remount-ro on ext2 and FFS: EROFS for every change after the corruption, the error mark written" {
	image ext2
	remount_ro ext2 errors=remount-ro
	image ffs
	remount_ro ffs errors=remount-ro
}

@test "errors=panic on ext2 and FFS: the daemon exits 1 at once, nothing synced, fusermount3 -u cleans up" {
	image ext2
	panic_policy ext2 errors=panic
	image ffs
	panic_policy ffs errors=panic
}

@test "ext2 without errors= follows s_errors (tune2fs -e); FFS defaults to continue; errors= overrides s_errors" {
	image ext2 continue
	continue_policy ext2
	image ext2 remount-ro
	remount_ro ext2
	image ext2 panic
	panic_policy ext2
	image ext2 panic
	continue_policy ext2 errors=continue
	image ffs
	continue_policy ffs
}

@test "errors=: a bad value and rump_tmpfs are refused with a message; --help names it" {
	image ext2
	run "$B/daemons/rump_ext2fs" -f -o errors=reboot "$T/img" "$M"
	[ "$status" -eq 2 ]
	[[ "$output" == *"errors= takes continue, remount-ro or panic"* ]]
	run "$B/daemons/rump_tmpfs" -f -o errors=panic "$M"
	[ "$status" -eq 2 ]
	[[ "$output" == *"errors= is for images"* ]]
	! mountpoint -q "$M"
	run "$B/daemons/rump_ffs" --help
	[[ "$output" == *"errors=remount-ro"* ]]
}

# A detached daemon's stderr is /dev/null: the file system's messages go to syslog.  Run in a
# mount namespace of its own with a private /dev, whose /dev/log this test listens on.
@test "a backgrounded rump_ext2fs logs the corruption and errors=remount-ro to syslog" {
	image ext2
	cat >"$T/ns.sh" <<'SH'
set -e
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/fuse c 10 229
mknod -m 666 /dev/null c 1 3
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(3)
with open(sys.argv[1], "wb") as f:
    try:
        while True:
            f.write(s.recv(4096) + b"\n")
            f.flush()
    except socket.timeout:
        pass
' "$T/syslog" &
while [ ! -e "$T/syslog.ready" ]; do sleep 0.05; done
"$B/daemons/rump_ext2fs" -o errors=remount-ro "$T/img" "$M"
stat "$M/bad" 2>/dev/null && exit 1
touch "$M/new" 2>"$T/touch.err" && exit 1
fusermount3 -u "$M"
wait
SH
	T="$T" B="$B" M="$M" timeout 60 unshare -m --propagation private sh "$T/ns.sh"
	cat "$T/syslog"
	grep -q "Read-only file system" "$T/touch.err"
	grep -q "rump_ext2fs\[[0-9]*\]: ext2fs: inode [0-9]*: size " "$T/syslog"
	grep -q "rump_ext2fs\[[0-9]*\]: vfs: .*errors=remount-ro: read-only from now on" "$T/syslog"
	! mountpoint -q "$M"
	fsck_says_errors ext2
}
