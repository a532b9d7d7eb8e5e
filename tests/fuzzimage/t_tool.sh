#!/bin/bash
# t_tool.sh PACK MKSEEDS CORECHECK: rumpfuzz-pack's command line: help, round trips
# through files and pipes, the map listing, errors that name the file; and its
# output expanded and mutated by a program without the kernel (CORECHECK).
set -euo pipefail
pack=$1 mkseeds=$2 corecheck=$3
d=$(mktemp -d /tmp/fuzzimage-tool.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$mkseeds" "$d" > /dev/null
"$pack" --help | grep -q '^usage: rumpfuzz-pack' || fail "--help"

for img in ext2.img ufs1be.img ufs2.img; do
	"$pack" "$d/$img" > "$d/$img.rfz"
	[ "$(head -c 4 "$d/$img.rfz")" = RFZ1 ] || fail "$img: no RFZ1 magic"
	"$pack" -x "$d/$img.rfz" | cmp - "$d/$img" || fail "$img: expand differs"
	"$pack" -o "$d/$img.2" -x "$d/$img.rfz" && cmp "$d/$img.2" "$d/$img" || fail "$img: -o"
done
"$pack" -t ext2fs "$d/ext2.img" | cmp - "$d/ext2.img.rfz" || fail "-t ext2fs differs from detection"
[ "$("$corecheck" "$d/ufs2.img.rfz")" = "$(stat -c %s "$d/ufs2.img")" ] || fail "core check"
# A raw image is its own expansion.
"$pack" -x "$d/ext2.img" | cmp - "$d/ext2.img" || fail "raw -x"
"$pack" -l "$d/ufs2be.img" > "$d/list"
head -1 "$d/list" | grep -q '^fstype ffs blocks [0-9]* inodes [0-9]* bsize 1024 partial 0 ranges [0-9]*$' ||
	fail "-l header: $(head -1 "$d/list")"
grep -q '^8192 [0-9]* super be$' "$d/list" || fail "-l: no big-endian superblock at 8192"
grep -q ' dir be$' "$d/list" || fail "-l: no directory block"

# Errors name the file and exit 1; usage errors exit 2.
set +e
out=$("$pack" "$d/missing.img" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ $out == *"$d/missing.img: No such file or directory"* ]] || fail "missing: $rc $out"
head -c 100000 /dev/zero > "$d/zeros.img"
out=$("$pack" "$d/zeros.img" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [[ $out == *"zeros.img: no file system with a valid superblock found"* ]] || fail "zeros: $rc $out"
out=$("$pack" -t nosuch "$d/ext2.img" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [[ $out == *"ext2.img: unknown file-system type"* ]] || fail "nosuch: $rc $out"
head -c 5000 "$d/ext2.img.rfz" > "$d/cut.rfz"
out=$("$pack" -x "$d/cut.rfz" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [[ $out == *"cut.rfz: truncated RFZ1 input"* ]] || fail "cut: $rc $out"
{ head -c 8 "$d/ext2.img.rfz"; printf '\x10\0\0\0'; head -c 16 /dev/zero; } > "$d/bad.rfz"
out=$("$pack" -x "$d/bad.rfz" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [[ $out == *"bad.rfz: corrupt image part"* ]] || fail "bad: $rc $out"
"$pack" > /dev/null 2>&1; [ $? -eq 2 ] || fail "no argument"
"$pack" -x -t ffs "$d/ext2.img" > /dev/null 2>&1; [ $? -eq 2 ] || fail "-x -t"
echo "rumpfuzz-pack: ok"
