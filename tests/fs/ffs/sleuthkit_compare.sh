#!/bin/sh
# sleuthkit_compare.sh IMAGE TREE FSTYPE: sleuthkit (fls -r, icat) reads the same names and bytes as TREE holds.
set -eu
img=$1 tree=$2 type=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Allocated entries only: "t/t [*] ino[(realloc)]:<TAB>path"
fls -r -p -f "$type" "$img" | grep -v '^[^ ]* \*' | grep -v '(realloc)' | grep -v 'OrphanFiles' >"$tmp/fls"
sed 's/^[^\t]*\t//' "$tmp/fls" | sort >"$tmp/names.img"
(cd "$tree" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$tmp/names.host"
if ! cmp -s "$tmp/names.img" "$tmp/names.host"; then
	echo "sleuthkit: names differ" >&2
	diff "$tmp/names.host" "$tmp/names.img" | head -20 >&2
	exit 1
fi
n=0
while IFS="$(printf '\t')" read -r head path; do
	case $head in r/r*) ;; *) continue ;; esac
	ino=${head#r/r }
	ino=${ino%:}
	icat -f "$type" "$img" "$ino" >"$tmp/data"
	if ! cmp -s "$tmp/data" "$tree/$path"; then
		echo "sleuthkit: $path (inode $ino) differs" >&2
		exit 1
	fi
	n=$((n + 1))
done <"$tmp/fls"
echo "sleuthkit: $(wc -l <"$tmp/names.img") names, $n files equal"
