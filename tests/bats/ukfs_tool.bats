#!/usr/bin/env bats
# ukfs_tool.bats: every ukfs command on ext2 and FFS images against the source tree, exit codes and messages.

load ukfs_helper

setup_file() { ukfs_setup_file; }
setup() { ukfs_setup; }
teardown() { ukfs_teardown; }

@test "--help overall and per command; usage errors exit 2" {
	run "$UKFS" --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	[[ "$output" == *"get"*"put"*"sh"* ]]
	for c in ls cat get put write mkdir rm rmdir mv ln chmod chown touch stat find du df diff check cd sh; do
		run "$UKFS" "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: ukfs IMAGE $c"* ]]
		run "$UKFS" "$IMGS/ext2.img" "$c" --help
		[ "$status" -eq 0 ]
	done
	run "$UKFS"
	[ "$status" -eq 2 ]
	run "$UKFS" "$IMGS/ext2.img" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	run "$UKFS" "$IMGS/ext2.img" get /hello.txt
	[ "$status" -eq 2 ]
	run "$UKFS" "$IMGS/ext2.img" ls -Z
	[ "$status" -eq 2 ]
	run "$UKFS" -o bogus "$IMGS/ext2.img" ls
	[ "$status" -eq 2 ]
	run "$UKFS" -o ro "$IMGS/ext2.img" mkdir /x
	[ "$status" -eq 2 ]
	run "$UKFS" -t vfat "$IMGS/ext2.img" ls
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown file-system type 'vfat'"* ]]
}

@test "failures exit 1 with the image and the cause" {
	run "$UKFS" "$IMGS/ext2.img" cat /nothere
	[ "$status" -eq 1 ]
	[[ "$output" == *"ext2.img: /nothere: No such file or directory"* ]]
	run "$UKFS" "$IMGS/ffs1.img" cat /etc
	[ "$status" -eq 1 ]
	[[ "$output" == *"ffs1.img: /etc: Is a directory"* ]]
	run "$UKFS" "$T/missing.img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing.img: cannot open: No such file or directory"* ]]
	run "$UKFS" "$T" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"is a directory, not an image"* ]]
	head -c 300000 "$IMGS/ext2.img" > "$T/short.img"
	run "$UKFS" "$T/short.img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"short.img: cannot mount as ext2fs: Invalid argument"* ]]
	head -c 1M /dev/zero > "$T/zero.img"
	run "$UKFS" "$T/zero.img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"zero.img: no ext2 or FFS superblock found"* ]]
	run "$UKFS" -t ffs "$IMGS/ext2.img" ls
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot mount as ffs"* ]]
	# One bad path among good ones: the rest still printed, status 1.
	run "$UKFS" "$IMGS/ext2.img" cat /hello.txt /nothere /etc/passwd
	[ "$status" -eq 1 ]
	[[ "$output" == *"hello from an image"*"root:x:0:0"* ]]
}

@test "ls, ls -l, -a, -d, -R on ext2 and FFS" {
	for img in ext2.img ffs1.img ffs2be.img; do
		run "$UKFS" "$IMGS/$img" ls /
		[ "$status" -eq 0 ]
		[[ "$output" == *"abs-link"*"empty"*"etc"*"hello.txt"*"usr"* ]]
		run "$UKFS" "$IMGS/$img" ls -l /usr
		[ "$status" -eq 0 ]
		[[ "$output" == *"-rw-r--r--   2"*"hardlink"* ]]
		[[ "$output" == *"lrwxrwxrwx"*"rel-link -> ../hello.txt"* ]]
		run "$UKFS" "$IMGS/$img" ls -ld /usr
		[ "$status" -eq 0 ]
		[[ "$output" == "drwxr-x--x"*"/usr" ]]
		run "$UKFS" "$IMGS/$img" ls -la /etc
		[[ "$output" == *" ."*" .."*"passwd"* ]]
		run "$UKFS" "$IMGS/$img" ls -R /usr
		[ "$status" -eq 0 ]
		[[ "$output" == *"/usr/share/doc:"*"big.bin"*"numbers"* ]]
		run "$UKFS" "$IMGS/$img" ls -l /usr/share/doc/numbers
		[[ "$output" == "-rwsr-xr-x"* ]]
	done
}

@test "cat and get of a file equal the source, on ext2 and FFS" {
	for img in ext2.img ffs1.img ffs2be.img; do
		"$UKFS" "$IMGS/$img" cat /usr/share/doc/big.bin | cmp - "$IMGS/tree/usr/share/doc/big.bin"
		"$UKFS" "$IMGS/$img" get /usr/share/doc/numbers - | cmp - "$IMGS/tree/usr/share/doc/numbers"
		"$UKFS" "$IMGS/$img" get /usr/share/doc/big.bin "$T/big.$img"
		cmp "$T/big.$img" "$IMGS/tree/usr/share/doc/big.bin"
		mkdir -p "$T/into"
		"$UKFS" "$IMGS/$img" get /hello.txt "$T/into"
		cmp "$T/into/hello.txt" "$IMGS/tree/hello.txt"
		[ "$(stat -c %Y "$T/into/hello.txt")" = "$(stat -c %Y "$IMGS/tree/hello.txt")" ]
		# A symlink is followed for a single get (the user named it), inside the image.
		"$UKFS" "$IMGS/$img" get /usr/rel-link - | cmp - "$IMGS/tree/hello.txt"
		"$UKFS" "$IMGS/$img" cat /abs-link | cmp - "$IMGS/tree/etc/passwd"
		run "$UKFS" "$IMGS/$img" get /usr "$T/x"
		[ "$status" -eq 1 ]
		[[ "$output" == *"is a directory (use get -r)"* ]]
	done
}

# The tree got back equals the source: contents, symlinks, modes, times, hard links.
check_tree_equal() {
	local src=$1 dst=$2
	diff -r --no-dereference -x lost+found "$src" "$dst"
	[ "$(readlink "$dst/usr/rel-link")" = ../hello.txt ]
	[ "$(readlink "$dst/abs-link")" = /etc/passwd ]
	[ "$(stat -c %a "$dst/usr/share/doc/numbers")" = 4755 ]
	[ "$(stat -c %a "$dst/etc/passwd")" = 600 ]
	[ "$(stat -c %a "$dst/usr")" = 751 ]
	[ "$(stat -c %Y "$dst/hello.txt")" = "$(stat -c %Y "$src/hello.txt")" ]
	[ "$(stat -c %Y "$dst/etc")" = "$(stat -c %Y "$src/etc")" ]
	[ "$(stat -c %i "$dst/hello.txt")" = "$(stat -c %i "$dst/usr/hardlink")" ]
	[ "$(stat -c %h "$dst/hello.txt")" = 2 ]
}

@test "get -r of the whole image equals the source tree (ext2, UFS1 le, UFS2 be)" {
	for img in ext2.img ffs1.img ffs2be.img; do
		run "$UKFS" "$IMGS/$img" get -r / "$T/out.$img"
		[ "$status" -eq 0 ]
		check_tree_equal "$IMGS/tree" "$T/out.$img"
	done
	# Into an existing directory: the same.
	mkdir "$T/exists"
	"$UKFS" "$IMGS/ffs1.img" get -r / "$T/exists"
	check_tree_equal "$IMGS/tree" "$T/exists"
	# A subtree.
	"$UKFS" "$IMGS/ext2.img" get -r /usr/share "$T/share"
	diff -r "$IMGS/tree/usr/share" "$T/share"
}

@test "get -r on one CPU (the host side then runs inline, no thread) equals the source tree" {
	for img in ext2.img ffs1.img; do
		run taskset -c 0 "$UKFS" "$IMGS/$img" get -r / "$T/one.$img"
		[ "$status" -eq 0 ]
		check_tree_equal "$IMGS/tree" "$T/one.$img"
	done
}

@test "get -r into a destination that fills up: exit 1, the image path and ENOSPC named, no hang" {
	[ "$(id -u)" = 0 ] || { echo "needs root to mount a small tmpfs" >&2; return 1; }
	mkdir "$T/small"
	mount -t tmpfs -o size=256k tmpfs "$T/small"
	for cpus in 0 0,1; do
		rm -rf "$T/small/out"
		run timeout 60 taskset -c "$cpus" "$UKFS" "$IMGS/ext2.img" get -r / "$T/small/out"
		[ "$status" -eq 1 ]
		[[ "$output" == *"ext2.img: /"*": No space left on device"* ]]
		# Said once, not once per file left.
		[[ "$output" == *"$T/small/out: No space left on device: get -r stopped"* ]]
		[ "$(grep -c "No space left" <<<"$output")" -eq 2 ]
	done
	umount "$T/small"
}

@test "put -r into ext2, then e2fsck -fn is clean and the tree comes back equal" {
	img_copy ext2.img
	run "$UKFS" "$T/ext2.img" put -r "$IMGS/tree" /copy
	[ "$status" -eq 0 ]
	run e2fsck -fn "$T/ext2.img"
	[ "$status" -eq 0 ]
	run "$UKFS" "$T/ext2.img" diff /copy "$IMGS/tree"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	"$UKFS" "$T/ext2.img" get -r /copy "$T/back"
	check_tree_equal "$IMGS/tree" "$T/back"
	# put of a single file, into a directory and to a name.
	"$UKFS" "$T/ext2.img" put "$IMGS/tree/etc/passwd" /empty
	"$UKFS" "$T/ext2.img" put "$IMGS/tree/hello.txt" /empty/hi
	[ "$("$UKFS" "$T/ext2.img" cat /empty/passwd /empty/hi)" = "$(cat "$IMGS/tree/etc/passwd" "$IMGS/tree/hello.txt")" ]
	run "$UKFS" "$T/ext2.img" put "$IMGS/tree" /x
	[ "$status" -eq 1 ]
	[[ "$output" == *"is a directory (use put -r)"* ]]
	run e2fsck -fn "$T/ext2.img"
	[ "$status" -eq 0 ]
}

# The commands that change names and attributes, on image $I; LF is "lost+found\n" for ext2.
edit_commands() {
	echo "from stdin" | "$UKFS" "$I" write /w.txt
	[ "$("$UKFS" "$I" cat /w.txt)" = "from stdin" ]
	echo "again" | "$UKFS" "$I" write /w.txt
	[ "$("$UKFS" "$I" cat /w.txt)" = "again" ]
	"$UKFS" "$I" mkdir -p /a/b/c
	"$UKFS" "$I" mkdir -m 700 /m
	run "$UKFS" "$I" stat /m
	[[ "$output" == *"Mode: 0700 (drwx------)"* ]]
	run "$UKFS" "$I" mkdir /a
	[ "$status" -eq 1 ]
	[[ "$output" == *"/a: File exists"* ]]
	"$UKFS" "$I" mv /w.txt /a/b
	"$UKFS" "$I" mv /a/b/w.txt /a/b/renamed
	[ "$("$UKFS" "$I" cat /a/b/renamed)" = "again" ]
	"$UKFS" "$I" ln /a/b/renamed /hard
	"$UKFS" "$I" ln -s a/b/renamed /soft
	[ "$("$UKFS" "$I" cat /soft)" = "again" ]
	run "$UKFS" "$I" stat /hard
	[[ "$output" == *"Links: 2"* ]]
	"$UKFS" "$I" chmod 0640 /hard
	"$UKFS" "$I" chown 1000:100 /hard
	run "$UKFS" "$I" stat /a/b/renamed
	[[ "$output" == *"Mode: 0640"* ]]
	[[ "$output" == *"Uid: 1000"*"Gid: 100"* ]]
	run "$UKFS" "$I" chmod 9x /hard
	[ "$status" -eq 2 ]
	"$UKFS" "$I" touch /new /hello.txt
	run "$UKFS" "$I" stat /hello.txt
	[[ "$output" != *"Modify: 2001"* ]]
	run "$UKFS" "$I" rmdir /a
	[ "$status" -eq 1 ]
	[[ "$output" == *"Directory not empty"* ]]
	run "$UKFS" "$I" rm /a
	[ "$status" -eq 1 ]
	[[ "$output" == *"is a directory"* ]]
	"$UKFS" "$I" rm -r /a /usr
	"$UKFS" "$I" rmdir /empty
	"$UKFS" "$I" rm -f /nothere
	run "$UKFS" "$I" rm /nothere
	[ "$status" -eq 1 ]
	run "$UKFS" "$I" ls /
	[ "$output" = "$(printf "abs-link\netc\nhard\nhello.txt\n${LF}m\nnew\nsoft")" ]
}

@test "write, mkdir, rm, rmdir, mv, ln, chmod, chown, touch, stat on ext2 and FFS; checkers clean" {
	img_copy ext2.img
	I="$T/ext2.img" LF='lost+found\n' edit_commands
	run e2fsck -fn "$T/ext2.img"
	[ "$status" -eq 0 ]
	for img in ffs1.img ffs2be.img; do
		img_copy $img
		I="$T/$img" LF= edit_commands
		run "$UKFS" "$T/$img" check
		[ "$status" -eq 0 ]
	done
}

@test "owners survive put and get -r as root; -o sync,noatime mounts" {
	[ "$(id -u)" = 0 ]
	img_copy ext2.img
	"$UKFS" -o sync,noatime "$T/ext2.img" chown 1234:5678 /hello.txt
	"$UKFS" -o sync "$T/ext2.img" chown -h 4321:8765 /abs-link
	"$UKFS" -o noatime "$T/ext2.img" get -r / "$T/out"
	[ "$(stat -c %u:%g "$T/out/hello.txt")" = 1234:5678 ]
	[ "$(stat -c %u:%g "$T/out/usr/hardlink")" = 1234:5678 ]
	[ "$(stat -c %u:%g "$T/out/abs-link")" = 4321:8765 ]
	chown 777:888 "$T/out/etc/passwd"
	"$UKFS" "$T/ext2.img" put -r "$T/out" /again
	run "$UKFS" "$T/ext2.img" stat /again/etc/passwd /again/abs-link
	[[ "$output" == *"Uid: 777"*"Gid: 888"*"Uid: 4321"*"Gid: 8765"* ]]
	run e2fsck -fn "$T/ext2.img"
	[ "$status" -eq 0 ]
}

@test "find, du, df on ext2 and FFS" {
	for img in ext2.img ffs1.img; do
		run "$UKFS" "$IMGS/$img" find / -type l
		[ "$output" = "$(printf '/abs-link\n/usr/rel-link')" ]
		run "$UKFS" "$IMGS/$img" find /usr -name 'n*'
		[ "$output" = "/usr/share/doc/numbers" ]
		run "$UKFS" "$IMGS/$img" find /etc -type d
		[ "$output" = "/etc" ]
		run "$UKFS" "$IMGS/$img" find / -type q
		[ "$status" -eq 2 ]
		run "$UKFS" "$IMGS/$img" du -s /usr
		[ "$status" -eq 0 ]
		kb=${output%%[[:space:]]*}
		[ "$kb" -ge 300 ]
		# A file with two names is counted once.
		run "$UKFS" "$IMGS/$img" du /
		[ "$status" -eq 0 ]
		[[ "${lines[-1]}" == *"	/" ]]
		run "$UKFS" "$IMGS/$img" df
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == ext2fs* || "${lines[1]}" == ffs* ]]
	done
}

@test "diff reports each kind of difference and exits 1" {
	cp -a "$IMGS/tree" "$T/tree"
	echo changed >> "$T/tree/hello.txt"
	chmod 0700 "$T/tree/etc/passwd"
	rm "$T/tree/abs-link"
	ln -s elsewhere "$T/tree/usr/rel-link.new"
	rm "$T/tree/usr/rel-link"
	ln -s elsewhere "$T/tree/usr/rel-link"
	run "$UKFS" "$IMGS/ffs1.img" diff / "$T/tree"
	[ "$status" -eq 1 ]
	[[ "$output" == *"only in image: /abs-link"* ]]
	[[ "$output" == *"/hello.txt: contents differ"* ]]
	[[ "$output" == *"/etc/passwd: mode 0600 in image, 0700 on host"* ]]
	[[ "$output" == *"/usr/rel-link: link target ../hello.txt in image, elsewhere on host"* ]]
	[[ "$output" == *"only on host: $T/tree/usr/rel-link.new"* ]]
	run "$UKFS" "$IMGS/ext2.img" diff /etc "$IMGS/tree/etc"
	[ "$status" -eq 0 ]
}

@test "put -r into FFS (UFS1 le, UFS2 be), then the FFS checker is clean and the tree comes back equal" {
	for img in ffs1.img ffs2be.img; do
		img_copy $img
		run "$UKFS" "$T/$img" put -r "$IMGS/tree" /copy
		[ "$status" -eq 0 ]
		run "$UKFS" "$T/$img" check
		[ "$status" -eq 0 ]
		run "$UKFS" "$T/$img" diff /copy "$IMGS/tree"
		[ "$status" -eq 0 ]
		"$UKFS" "$T/$img" get -r /copy "$T/back.$img"
		check_tree_equal "$IMGS/tree" "$T/back.$img"
	done
}

@test "get -r keeps modes and owners whatever the umask, into a fresh or an existing set-group-id directory" {
	for img in ext2.img ffs1.img; do
		(umask 077; "$UKFS" "$IMGS/$img" get -r / "$T/u077.$img")
		check_tree_equal "$IMGS/tree" "$T/u077.$img"
		(umask 0; "$UKFS" "$IMGS/$img" get -r / "$T/u000.$img")
		check_tree_equal "$IMGS/tree" "$T/u000.$img"
		[ "$(stat -c %a "$T/u000.$img/etc/passwd")" = 600 ]
		[ "$(stat -c %a "$T/u077.$img/usr/share/doc/numbers")" = 4755 ]
	done
	# Files made below a set-group-id directory get its group: get -r sets the image's.
	mkdir "$T/sg"
	chgrp 12345 "$T/sg" 2> /dev/null || chgrp "$(id -g)" "$T/sg"
	chmod 2775 "$T/sg"
	"$UKFS" "$IMGS/ext2.img" get -r / "$T/sg"
	if [ "$(id -u)" = 0 ]; then
		[ "$(stat -c %g "$T/sg/hello.txt")" = "$(stat -c %g "$IMGS/tree/hello.txt")" ]
		[ "$(stat -c %g "$T/sg/usr/share/doc/numbers")" = "$(stat -c %g "$IMGS/tree/usr/share/doc/numbers")" ]
	fi
	check_tree_equal "$IMGS/tree" "$T/sg"
}

@test "check: FFS images clean; ext2 (whole and in MBR/GPT partitions) clean through e2fsck" {
	for img in ffs1.img ffs2be.img "mbr.img%MBR:2%" "gpt.img%GPT:2%"; do
		run "$UKFS" "$IMGS/$img" check
		[ "$status" -eq 0 ]
		[[ "$output" == *"clean"* ]]
	done
	for img in ext2.img "mbr.img%MBR:1%" "gpt.img%GPT:1%" "mbr.img%OFFSET:1048576,4194304%"; do
		run "$UKFS" "$IMGS/$img" check
		[ "$status" -eq 0 ]
		[[ "$output" == *"Pass 5: Checking group summary information"* ]]
		[[ "$output" == *"$IMGS/$img: clean"* ]]
		run "$UKFS" -t ext2fs "$IMGS/$img" check
		[ "$status" -eq 0 ]
	done
}

@test "check: ext2 corrupted with debugfs fails with e2fsck's complaint, whole image and in an MBR partition" {
	img_copy ext2.img
	debugfs -w -R "set_inode_field /hello.txt links_count 5" "$T/ext2.img"
	run "$UKFS" "$T/ext2.img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"ref count is 5, should be 2"* ]]
	[[ "$output" == *"ukfs: $T/ext2.img: check: e2fsck found problems or failed (exit status 4)"* ]]
	# A block marked free in the bitmap while a file uses it.
	img_copy ext2.img
	blk=$(debugfs -R "blocks /etc/passwd" "$IMGS/ext2.img" 2>/dev/null | tr -d ' ')
	[ -n "$blk" ]
	debugfs -w -R "freeb $blk" "$T/ext2.img"
	run "$UKFS" "$T/ext2.img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"Block bitmap differences"* ]]
	# The same in partition 1 of the MBR disk; partition 2 (FFS) stays clean.
	cp "$IMGS/mbr.img" "$T/mbr.img"
	debugfs -w -R "set_inode_field /hello.txt links_count 5" "$T/mbr.img?offset=1048576"
	run "$UKFS" "$T/mbr.img%MBR:1%" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"ref count is 5, should be 2"* ]]
	[[ "$output" == *"ukfs: $T/mbr.img%MBR:1%: check: e2fsck found problems"* ]]
	run "$UKFS" "$T/mbr.img%MBR:2%" check
	[ "$status" -eq 0 ]
	# check never changes the image (e2fsck -n): still the same bytes, still failing.
	sum=$(md5sum < "$T/mbr.img")
	run "$UKFS" "$T/mbr.img%MBR:1%" check
	[ "$status" -eq 1 ]
	[ "$(md5sum < "$T/mbr.img")" = "$sum" ]
}

@test "check: ext2 without e2fsck fails and says e2fsck is needed; not an image fails" {
	UKFS_E2FSCK=/nonexistent/e2fsck run "$UKFS" "$IMGS/ext2.img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"ukfs: $IMGS/ext2.img: check: e2fsck (e2fsprogs) is needed to check ext2 and was not found"* ]]
	[[ "$output" != *clean* ]]
	head -c 65536 /dev/zero > "$T/zero.img"
	run "$UKFS" "$T/zero.img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"no FFS or ext2 superblock found"* ]]
	# Forced to ext2, a non-ext2 image is e2fsck's failure, not clean.
	run "$UKFS" -t ext2fs "$IMGS/ffs1.img" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"Bad magic number"* ]]
}

@test "partitions: MBR and GPT disks with an ext2 and an FFS partition, by index" {
	for disk in "mbr.img%MBR" "gpt.img%GPT"; do
		run "$UKFS" "$IMGS/$disk:1%" cat /hello.txt
		[ "$status" -eq 0 ]
		[ "$output" = "hello from an image" ]
		run "$UKFS" "$IMGS/$disk:1%" df
		[[ "${lines[1]}" == ext2fs* ]]
		run "$UKFS" "$IMGS/$disk:2%" df
		[[ "${lines[1]}" == ffs* ]]
		"$UKFS" "$IMGS/$disk:2%" get -r / "$T/p2.${disk%%.*}"
		check_tree_equal "$IMGS/tree" "$T/p2.${disk%%.*}"
		run "$UKFS" "$IMGS/$disk:3%" ls
		[ "$status" -eq 1 ]
		[[ "$output" == *"bad partition: No such file or directory"* ]]
	done
	# Writing into partition 1 leaves partition 2 alone.
	cp "$IMGS/mbr.img" "$T/mbr.img"
	"$UKFS" "$T/mbr.img%MBR:1%" put "$IMGS/tree/usr/share/doc/big.bin" /big
	"$UKFS" "$T/mbr.img%MBR:1%" get /big - | cmp - "$IMGS/tree/usr/share/doc/big.bin"
	cmp <(tail -c +6291457 "$T/mbr.img") <(tail -c +6291457 "$IMGS/mbr.img")
	dd if="$T/mbr.img" of="$T/p1.img" bs=1M skip=1 count=4 status=none
	run e2fsck -fn "$T/p1.img"
	[ "$status" -eq 0 ]
}

@test "sh runs a script in one kernel; a failing line makes status 1, an unknown command 2" {
	img_copy ext2.img
	cat > "$T/script" <<-'SCRIPT'
	# a comment, then a blank line

	mkdir -p "/dir with space/sub"
	put "$HOSTFILE" "/dir with space/sub/f"
	ls "/dir with space/sub"
	cat /hello.txt
	SCRIPT
	sed -i "s|\$HOSTFILE|$IMGS/tree/etc/passwd|" "$T/script"
	run "$UKFS" "$T/ext2.img" sh "$T/script"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "f" ]
	[ "${lines[1]}" = "hello from an image" ]
	run bash -c "printf 'cd /usr/share\ncat doc/../../hardlink\ncd doc\nls\ncd nothere\n' | '$UKFS' '$T/ext2.img' sh"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "hello from an image" ]
	[ "${lines[1]}" = "big.bin" ]
	[[ "$output" == *"nothere: No such file or directory"* ]]
	run bash -c "printf 'ls /etc\ncat /nothere\ncat /hello.txt\n' | '$UKFS' '$T/ext2.img' sh"
	[ "$status" -eq 1 ]
	[[ "$output" == *passwd*"/nothere: No such file"*"line 2 failed"*"hello from an image"* ]]
	run bash -c "printf 'ls /\nbogus x\n' | '$UKFS' '$T/ext2.img' sh"
	[ "$status" -eq 2 ]
	[[ "$output" == *"line 2: unknown command 'bogus'"* ]]
	run e2fsck -fn "$T/ext2.img"
	[ "$status" -eq 0 ]
	# On FFS too, and the checker is clean afterwards.
	img_copy ffs2be.img
	run "$UKFS" "$T/ffs2be.img" sh "$T/script"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "f" ]
	run "$UKFS" "$T/ffs2be.img" check
	[ "$status" -eq 0 ]
}

@test "commands and scripts that only read leave the image file unchanged (read-only mount)" {
	for img in ext2.img ffs1.img; do
		img_copy $img
		printf 'ls -lR /\ncat /hello.txt\nfind / -name x\ndu -s\nstat /etc\n' |
			"$UKFS" "$T/$img" sh > /dev/null
		"$UKFS" "$T/$img" get -r / "$T/out.$img"
		"$UKFS" "$T/$img" diff / "$T/out.$img" || true
		cmp "$T/$img" "$IMGS/$img"
	done
}

@test "I/O errors (RUMP_BLKFAIL) give exit 1 and a message, never a crash" {
	img_copy ext2.img
	for seed in 1 2 3 4 5 6; do
		for img in "$IMGS/ffs1.img" "$IMGS/ext2.img"; do
			rm -rf "$T/out"
			run env RUMP_BLKFAIL=500 RUMP_BLKFAIL_SEED=$seed ASAN_OPTIONS=exitcode=86 \
			    "$UKFS" "$img" get -r / "$T/out"
			[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
			[[ "$output" != *Sanitizer* && "$output" != *"runtime error"* ]]
			[ "$status" -eq 0 ] || [[ "$output" == *"Input/output error"* || "$output" == *"Invalid argument"* ]]
		done
		run env RUMP_BLKFAIL=300 RUMP_BLKFAIL_SEED=$seed ASAN_OPTIONS=exitcode=86 \
		    "$UKFS" "$T/ext2.img" put -r "$IMGS/tree" "/c$seed"
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
		[[ "$output" != *Sanitizer* && "$output" != *"runtime error"* ]]
	done
}
