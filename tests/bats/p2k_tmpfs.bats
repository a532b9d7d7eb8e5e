#!/usr/bin/env bats
# p2k_tmpfs.bats: rump_tmpfs (rumpfs through libp2k and FUSE): round trips, names, permissions, daemon life cycle.

load p2k_helper

setup() {
	p2k_setup
}

teardown() {
	p2k_teardown
}

@test "rump_tmpfs: cp -a of a generated tree reads back identical (contents, modes, owners, times, links)" {
	p2k_tree "$T/src"
	p2k_start rump_tmpfs "$M"
	cp -a "$T/src/." "$M/"
	p2k_same "$T/src" "$M"
	# the sparse file stays sparse, the hard link is one file
	[ "$(stat -c %b "$M/sparse")" -lt 100 ]
	[ "$(stat -c %i "$M/hardlink")" = "$(stat -c %i "$M/sub/b4096")" ]
	[ "$(stat -c %h "$M/hardlink")" -eq 2 ]
	p2k_stop
}

@test "rump_tmpfs: rename, RENAME_NOREPLACE, link, symlink, unlink, rmdir through the mount" {
	p2k_start rump_tmpfs "$M"
	mkdir -p "$M/a/b" "$M/c"
	echo one >"$M/a/f"
	echo two >"$M/c/g"
	mv "$M/a/f" "$M/c/f"
	[ ! -e "$M/a/f" ] && [ "$(cat "$M/c/f")" = one ]
	mv -f "$M/c/f" "$M/c/g"			# replaces
	[ "$(cat "$M/c/g")" = one ]
	echo three >"$M/c/h"
	run python3 -c 'import ctypes,sys; libc=ctypes.CDLL(None,use_errno=True); r=libc.renameat2(-100,sys.argv[1].encode(),-100,sys.argv[2].encode(),1); print(ctypes.get_errno() if r else 0)' "$M/c/g" "$M/c/h"
	[ "$output" = 17 ]			# EEXIST
	run python3 -c 'import ctypes,sys; libc=ctypes.CDLL(None,use_errno=True); r=libc.renameat2(-100,sys.argv[1].encode(),-100,sys.argv[2].encode(),2); print(ctypes.get_errno() if r else 0)' "$M/c/g" "$M/c/h"
	[ "$output" = 22 ]			# RENAME_EXCHANGE: EINVAL
	mv "$M/a/b" "$M/c/b"			# a directory to another parent
	[ -d "$M/c/b" ] && [ ! -e "$M/a/b" ]
	run mv "$M/c" "$M/c/b/inside"
	[ "$status" -ne 0 ]			# into itself: EINVAL
	ln "$M/c/g" "$M/a/hard"
	[ "$(stat -c %h "$M/c/g")" -eq 2 ]
	ln -s ../c/g "$M/a/sym"
	[ "$(readlink "$M/a/sym")" = ../c/g ] && [ "$(cat "$M/a/sym")" = one ]
	run rmdir "$M/c"
	[ "$status" -ne 0 ] && [[ "$output" == *"not empty"* ]]
	run rm "$M/c/b"
	[ "$status" -ne 0 ]
	rm "$M/a/hard" "$M/a/sym"
	[ "$(stat -c %h "$M/c/g")" -eq 1 ]
	rm -r "$M/a" "$M/c"
	[ -z "$(ls -A "$M")" ]
	p2k_stop
}

@test "rump_tmpfs: setattr: chmod, chown, truncate, utimes with UTIME_NOW and UTIME_OMIT" {
	p2k_start rump_tmpfs "$M"
	seq 1 1000 >"$M/f"
	chmod 640 "$M/f" && [ "$(stat -c %a "$M/f")" = 640 ]
	chown 1000:2000 "$M/f" && [ "$(stat -c %u:%g "$M/f")" = 1000:2000 ]
	truncate -s 3 "$M/f" && [ "$(cat "$M/f")" = "$(printf '1\n2')" ]
	truncate -s 1G "$M/f" && [ "$(stat -c %s "$M/f")" = 1073741824 ]
	[ "$(stat -c %b "$M/f")" -lt 100 ]
	touch -m -d '2000-01-01 00:00:00' "$M/f"
	touch -a -d '1999-01-01 00:00:00' "$M/f"	# atime only: mtime kept (UTIME_OMIT)
	[ "$(stat -c %Y "$M/f")" = "$(date -d '2000-01-01 00:00:00' +%s)" ]
	[ "$(stat -c %X "$M/f")" = "$(date -d '1999-01-01 00:00:00' +%s)" ]
	touch "$M/f"					# UTIME_NOW
	[ "$(( $(date +%s) - $(stat -c %Y "$M/f") ))" -lt 5 ]
	p2k_stop
}

@test "rump_tmpfs: large file, 1 MiB writes, and statfs" {
	p2k_start rump_tmpfs "$M"
	head -c 20000000 /dev/urandom >"$T/big"
	dd if="$T/big" of="$M/big" bs=1M status=none
	cmp "$T/big" "$M/big"
	dd if="$M/big" of="$T/back" bs=1M iflag=skip_bytes skip=12345 status=none
	cmp <(tail -c +12346 "$T/big") "$T/back"
	df "$M" | grep -q "$M"
	[ "$(stat -f -c %T "$M")" = fuseblk ] || [ "$(stat -f -c %T "$M")" = fuse ] || stat -f "$M"
	p2k_stop
}

@test "rump_tmpfs: a second user sees EACCES where the modes say so (allow_other)" {
	p2k_start rump_tmpfs -o allow_other "$M"
	chmod 755 "$M"
	mkdir "$M/pub" "$M/priv"
	chmod 777 "$M/pub"
	chmod 700 "$M/priv"
	echo secret >"$M/priv/s"
	echo ro >"$M/pub/ro"
	chmod 644 "$M/pub/ro"
	p2k_denied "ls '$M/priv'"
	p2k_denied "cat '$M/priv/s'"
	p2k_denied "echo x >>'$M/pub/ro'"
	run p2k_as_user "chmod 777 '$M/pub/ro'"
	[ "$status" -ne 0 ] && [[ "$output" == *"not permitted"* ]]
	p2k_denied "mkdir '$M/nope'"
	p2k_as_user "echo mine >'$M/pub/mine' && mkdir '$M/pub/d' && cat '$M/pub/ro'"
	[ "$(stat -c %u:%g "$M/pub/mine")" = 1000:1000 ]
	[ "$(stat -c %u:%g "$M/pub/d")" = 1000:1000 ]
	# a group the user is in (supplementary groups reach the rump kernel)
	mkdir "$M/grp" && chgrp 4242 "$M/grp" && chmod 770 "$M/grp"
	run setpriv --reuid=1000 --regid=1000 --groups=4242 sh -c "touch '$M/grp/ok'"
	[ "$status" -eq 0 ]
	run p2k_as_user "touch '$M/grp/no'"
	[ "$status" -ne 0 ]
	p2k_stop
}

@test "rump_tmpfs: default_permissions passes through; without allow_other other users are kept out" {
	p2k_start rump_tmpfs -o default_permissions "$M"
	grep " $M " /proc/mounts | grep -q default_permissions
	run setpriv --reuid=1000 --regid=1000 --clear-groups ls "$M"
	[ "$status" -ne 0 ]
	p2k_stop
}

@test "rump_tmpfs: backgrounds itself, SIGTERM unmounts, fusermount3 -u ends the daemon" {
	"$B/daemons/rump_tmpfs" "$M" 3>&-
	mountpoint -q "$M"
	echo hi >"$M/x"
	fusermount3 -u "$M"
	! mountpoint -q "$M"
	for _ in $(seq 50); do
		pgrep -f "rump_tmpfs $M\$" >/dev/null || break
		sleep 0.1
	done
	! pgrep -f "rump_tmpfs $M\$"
	p2k_start rump_tmpfs "$M"
	kill -TERM "$PID"
	wait "$PID"
	PID=""
	! mountpoint -q "$M"
}

@test "rump_tmpfs: usage errors, --help, --version, bad options, missing, busy and non-empty mount points" {
	run "$B/daemons/rump_tmpfs"
	[ "$status" -eq 2 ] && [[ "$output" == usage:* ]]
	run "$B/daemons/rump_tmpfs" "$M" extra
	[ "$status" -eq 2 ]
	run "$B/daemons/rump_tmpfs" --help
	[ "$status" -eq 0 ] && [[ "$output" == *allow_other* ]]
	run "$B/daemons/rump_tmpfs" --version
	[ "$status" -eq 0 ] && [[ "$output" == "rump_tmpfs "* ]]
	run "$B/daemons/rump_tmpfs" -o bogus_option "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"bogus_option"* ]]
	run "$B/daemons/rump_tmpfs" "$T/missing"
	[ "$status" -eq 1 ] && [[ "$output" == *"missing"*"No such file"* ]]
	touch "$T/file"
	run "$B/daemons/rump_tmpfs" "$T/file"
	[ "$status" -eq 1 ] && [[ "$output" == *"Not a directory"* ]]
	p2k_start rump_tmpfs "$M"
	run "$B/daemons/rump_tmpfs" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"already a mount point"* ]]
	p2k_stop
	# a directory with files is not covered by mistake
	touch "$M/mine"
	run "$B/daemons/rump_tmpfs" "$M"
	[ "$status" -eq 1 ] && [[ "$output" == *"not empty (use -o nonempty"* ]]
	! mountpoint -q "$M"
	p2k_start rump_tmpfs -o nonempty "$M"
	[ ! -e "$M/mine" ]
	p2k_stop
	[ -e "$M/mine" ]
}

@test "rump_tmpfs: kill -9 of the daemon: the mount goes away with fusermount3 -u -z" {
	p2k_start rump_tmpfs "$M"
	echo x >"$M/f"
	kill -KILL "$PID"
	wait "$PID" || true
	PID=""
	run cat "$M/f"
	[ "$status" -ne 0 ]
	fusermount3 -u -z "$M"
	! mountpoint -q "$M"
}

@test "rump_tmpfs: four concurrent workers renaming, linking and removing across directories" {
	p2k_start rump_tmpfs "$M"
	p2k_churn "$M"
	[ "$(find "$M" -name 'g*' -type f | wc -l)" -eq 480 ]
	p2k_stop
}
