/*
 * The modes of dmarc-report, one table (mode.c), as rpki-client lists
 * its outputs: each row is the word on the command line, the formats the
 * mode prints (format.h) and the function that runs it.  main.c parses
 * the command line into struct mode_args, finds the mode and checks the
 * format against the row; the row's run does the rest.  A new mode is a
 * row here, its run function in its own file, and its printers in the
 * format files.
 */
#ifndef DMARC_MODE_H
#define DMARC_MODE_H

#include <stddef.h>

#include "config.h"
#include "digest_cli.h"
#include "format.h"
#include "limits.h"
#include "model.h"
#include "query.h"
#include "readiness.h"
#include "window.h"

struct mode;

/* what follows the mode word on the command line */
#define MODE_ARG_NONE		0
#define MODE_ARG_DOMAIN		1	/* one DOMAIN (policy) */
#define MODE_ARG_DOMAINS	2	/* any number, as --domain (check) */

/* the command line as main.c parsed it, the config file applied */
struct mode_args {
	const struct mode *mode;
	const char	*mode_arg;	/* policy: the DOMAIN argument */
	const char	*db;		/* the database path, resolved */
	struct window_spec ws;
	const char	*domains[MAX_REPORT_DOMAINS];
	size_t		 n_domains;
	enum format_id	 fmt;		/* --format, FORMAT_TEXT if none */
	const char	*out;		/* -o FILE, NULL: standard output */
	int		 no_dns;
	int		 refresh;	/* --refresh */
	const char	*resolver;
	enum query_order order;
	size_t		 limit;
	const char	*senders;	/* readiness: --senders FILE */
	struct readiness_opts ro;	/* readiness criteria */
	struct digest_cli dc;		/* digest options */
	struct config	 cfg;		/* the config file, every mode */
};

struct mode {
	const char	*name;		/* the word on the command line */
	unsigned	 formats;	/* FORMAT_BIT() of each format printed */
	enum model_mode	 model;		/* the model it queries (model
					   modes only) */
	int		 takes_arg;	/* MODE_ARG_*: what follows the
					   mode word */
	int		 default_days;	/* days of the window without
					   options (digest: --week last) */
	int		 uses_services;	/* sources are named by service */
	/* runs the mode; returns the exit status (dmarc-report(1)) */
	int		(*run)(const struct mode_args *);
};

/* the mode named s, or NULL */
const struct mode *mode_find(const char *s);
/* the mode without a word on the command line: summary */
const struct mode *mode_default(void);
/* 1 if m prints format f */
int	mode_has_format(const struct mode *m, enum format_id f);

#endif
