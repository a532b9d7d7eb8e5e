/*
 * cmd_sh.c: ukfs sh [FILE]: one command a line, all in one kernel and one
 * mount.  Words split on blanks, with '...' and "..." quoting and
 * backslash escapes; '#' starts a comment.  The whole script is read
 * and checked before the image is mounted, so the mount is read-only
 * unless a command in it writes, and a misspelt command is a usage
 * error (2) before anything runs.  Afterwards: 0, or the worst status
 * of a line (every line runs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SH_MAXWORDS	256

struct cli_line {
	int	l_no;
	int	l_argc;
	char	**l_argv;
};

struct cli_script {
	struct cli_line	*s_lines;
	size_t		s_count;
};

/* Split line in place into words; -1 on an unterminated quote or too many words. */
static int
sh_split(char *line, char **words, int max)
{
	char *r = line, *w = line;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r')
			r++;
		if (*r == '\0' || *r == '#' || *r == '\n')
			return n;
		if (n == max)
			return -1;
		words[n++] = w;
		while (*r != '\0' && *r != ' ' && *r != '\t' && *r != '\n' && *r != '\r') {
			if (*r == '\'' || *r == '"') {
				char q = *r++;

				while (*r != q && *r != '\0') {
					if (q == '"' && *r == '\\' && r[1] != '\0')
						r++;
					*w++ = *r++;
				}
				if (*r != q)
					return -1;
				r++;
			} else if (*r == '\\' && r[1] != '\0') {
				r++;
				*w++ = *r++;
			} else
				*w++ = *r++;
		}
		if (*r != '\0')
			r++;
		*w++ = '\0';
	}
}

static int
sh_add(struct cli_script *s, int no, char **words, int n)
{
	struct cli_line *nl;
	int i;

	if ((nl = realloc(s->s_lines, (s->s_count + 1) * sizeof(*nl))) == NULL)
		return -1;
	s->s_lines = nl;
	nl = &s->s_lines[s->s_count];
	nl->l_no = no;
	nl->l_argc = n;
	if ((nl->l_argv = calloc((size_t)n + 1, sizeof(char *))) == NULL)
		return -1;
	s->s_count++;
	for (i = 0; i < n; i++)
		if ((nl->l_argv[i] = strdup(words[i])) == NULL)
			return -1;
	return 0;
}

int
cli_script_load(const char *file, struct cli_script **sp, bool *writesp)
{
	struct cli_script *s;
	const struct cli_cmd *cc;
	char *line = NULL, *words[SH_MAXWORDS];
	size_t cap = 0;
	FILE *f = stdin;
	int no = 0, n, rv = CLI_OK;

	if (file != NULL && strcmp(file, "-") != 0 && (f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "ukfs: sh: %s: %s\n", file, strerror(errno));
		return CLI_FAIL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CLI_FAIL;
	while (getline(&line, &cap, f) != -1) {
		no++;
		if ((n = sh_split(line, words, SH_MAXWORDS)) == -1) {
			fprintf(stderr, "ukfs: sh: line %d: unterminated quote or too many words\n", no);
			rv = CLI_USAGE;
			continue;
		}
		if (n == 0)
			continue;
		if ((cc = cli_findcmd(words[0])) == NULL || cc->cc_fn == cmd_sh) {
			fprintf(stderr, "ukfs: sh: line %d: unknown command '%s'\n", no, words[0]);
			rv = CLI_USAGE;
			continue;
		}
		*writesp = *writesp || cc->cc_writes;
		if (sh_add(s, no, words, n) == -1) {
			rv = CLI_FAIL;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (rv != CLI_OK) {
		cli_script_free(s);
		return rv;
	}
	*sp = s;
	return CLI_OK;
}

int
cli_script_run(struct cli *c, struct cli_script *s)
{
	size_t i;
	int r, rv = CLI_OK;

	for (i = 0; i < s->s_count; i++) {
		fflush(stdout);
		r = cli_run(c, s->s_lines[i].l_argc, s->s_lines[i].l_argv);
		fflush(stdout);
		if (r != CLI_OK) {
			fprintf(stderr, "ukfs: sh: line %d failed (%s)\n", s->s_lines[i].l_no,
			    s->s_lines[i].l_argv[0]);
			if (r > rv)
				rv = r;
		}
	}
	return rv;
}

void
cli_script_free(struct cli_script *s)
{
	size_t i;
	int j;

	if (s == NULL)
		return;
	for (i = 0; i < s->s_count; i++) {
		for (j = 0; j < s->s_lines[i].l_argc; j++)
			free(s->s_lines[i].l_argv[j]);
		free(s->s_lines[i].l_argv);
	}
	free(s->s_lines);
	free(s);
}

/* Only reached through the table for --help; main runs scripts itself. */
int
cmd_sh(struct cli *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	return CLI_USAGE;
}
