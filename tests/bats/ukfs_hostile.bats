#!/usr/bin/env bats
# ukfs_hostile.bats: get -r of crafted images never writes outside its destination.

load ukfs_helper

setup_file() { ukfs_setup_file; }
setup() { ukfs_setup; }
teardown() { ukfs_teardown; }

# Rename directory entry $2 to $3 (same length) inside image $1 by editing its bytes.
patch_name() {
	[ ${#2} -eq ${#3} ]
	[ "$(grep -a -o -F "$2" "$1" | wc -l)" -eq 1 ]
	FROM=$2 TO=$3 perl -0777 -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$1"
}

@test "a directory entry named ../escape is refused, nothing lands outside" {
	mkdir -p "$T/src/sub"
	echo payload > "$T/src/sub/XXXescape"
	echo fine > "$T/src/sub/ok"
	mke2fs -q -F -t ext2 -d "$T/src" "$T/evil.img" 2M > /dev/null
	patch_name "$T/evil.img" XXXescape ../escape
	# Paths are resolved by name, so ls can only name the entry, not reach it.
	run "$UKFS" "$T/evil.img" ls -a /sub
	[ "$status" -eq 1 ]
	[[ "$output" == *"../escape: No such file or directory"* ]]
	mkdir "$T/dest"
	run "$UKFS" "$T/evil.img" get -r / "$T/dest"
	[ "$status" -eq 1 ]
	[[ "$output" == *'refusing entry "../escape"'* ]]
	[ ! -e "$T/escape" ]
	[ ! -e "$T/dest/escape" ]
	[ "$(cat "$T/dest/sub/ok")" = fine ]
	[ -z "$(find "$T" -name escape)" ]
}

@test "a name with a slash deeper in the path is refused too" {
	mkdir -p "$T/src/a"
	echo payload > "$T/src/a/XXXXXXXXXXXXXXXXXXpasswd"
	mke2fs -q -F -t ext2 -d "$T/src" "$T/evil.img" 2M > /dev/null
	patch_name "$T/evil.img" XXXXXXXXXXXXXXXXXXpasswd ../../../../../../passwd
	mkdir "$T/dest"
	run "$UKFS" "$T/evil.img" get -r / "$T/dest"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a plain file name"* ]]
	[ -z "$(find "$T" -name passwd)" ]
}

@test "a symlink and a directory of the same name: the symlink is never followed" {
	# Either entry may come first in the directory: try both ways round.
	for way in dir-renamed link-renamed; do
		rm -rf "$T/outside" "$T/src" "$T/dest"
		mkdir -p "$T/outside" "$T/src/dirX" "$T/dest"
		echo payload > "$T/src/dirX/planted"
		ln -s "$T/outside" "$T/src/lnkX"
		mke2fs -q -F -t ext2 -d "$T/src" "$T/evil.img" 2M > /dev/null
		if [ $way = dir-renamed ]; then
			patch_name "$T/evil.img" dirX lnkX
		else
			patch_name "$T/evil.img" lnkX dirX
		fi
		run "$UKFS" "$T/evil.img" get -r / "$T/dest"
		[ -z "$(ls -A "$T/outside")" ]
		[ -d "$T/dest/lnkX" ] || [ -d "$T/dest/dirX" ] || [ -L "$T/dest/lnkX" ] || [ -L "$T/dest/dirX" ]
	done
}

@test "symlinks in the image are recreated as symlinks, never followed on the host" {
	mkdir -p "$T/outside" "$T/src"
	ln -s "$T/outside" "$T/src/to-outside"
	ln -s "$T/outside/file" "$T/src/to-file"
	mke2fs -q -F -t ext2 -d "$T/src" "$T/img" 2M > /dev/null
	# The destination already holds a symlink where a file of the image goes.
	mkdir "$T/dest"
	echo data > "$T/src2"
	run "$UKFS" "$T/img" get -r / "$T/dest"
	[ "$status" -eq 0 ]
	[ -L "$T/dest/to-outside" ]
	[ "$(readlink "$T/dest/to-file")" = "$T/outside/file" ]
	[ -z "$(ls -A "$T/outside")" ]
	# Getting again over what is there replaces the links, still nothing outside.
	run "$UKFS" "$T/img" get -r / "$T/dest"
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$T/outside")" ]
}

@test "a host symlink in the destination where the image has a directory is not followed" {
	mkdir -p "$T/outside" "$T/src/d"
	echo payload > "$T/src/d/f"
	mke2fs -q -F -t ext2 -d "$T/src" "$T/img" 2M > /dev/null
	mkdir "$T/dest"
	ln -s "$T/outside" "$T/dest/d"
	run "$UKFS" "$T/img" get -r / "$T/dest"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/d:"* ]]
	[ -z "$(ls -A "$T/outside")" ]
}

@test "a directory hard-linked into its own subtree: get -r, ls -R, find, du, rm -r end with exit 1" {
	mkdir -p "$T/src/a/b"
	echo payload > "$T/src/a/b/f"
	mke2fs -q -F -t ext2 -d "$T/src" "$T/loop.img" 2M > /dev/null
	debugfs -w -R "ln /a /a/b/up" "$T/loop.img" 2> /dev/null
	run "$UKFS" "$T/loop.img" ls /a/b
	[[ "$output" == *up* ]]
	mkdir "$T/dest"
	run "$UKFS" "$T/loop.img" get -r / "$T/dest"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/a/b/up: directory loop in the image, not followed"* ]]
	[ "$(cat "$T/dest/a/b/f")" = payload ]
	for cmd in "ls -R /" "find /" "du /" "rm -r /a"; do
		run timeout 120 "$UKFS" "$T/loop.img" $cmd
		[ "$status" -eq 1 ]
		[[ "$output" == *"levels deep"* ]]
	done
}

@test "get -r: an entry the directory calls a regular file but whose inode is a FIFO, a symlink or a directory" {
	# get -r opens entries typed DT_REG directly; the inode's own type must win, without hanging.
	cp "$IMGS/ext2.img" "$T/fifo.img"
	debugfs -w -R "set_inode_field /etc/passwd mode 010600" "$T/fifo.img" 2> /dev/null
	run timeout 60 "$UKFS" "$T/fifo.img" get -r / "$T/out1"
	[ "$status" -eq 0 ]
	[ -p "$T/out1/etc/passwd" ]
	cp "$IMGS/ext2.img" "$T/lnk.img"
	debugfs -w -R "set_inode_field /hello.txt mode 0120777" "$T/lnk.img" 2> /dev/null
	run timeout 60 "$UKFS" "$T/lnk.img" get -r / "$T/out2"
	[ -L "$T/out2/hello.txt" ]
	[ -f "$T/out2/usr/share/doc/numbers" ]
	cp "$IMGS/ext2.img" "$T/dir.img"
	debugfs -w -R "set_inode_field /etc/passwd mode 040700" "$T/dir.img" 2> /dev/null
	run timeout 60 "$UKFS" "$T/dir.img" get -r / "$T/out3"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/etc/passwd: Input/output error"* ]]
	[ ! -e "$T/out3/etc/passwd" ] || [ -d "$T/out3/etc/passwd" ]
}
