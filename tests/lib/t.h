/* t.h: the unit-test harness: a test program holds cases, meson runs each case as its own test. */
#ifndef TESTS_T_H
#define TESTS_T_H

/*
 * T_CASE(name) { ... } defines a case.  `prog name` runs one case,
 * `prog --list` lists them, `prog` alone runs all in one process.
 * A failed CHECK prints file:line and the expression and exits 1, so a
 * case is a process that either reaches its end (exit 0) or says why not.
 * Each case runs in a fresh process under meson, so it may setenv()
 * RUMP_* and boot its own kernel.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_case {
	const char	*tc_name;
	void		(*tc_fn)(void);
	struct t_case	*tc_next;
};
void	t_register(struct t_case *tc);
int	t_main(int argc, char **argv);
/* Copy host file from to to (a fresh image from a template); fails the test on an error. */
void	t_copy_file(const char *from, const char *to);
void	t_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4), noreturn));

#define T_CASE(name)							\
	static void t_fn_##name(void);					\
	static struct t_case t_case_##name = { #name, t_fn_##name, NULL }; \
	static void __attribute__((constructor)) t_reg_##name(void)	\
	{ t_register(&t_case_##name); }					\
	static void t_fn_##name(void)

#define CHECK(e) do {							\
	if (!(e))							\
		t_fail(__FILE__, __LINE__, "CHECK(%s) failed (errno %d: %s)", \
		    #e, errno, strerror(errno));			\
} while (0)

#define CHECK_EQ(a, b) do {						\
	intmax_t t_a_ = (intmax_t)(a), t_b_ = (intmax_t)(b);		\
	if (t_a_ != t_b_)						\
		t_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %jd != %jd", \
		    #a, #b, t_a_, t_b_);				\
} while (0)

#define CHECK_STREQ(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (strcmp(t_a_, t_b_) != 0)					\
		t_fail(__FILE__, __LINE__, "CHECK_STREQ(%s, %s): \"%s\" != \"%s\"", \
		    #a, #b, t_a_, t_b_);				\
} while (0)

/* A libc-convention call (rump_sys_*) fails with errno e. */
#define CHECK_ERRNO(call, e) do {					\
	errno = 0;							\
	long t_r_ = (long)(call);					\
	int t_e_ = errno;						\
	if (t_r_ != -1 || t_e_ != (e))					\
		t_fail(__FILE__, __LINE__, "%s: returned %ld errno %d (%s), wanted -1 errno %d (%s)", \
		    #call, t_r_, t_e_, strerror(t_e_), (int)(e), strerror(e)); \
} while (0)

/* A kernel-convention call (returns 0 or a positive errno) returns e. */
#define CHECK_ERR(call, e) do {						\
	int t_r_ = (call);						\
	if (t_r_ != (e))						\
		t_fail(__FILE__, __LINE__, "%s: returned %d (%s), wanted %d (%s)", \
		    #call, t_r_, strerror(t_r_), (int)(e), strerror(e));	\
} while (0)

#endif /* TESTS_T_H */
