/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP output of the test programs (Documentation/dev-tools/ktap.rst):
 * a version line, a plan, one result line per test, "# " diagnostics, and
 * nested subtests indented four spaces a level, as KUnit prints them.
 *
 * The plan comes first, so that a program that stops early shows as
 * short of it: every function that reports results prints the number it
 * will report before the first one, once it knows it (after the ioctls
 * its checks depend on, before any result). A check that cannot go on
 * after a failed precondition just returns; the missing results fail its
 * plan as well as the failed precondition does.
 *
 *	struct ktap k;
 *
 *	ktap_start(&k, 2);
 *	ktap_result(&k, ok, "first check: %s", why);
 *	...
 *	return ktap_exit(&k);
 *
 * Header only: every program includes it by relative path and needs no
 * other source file for it.
 */
#ifndef VB2HEAP_TESTS_KTAP_H
#define VB2HEAP_TESTS_KTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* One level of results: a program's top level or one subtest. */
struct ktap {
	unsigned int depth;	/* nesting level below the program's top */
	unsigned int planned;	/* the plan, once printed */
	unsigned int tests;	/* results printed so far */
	unsigned int failed;	/* of them "not ok" */
};

static inline void ktap_indent(const struct ktap *k)
{
	unsigned int i;

	for (i = 0; i < k->depth; i++)
		fputs("    ", stdout);
}

/*
 * Prints a whole line: descriptions may hold anything but '#' and newline,
 * which would start a directive or a line of their own, so those become '_'.
 */
static inline void ktap_vline(const struct ktap *k, const char *prefix,
			      const char *fmt, va_list ap)
{
	char text[1024], *c;

	vsnprintf(text, sizeof(text), fmt, ap);
	for (c = text; *c; c++)
		if (*c == '#' || *c == '\n')
			*c = '_';
	ktap_indent(k);
	printf("%s%s", prefix, text);
}

static inline void ktap_plan(struct ktap *k, unsigned int planned)
{
	k->planned = planned;
	ktap_indent(k);
	printf("1..%u\n", planned);
	fflush(stdout);
}

/* The version line and plan of a program's own results. */
static inline void ktap_start(struct ktap *k, unsigned int planned)
{
	*k = (struct ktap){ 0 };
	printf("KTAP version 1\n");
	ktap_plan(k, planned);
}

/*
 * Opens a subtest of @parent: its results go into @sub, and
 * ktap_subtest_end() reports them as one result of @parent.
 */
static inline void ktap_subtest(const struct ktap *parent, struct ktap *sub)
{
	*sub = (struct ktap){ .depth = parent->depth + 1 };
	ktap_indent(sub);
	printf("KTAP version 1\n");
}

static inline void ktap_vresult(struct ktap *k, bool ok, const char *fmt,
				va_list ap)
{
	char prefix[32];

	k->tests++;
	k->failed += !ok;
	snprintf(prefix, sizeof(prefix), "%s %u ", ok ? "ok" : "not ok",
		 k->tests);
	ktap_vline(k, prefix, fmt, ap);
	putchar('\n');
	fflush(stdout);
}

/* One result; returns @ok, so that callers go on only if it held. */
static inline __attribute__((format(printf, 3, 4)))
bool ktap_result(struct ktap *k, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vresult(k, ok, fmt, ap);
	va_end(ap);
	return ok;
}

/* A test that does not apply here, with the reason. */
static inline __attribute__((format(printf, 3, 4)))
void ktap_skip(struct ktap *k, const char *why, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	k->tests++;
	snprintf(prefix, sizeof(prefix), "ok %u ", k->tests);
	va_start(ap, fmt);
	ktap_vline(k, prefix, fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

/* A diagnostic line at @k's level. */
static inline __attribute__((format(printf, 2, 3)))
void ktap_print(const struct ktap *k, const char *fmt, ...)
{
	va_list ap;

	ktap_indent(k);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Whether @k reported everything it planned, and all of it passed. */
static inline bool ktap_passed(const struct ktap *k)
{
	return !k->failed && k->tests == k->planned;
}

/* Closes @sub with its result in @parent: ok only if it passed as a whole. */
static inline __attribute__((format(printf, 3, 4)))
bool ktap_subtest_end(struct ktap *parent, const struct ktap *sub,
		      const char *fmt, ...)
{
	bool ok = ktap_passed(sub);
	va_list ap;

	if (sub->tests != sub->planned)
		ktap_print(sub, "%u of %u planned results", sub->tests,
			   sub->planned);
	va_start(ap, fmt);
	ktap_vresult(parent, ok, fmt, ap);
	va_end(ap);
	return ok;
}

/* The exit status of a program whose results are @k: 0 if all passed. */
static inline int ktap_exit(const struct ktap *k)
{
	if (k->tests != k->planned)
		ktap_print(k, "%u of %u planned results", k->tests, k->planned);
	return ktap_passed(k) ? 0 : 1;
}

#endif
