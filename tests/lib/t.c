/* t.c: the unit-test harness: case registry, main(), and copying a template image. */
#include "t.h"

#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

static struct t_case *t_cases, **t_tail = &t_cases;

void
t_register(struct t_case *tc)
{
	*t_tail = tc;
	t_tail = &tc->tc_next;
}

void
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int
t_main(int argc, char **argv)
{
	struct t_case *tc;

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (tc = t_cases; tc != NULL; tc = tc->tc_next)
			printf("%s\n", tc->tc_name);
		return 0;
	}
	for (tc = t_cases; tc != NULL; tc = tc->tc_next) {
		if (argc > 1 && strcmp(argv[1], tc->tc_name) != 0)
			continue;
		tc->tc_fn();
		printf("ok %s\n", tc->tc_name);
		if (argc > 1)
			return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "%s: no test case named '%s' (try --list)\n", argv[0], argv[1]);
		return 2;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	return t_main(argc, argv);
}

void
t_copy_file(const char *from, const char *to)
{
	static char cbuf[1 << 16];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	CHECK(in >= 0 && out >= 0);
	while ((n = read(in, cbuf, sizeof(cbuf))) > 0)
		CHECK_EQ(write(out, cbuf, (size_t)n), n);
	CHECK_EQ(n, 0);
	CHECK_EQ(close(in), 0);
	CHECK_EQ(close(out), 0);
}
