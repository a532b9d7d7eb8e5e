#!/usr/bin/env bats
# install.bats: `meson install` gives headers under include/rump/, the libraries
# and a pkg-config file with which an outside program builds and runs.

setup_file() {
	export SRC="$BATS_TEST_DIRNAME/../.."
	export WORK="$BATS_FILE_TMPDIR/install"
	export PREFIX="$WORK/prefix"
	meson setup "$WORK/build" "$SRC" --prefix="$PREFIX" -Dbuildtype=release -Dtests=false >/dev/null
	ninja -C "$WORK/build" >/dev/null
	meson install -C "$WORK/build" >/dev/null
	export PKG_CONFIG_PATH=$(dirname "$(find "$PREFIX" -name rump.pc | head -n 1)")
}

@test "install puts rump.h and rump_syscalls.h under include/rump/" {
	[ -f "$PREFIX/include/rump/rump.h" ]
	[ -f "$PREFIX/include/rump/rump_syscalls.h" ]
}

@test "pkg-config --libs rump names the kernel and vfs libraries" {
	run pkg-config --libs rump
	[ "$status" -eq 0 ]
	[[ "$output" == *-lrumpvfs* ]]
	[[ "$output" == *-lrump* ]]
}

@test "an outside program builds with pkg-config and runs a rump kernel" {
	cc -std=c11 -Wall -Werror -o "$WORK/demo" "$SRC/examples/rump_demo.c" \
	    $(pkg-config --cflags --libs rump)
	LIBDIR=$(pkg-config --variable=libdir rump)
	run env LD_LIBRARY_PATH="$LIBDIR" "$WORK/demo"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello.sh"* ]]
	[[ "$output" == *"motd -> ../etc/motd"* ]]
	[[ "$output" == *"Welcome to a rump kernel"* ]]
}

@test "a program including only rump_syscalls.h fails to link without -lrump" {
	printf '#include <rump/rump_syscalls.h>\nint main(void){return rump_sys_mkdir("/x",0);}\n' > "$WORK/nolib.c"
	run cc -o "$WORK/nolib" "$WORK/nolib.c" $(pkg-config --cflags rump)
	[ "$status" -ne 0 ]
	[[ "$output" == *"undefined reference to"*"rump_sys_mkdir"* ]]
}
