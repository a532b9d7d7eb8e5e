#!/usr/bin/env bats
# ffs_fsck.bats: fsck_ffs on makefs images: clean ones exit 0, damaged ones exit 1 naming the problem.

setup() {
	FSCK="${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}/fs/ffs/fsck_ffs"
	TMP=$(mktemp -d)
	mkdir -p "$TMP/tree/dir/sub"
	printf 'hello\n' >"$TMP/tree/a"
	head -c 100000 /dev/urandom >"$TMP/tree/dir/big"
	ln -s a "$TMP/tree/link"
	ln "$TMP/tree/a" "$TMP/tree/dir/sub/hard"
}

teardown() {
	rm -rf "$TMP"
}

@test "fsck_ffs: fresh UFS1 and UFS2 images in both byte orders are clean" {
	for v in 1 2; do
		for b in le be; do
			makefs -t ffs -o version=$v -B $b -s 2m "$TMP/img" "$TMP/tree" >/dev/null
			run "$FSCK" "$TMP/img"
			[ "$status" -eq 0 ]
			[[ "$output" == *"clean"* ]]
		done
	done
}

@test "fsck_ffs: a wrong free-inode total is reported, exit 1" {
	makefs -t ffs -o version=2 -B le -s 2m "$TMP/img" "$TMP/tree" >/dev/null
	# fs_cstotal.cs_nifree (UFS2, superblock at 8192): add one.
	off=$((8192 + 1008 + 16))
	old=$(od -An -tu4 -j $off -N4 "$TMP/img" | tr -d ' ')
	printf "$(printf '\\%03o' $(((old + 1) & 255)))" | dd of="$TMP/img" bs=1 seek=$off conv=notrunc 2>/dev/null
	run "$FSCK" "$TMP/img"
	[ "$status" -eq 1 ]
	[[ "$output" == *"superblock totals"* ]]
}

@test "fsck_ffs: not an ffs image, or no image, exits 8" {
	head -c 300000 /dev/zero >"$TMP/zero"
	run "$FSCK" "$TMP/zero"
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot check"* ]]
	run "$FSCK" "$TMP/missing"
	[ "$status" -eq 8 ]
	run "$FSCK"
	[ "$status" -eq 8 ]
	[[ "$output" == usage:* ]]
}
