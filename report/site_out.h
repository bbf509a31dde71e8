/*
 * The directory a site is written to (site_out.c): built beside DIR,
 * swapped in whole, unchanged pages kept with their mtimes.  Names are
 * relative to the site and made by site_name_* (site.h) only; the
 * subdirectories d/ s/ o/ r/ in/ day/ exist from site_out_open on.
 */
#ifndef DMARC_SITE_OUT_H
#define DMARC_SITE_OUT_H

#include <stddef.h>
#include <stdio.h>

struct site_out {
	char		*dir;		/* DIR, owned */
	char		*tmp;		/* the new tree, owned; NULL after
					   commit or abort */
	int		 had_old;	/* DIR held an earlier site */
	int		 lock;		/* the new tree, flocked; -1 */
	size_t		 written;	/* files written new */
	size_t		 unchanged;	/* files kept from the old site */
};

/*
 * Removes the trees of killed runs beside dir (DIR.tmp-XXXXXX that no
 * run holds), creates the temporary tree beside dir.  Refuses a dir that exists and
 * is not a directory, or is a non-empty directory without the mark of
 * a site.  Returns 0, or -1 with a message in err.
 */
int	site_out_open(struct site_out *, const char *dir, char *err,
	    size_t errlen);
/* writes page name with bytes p[0..n) (or links the old equal one) */
int	site_out_page(struct site_out *, const char *name, const void *p,
	    size_t n, char *err, size_t errlen);
/*
 * Links name from the old site when it has one (a file whose content
 * depends only on its name, as an input's bytes).  1 if kept, else 0.
 */
int	site_out_keep(struct site_out *, const char *name);
/* a new file name to write through the returned FILE (caller closes) */
FILE	*site_out_file(struct site_out *, const char *name, char *err,
	    size_t errlen);
/* swaps the new tree in and removes the old; frees what so owns */
int	site_out_commit(struct site_out *, char *err, size_t errlen);
/* removes the new tree; frees what so owns (after commit: no-op) */
void	site_out_abort(struct site_out *);

#endif
