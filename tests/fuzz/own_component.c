/* own_component.c: a fuzz target for whatever file-system components are linked in, as a user of the installed kit writes it. */
#include <stdlib.h>

#include <rump/fuzz.h>

int
main(int argc, char **argv)
{
	/* FSTYPE unset: each image's type is found by the linked types' probes */
	return rumpfuzz_main(getenv("FSTYPE"), argc, argv);
}
