# ukfs_helper.bash: shared setup of the ukfs bats tests: the tool, and images made once per file.

ukfs_setup_file() {
	export BUILD="${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}"
	export UKFS="$BUILD/ukfs/cli/ukfs"
	export IMGS="$BATS_FILE_TMPDIR/imgs"
	[ -x "$UKFS" ] || { echo "no ukfs tool at $UKFS (build first)" >&2; return 1; }
	"$BATS_TEST_DIRNAME/../ukfs/mkimages.sh" "$IMGS"
}

# A per-test scratch directory, removed by ukfs_teardown.
ukfs_setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ukfs_bats.XXXXXX")
}

ukfs_teardown() {
	[ -n "${T:-}" ] || return 0
	# A test may have mounted something below $T (a small tmpfs).
	grep -o " $T/[^ ]*" /proc/mounts | while read -r m; do umount "$m"; done
	rm -rf "$T"
}

# A writable copy of image $1 at $T/$1.
img_copy() {
	cp "$IMGS/$1" "$T/$1"
}
