#!/bin/sh
# replay.sh EXT2_TARGET FFS_TARGET UKFS PACK: the targets' plain replay (-run FILE|DIR...) over crafted
# inputs: raw seeds, RFZ1 inputs with programs, seeds packed by rumpfuzz-pack, broken headers, a
# directory; outcomes and exit status.
set -eu
ext2=$1 ffs=$2 ukfs=$3 pack=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$(dirname "$0")/mkseeds.sh" "$tmp/seeds"
fail() { echo "replay.sh: $*" >&2; exit 1; }

# rfz1 IMAGE PROGHEX OUT: an RFZ1 input (header, IMAGE, the program given in hex)
rfz1() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
img = open(sys.argv[1], "rb").read()
open(sys.argv[3], "wb").write(b"RFZ1" + bytes(4) + struct.pack("<I", len(img)) + img + bytes.fromhex(sys.argv[2]))
PY
}

# create rfz0 (fresh name 0xc0), write 100 'A' at 128, mkdir rfzd (0xc2), rename rfz0 to rfzd/rfz2 (0xc3)
rfz1 "$tmp/seeds/ext2_empty.img" "00c0 01c0020064004a 07c2 04c0c3" "$tmp/prog.rfz"
out=$("$ext2" -v -run "$tmp/prog.rfz" 2>"$tmp/err") || fail "program input: exit $?"
[ "$out" = "$tmp/prog.rfz: mounted rw" ] || fail "program input: $out"
grep -q "op 0 create /mnt/rfz0 -> 0" "$tmp/err" || fail "no create op printed: $(cat "$tmp/err")"
grep -q "op 3 rename /mnt/rfz0 /mnt/rfzd/rfz2 -> 0" "$tmp/err" || fail "no rename op printed"

# -image: the expanded image as the mount saw it, here the seed itself, for ukfs or a mount
"$ext2" -image "$tmp/expanded.img" -run "$tmp/prog.rfz" >/dev/null 2>&1 || fail "-image: exit $?"
cmp -s "$tmp/expanded.img" "$tmp/seeds/ext2_empty.img" || fail "-image: not the seed"
[ "$("$ukfs" "$tmp/expanded.img" ls / 2>/dev/null)" = "lost+found" ] || fail "-image: ukfs cannot list it"

# a seed packed by rumpfuzz-pack (compressed, with its metadata ranges) expands to the seed and mounts
for seed in ffs_v2_le ext2_1; do
	tgt=$ffs
	[ "$seed" = ext2_1 ] && tgt=$ext2
	"$pack" "$tmp/seeds/$seed.img" >"$tmp/$seed.rfz" || fail "rumpfuzz-pack $seed: exit $?"
	[ "$(stat -c %s "$tmp/$seed.rfz")" -lt "$(stat -c %s "$tmp/seeds/$seed.img")" ] ||
		fail "packed $seed is not smaller than the seed"
	out=$("$tgt" -image "$tmp/$seed.out" -run "$tmp/$seed.rfz" 2>/dev/null) || fail "packed $seed: exit $?"
	[ "$out" = "$tmp/$seed.rfz: mounted rw" ] || fail "packed $seed: $out"
	cmp -s "$tmp/$seed.out" "$tmp/seeds/$seed.img" || fail "packed $seed: expanded image is not the seed"
done
# the packed part's own header damaged: rejected, never mounted
python3 - "$tmp/ffs_v2_le.rfz" "$tmp/damaged.rfz" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[12 + 4] ^= 0xff	# the packed part's version
open(sys.argv[2], "wb").write(d)
PY
out=$("$ffs" -run "$tmp/damaged.rfz" 2>/dev/null)
[ "$out" = "$tmp/damaged.rfz: rejected" ] || fail "damaged packed part: $out"

# a header whose image part runs past the end; too short for a header; too small for an image
printf 'RFZ1\0\0\0\0\377\377\0\0abc' >"$tmp/badlen.rfz"
printf 'RFZ1\0' >"$tmp/short.rfz"
printf 'tiny' >"$tmp/tiny.img"
head -c 65536 /dev/zero >"$tmp/zero.img"
out=$("$ext2" -run "$tmp/badlen.rfz" "$tmp/short.rfz" "$tmp/tiny.img" "$tmp/zero.img" 2>/dev/null)
[ "$out" = "$tmp/badlen.rfz: rejected
$tmp/short.rfz: rejected
$tmp/tiny.img: rejected
$tmp/zero.img: not mounted" ] || fail "broken inputs: $out"

# a directory: every ffs seed mounts read-write, in name order; the ext2 ones are not ffs
out=$("$ffs" -run "$tmp/seeds" 2>/dev/null)
[ "$(echo "$out" | grep -c 'ffs_.*: mounted rw$')" = 5 ] || fail "ffs seeds: $out"
[ "$(echo "$out" | grep -c 'ext2_.*: not mounted$')" = 7 ] || fail "ext2 seeds under ffs: $out"

# failing cleanly: a missing file (exit 1, said so), -run and no file (usage, exit 2)
set +e
out=$("$ffs" -run "$tmp/nonexistent" 2>/dev/null); st=$?
set -e
[ $st = 1 ] && [ "$out" = "$tmp/nonexistent: cannot read: No such file or directory" ] ||
	fail "missing file: exit $st, $out"
set +e
"$ffs" -run >/dev/null 2>"$tmp/err"; st=$?
set -e
[ $st = 2 ] && grep -q "usage: .* \[-image OUT\] -run FILE|DIR" "$tmp/err" || fail "usage: exit $st"
echo "replay.sh: all outcomes as expected"
