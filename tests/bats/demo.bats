#!/usr/bin/env bats
# demo.bats: the README's demo program boots, builds its tree and lists it.

setup() {
	DEMO="${RUMP_BUILDDIR:-$BATS_TEST_DIRNAME/../../build}/examples/rump_demo"
}

@test "rump_demo lists the tree it built in rumpfs" {
	run "$DEMO"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rump kernel booted in"* ]]
	[[ "$output" == *"drwxr-xr-x"*"etc"* ]]
	[[ "$output" == *"-rw-------"*"note.txt"* ]]
	[[ "$output" == *"-rw-r--r--  2"*"hosts.bak"* ]]
	[[ "$output" == *"crw-r--r--"*"dev-null"* ]]
	[[ "$output" == *"Welcome to a rump kernel"* ]]
}

@test "rump_demo refuses a bad RUMP_NCPU with a message naming it" {
	run env RUMP_NCPU=lots "$DEMO"
	[ "$status" -ne 0 ]
	[[ "$output" == *"RUMP_NCPU"* ]]
}

@test "rump_demo --help prints usage; an unknown argument is a usage error" {
	run "$DEMO" --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	run "$DEMO" --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == usage:* ]]
}
