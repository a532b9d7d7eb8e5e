#!/usr/bin/env bats
# p2k_semantics.bats: POSIX semantics through the mount as another user meets them:
# set-id bits after a write or truncate by a non-owner, permission on opening FIFOs.
# Each case runs on rump_ext2fs, rump_ffs and rump_tmpfs.

load p2k_helper

setup() {
	p2k_setup
	cp "$BATS_TEST_DIRNAME/p2k_access.py" "$T/access.py"
	chmod 755 "$T/access.py"
}

teardown() {
	p2k_teardown
}

# sem_mount FS [OPTS]: mount an empty file system of kind FS (ext2, ffs, tmpfs) on $M
# with allow_other (and OPTS); a second call remounts the same image.
sem_mount() {
	local o=allow_other${2:+,$2}
	case "$1" in
	ext2)
		[ -e "$T/img" ] || { truncate -s 32M "$T/img" && mke2fs -q -t ext2 -F "$T/img"; }
		p2k_start rump_ext2fs -o "$o" "$T/img" "$M" ;;
	ffs)
		mkdir -p "$T/empty"
		[ -e "$T/img" ] || makefs -t ffs -s 32m "$T/img" "$T/empty" >/dev/null
		p2k_start rump_ffs -o "$o" "$T/img" "$M" ;;
	tmpfs)
		p2k_start rump_tmpfs -o "$o" "$M" ;;
	esac
	chmod 1777 "$M"
}

# sem_check FS: after unmounting, the image is clean.
sem_check() {
	case "$1" in
	ext2) e2fsck -fn "$T/img" ;;
	ffs) "$B/fs/ffs/fsck_ffs" "$T/img" ;;
	esac
}

# as UID GID CMD...: CMD as that user, with no supplementary groups.
as() {
	local u=$1 g=$2
	shift 2
	setpriv --reuid="$u" --regid="$g" --clear-groups "$@"
}

setid_case() {
	local fs=$1 m
	sem_mount "$fs" "${2:-}"
	for m in 4777 2777 6777; do
		printf data >"$M/f$m"
		chmod "$m" "$M/f$m"
		# (the host now caches the mode; a stat asking for it alone is served from there)
		[ "$(stat -c %a "$M/f$m")" = "$m" ]
		run as 65534 65534 "$T/access.py" write-fstat "$M/f$m"
		echo "$fs $m: $output"
		[ "$status" -eq 0 ] && [ "$output" = 777 ]
		[ "$(stat -c %a "$M/f$m")" = 777 ]
		[ "$(cat "$M/f$m")" = datax ]
		# truncate by a non-owner drops them too
		chmod "$m" "$M/f$m"
		as 65534 65534 truncate -s 2 "$M/f$m"
		[ "$(stat -c %a "$M/f$m")" = 777 ] && [ "$(stat -c %s "$M/f$m")" = 2 ]
		# and so does an open with O_TRUNC
		chmod "$m" "$M/f$m"
		as 65534 65534 sh -c "echo new >'$M/f$m'"
		[ "$(stat -c %a "$M/f$m")" = 777 ] && [ "$(cat "$M/f$m")" = new ]
		# root's writes keep them, as on Linux
		chmod "$m" "$M/f$m"
		echo more >>"$M/f$m"
		[ "$(stat -c %a "$M/f$m")" = "$m" ]
	done
	# a non-owner still may not chmod
	run as 65534 65534 chmod 777 "$M/f4777"
	[ "$status" -ne 0 ] && [[ "$output" == *"Operation not permitted"* ]]
	[ "$(stat -c %a "$M/f4777")" = 4777 ]
	# chown drops set-user-id, even root's (as Linux)
	chown 5:5 "$M/f4777"
	[ "$(stat -c %a "$M/f4777")" = 777 ]
	p2k_stop
	sem_check "$fs"
	# after a remount the bits are as left
	if [ "$fs" != tmpfs ]; then
		sem_mount "$fs" "${2:-}"
		[ "$(stat -c %a "$M/f6777")" = 6777 ] && [ "$(stat -c %a "$M/f2777")" = 2777 ]
		p2k_stop
	fi
}

@test "rump_ext2fs: a write or truncate by another user drops set-id bits (fstat and stat show 0777); root's keep them" {
	setid_case ext2
}

@test "rump_ffs: a write or truncate by another user drops set-id bits (fstat and stat show 0777); root's keep them" {
	setid_case ffs
}

@test "rump_tmpfs: a write or truncate by another user drops set-id bits (fstat and stat show 0777); root's keep them" {
	setid_case tmpfs
}

@test "rump_ext2fs -o writeback_cache: a write, truncate or O_TRUNC open by another user drops set-id bits" {
	setid_case ext2 writeback_cache
}

@test "rump_ffs -o writeback_cache: a write, truncate or O_TRUNC open by another user drops set-id bits" {
	setid_case ffs writeback_cache
}

# fifo_matrix DIR: for each mode, FIFOs owned by 1000:1000, opened by the owner,
# a member of the group and another user; one line per mode and user.
fifo_matrix() {
	local d=$1 m who
	for m in 0600 0060 0006 0477 0747 0774 0177 0717 0771 0077 0707 0770; do
		mkfifo "$d/p$m"
		chown 1000:1000 "$d/p$m"
		chmod "$m" "$d/p$m"
		for who in "1000 1000" "1001 1000" "1002 1002"; do
			# shellcheck disable=SC2086
			echo "$m $who: $(as $who "$T/access.py" open-matrix "$d/p$m")"
		done
	done
}

fifo_case() {
	local fs=$1
	mkdir "$T/ref"
	chmod 1777 "$T/ref"
	fifo_matrix "$T/ref" >"$T/want"
	# the reference is the host kernel's own answer; it refuses somewhere
	grep -q EACCES "$T/want" && grep -q OK "$T/want"
	sem_mount "$fs"
	fifo_matrix "$M" >"$T/got"
	diff "$T/want" "$T/got"
	# a device node of another user, mode 0600: refused too
	mknod "$M/dev" c 1 3
	chmod 600 "$M/dev"
	run as 1002 1002 head -c 1 "$M/dev"
	[ "$status" -ne 0 ] && [[ "$output" == *"Permission denied"* ]]
	p2k_stop
	sem_check "$fs"
}

@test "rump_ext2fs: opening a FIFO is refused exactly where the host kernel refuses it (owner/group/other x 12 modes)" {
	fifo_case ext2
}

@test "rump_ffs: opening a FIFO is refused exactly where the host kernel refuses it (owner/group/other x 12 modes)" {
	fifo_case ffs
}

@test "rump_tmpfs: opening a FIFO is refused exactly where the host kernel refuses it (owner/group/other x 12 modes)" {
	fifo_case tmpfs
}

@test "the daemons mount with default_permissions always, and still honour entry_timeout=" {
	sem_mount ext2
	grep " $M " /proc/mounts | grep -q default_permissions
	p2k_stop
	p2k_start rump_tmpfs -o default_permissions,entry_timeout=0 "$M"
	[ "$(grep -c default_permissions <(grep " $M " /proc/mounts))" -eq 1 ]
	p2k_stop
}

@test "a user's own mount (fusermount3, no allow_other): the set-id drop is seen at once, a root-only FIFO is refused" {
	[ "$(stat -c %a /dev/fuse)" = 666 ] || { echo "/dev/fuse is not open to users (scripts/setup makes it so)" >&2; false; }
	mkdir "$T/tree"
	mkfifo "$T/tree/fifo"
	chmod 600 "$T/tree/fifo"
	printf d >"$T/tree/s"
	chmod 4777 "$T/tree/s"
	chmod 1777 "$T/tree"
	truncate -s 16M "$T/img"
	mke2fs -q -t ext2 -F -d "$T/tree" "$T/img"
	chown 1000:1000 "$T/img" "$M"
	as 1000 1000 "$B/daemons/rump_ext2fs" "$T/img" "$M" 3>&-
	grep " $M " /proc/mounts | grep "user_id=1000" | grep -q default_permissions
	run as 1000 1000 sh -c "stat -c %a '$M/s' && echo x >>'$M/s' && stat -c %a '$M/s'"
	echo "$output"
	[ "$status" -eq 0 ] && [ "$output" = "$(printf '4777\n777')" ]
	run as 1000 1000 "$T/access.py" open-matrix "$M/fifo"
	[ "$output" = "EACCES EACCES EACCES" ]
	as 1000 1000 fusermount3 -u "$M"
	for _ in $(seq 50); do pgrep -f "rump_ext2fs $T/img" >/dev/null || break; sleep 0.1; done
	e2fsck -fn "$T/img"
	debugfs -R "stat /s" "$T/img" | grep -q "Mode:  0777"
}
