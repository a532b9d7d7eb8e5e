#!/bin/sh
# ci_test.sh BUILDDIR SRCDIR CC SANITIZE ENGINE: builds this example as its README says, against
# BUILDDIR's uninstalled rumpfuzz.pc, with the build's compiler and sanitizers; replays
# mkimages.py's images through fuzz_flatfs (good and truncated mount read-only, the crafted bad
# ones are refused, the short one rejected, no finding) and runs check_flatfs, which reads the
# files back through the mount.  ENGINE libfuzzer: also a bounded libFuzzer run from the images.
set -eu
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) cc=$3 sanitize=$4 engine=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/examples/fuzz_myfs" "$tmp/ex"
flags="-O1 -g"
[ "$sanitize" = none ] || flags="$flags -fsanitize=$sanitize"
mk() { make -s -C "$tmp/ex" RUMP_SRC="$src" PKG=rumpfuzz-uninstalled CC="$cc" CFLAGS="$flags" \
    PKG_CONFIG_PATH="$build/meson-uninstalled" "$@"; }
mk fuzz_flatfs check_flatfs
python3 "$tmp/ex/mkimages.py" "$tmp/images"
export LD_LIBRARY_PATH="$build/fuzz:$build/vfs:$build/kern"
"$tmp/ex/fuzz_flatfs" -run "$tmp/images" >"$tmp/replay" 2>"$tmp/replay.err" ||
    { cat "$tmp/replay" "$tmp/replay.err"; echo "ci_test.sh: replay found something" >&2; exit 1; }
count() { grep -c ": $1\$" "$tmp/replay" || true; }
[ "$(count "mounted ro")" -eq 2 ] && [ "$(count "not mounted")" -eq 9 ] && [ "$(count rejected)" -eq 1 ] ||
    { cat "$tmp/replay"; echo "ci_test.sh: replay outcomes differ" >&2; exit 1; }
grep -q "good.img: mounted ro" "$tmp/replay" || { cat "$tmp/replay"; exit 1; }
"$tmp/ex/check_flatfs" "$tmp/images" 2>"$tmp/check.err" || { cat "$tmp/check.err"; exit 1; }
if [ "$engine" = libfuzzer ]; then
	rm -f "$tmp/ex/fuzz_flatfs"
	mk fuzz_flatfs ENGINE=libfuzzer
	mkdir "$tmp/corpus"
	(cd "$tmp" && "$tmp/ex/fuzz_flatfs" -seed=1 -runs=2000 -max_len=16384 -timeout=30 "$tmp/corpus" \
	    "$tmp/images" >"$tmp/fuzz.log" 2>&1) || { tail -30 "$tmp/fuzz.log"; exit 1; }
	grep -q "^Done 2000 runs" "$tmp/fuzz.log" || { tail -20 "$tmp/fuzz.log"; exit 1; }
	grep "^Done" "$tmp/fuzz.log"
fi
echo "ci_test.sh: flatfs example built, replayed and checked"
