/*
 * The audit of a domain's SPF record tree (spfeval.h): every include and
 * redirect fetched and parsed, lookup terms counted per record and per
 * subtree so the postmaster sees which include to flatten, void answers
 * of include, redirect, a: and mx: targets found, loops cut.  Bounded by
 * MAX_SPF_AUDIT_NODES records and MAX_SPF_AUDIT_QUERIES queries, whatever
 * the zone holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "spfeval.h"
#include "xalloc.h"

/* notes kept for the tree-wide verdicts: lookups, voids, two caps */
#define SUMMARY_NOTES	4

struct walk {
	const struct spfdns	*dns;
	struct spf_audit	*au;
	size_t			 queries;
	int			 queries_capped;	/* noted once */
	int			 nodes_capped;		/* noted once */
};

void
spf_audit_release(struct spf_audit *au)
{
	if (au == NULL)
		return;
	for (size_t i = 0; i < au->n_nodes; i++) {
		free(au->nodes[i].domain);
		free(au->nodes[i].record);
		spfrec_release(&au->nodes[i].rec);
	}
	free(au->nodes);
	recnotes_release(&au->notes);
	memset(au, 0, sizeof(*au));
}

/* asks one query if the budget allows; 0, or -1 (nothing asked) */
static int
ask(struct walk *w, enum spfdns_type t, const char *name,
    struct spfdns_answer *a)
{
	memset(a, 0, sizeof(*a));
	if (w->queries >= MAX_SPF_AUDIT_QUERIES) {
		if (!w->queries_capped)
			recnotes_add(&w->au->notes, RECNOTE_WARNING,
			    "audit-capped", "the records need more than %d "
			    "DNS queries to check; the rest was not checked",
			    MAX_SPF_AUDIT_QUERIES);
		w->queries_capped = 1;
		return -1;
	}
	w->queries++;
	w->dns->query(w->dns->arg, t, name, a);
	return 0;
}

static size_t
add_node(struct walk *w, const char *domain, size_t depth, size_t parent,
    enum spf_mech via)
{
	struct spf_audit *au = w->au;
	struct spf_audit_node *n;

	au->nodes = xreallocarray(au->nodes, au->n_nodes + 1,
	    sizeof(*au->nodes));
	n = &au->nodes[au->n_nodes];
	memset(n, 0, sizeof(*n));
	n->domain = xstrdup(domain);
	n->depth = depth;
	n->parent = parent;
	n->via = via;
	n->status = "ok";
	return au->n_nodes++;
}

/* 1 if domain is node i or one of its ancestors */
static int
on_path(const struct spf_audit *au, size_t i, const char *domain)
{
	for (;;) {
		if (strcasecmp(au->nodes[i].domain, domain) == 0)
			return 1;
		if (au->nodes[i].depth == 0)
			return 0;
		i = au->nodes[i].parent;
	}
}

/*
 * Whether one more note about a single record fits: the last
 * SUMMARY_NOTES places are kept for the tree-wide verdicts, which a
 * hostile tree must not crowd out.
 */
static int
item_note_fits(const struct walk *w)
{
	return w->au->notes.n + SUMMARY_NOTES < MAX_RECORD_NOTES;
}

/* a void answer found while auditing: counted and said */
static void
void_found(struct walk *w, const char *what, const char *name)
{
	w->au->voids++;
	if (item_note_fits(w))
		recnotes_add(&w->au->notes, RECNOTE_WARNING, "void-lookup",
		    "%s '%s' has no DNS answer; receivers allow %d such "
		    "lookups per evaluation (RFC 7208 4.6.4)", what, name,
		    MAX_SPF_VOID_LOOKUPS);
}

/* a: and mx: targets: do they answer at all? */
static void
check_target(struct walk *w, const struct spf_term *t, const char *domain)
{
	struct spfdns_answer a, b;
	const char *name = t->domain != NULL ? t->domain : domain;

	if (t->has_macro)
		return;
	if (t->mech == SPF_MX) {
		if (ask(w, SPFDNS_MX, name, &a) == 0 && a.rc == SPFDNS_VOID)
			void_found(w, "mx", name);
		else if (a.n_names > MAX_SPF_MX_NAMES && item_note_fits(w))
			recnotes_add(&w->au->notes, RECNOTE_ERROR,
			    "too-many-mx", "mx:%s has %zu MX names; receivers "
			    "return permerror past %d", name, a.n_names,
			    MAX_SPF_MX_NAMES);
		spfdns_answer_release(&a);
		return;
	}
	if (ask(w, SPFDNS_A, name, &a) == 0 && a.rc == SPFDNS_VOID &&
	    ask(w, SPFDNS_AAAA, name, &b) == 0) {
		if (b.rc == SPFDNS_VOID)
			void_found(w, "a", name);
		spfdns_answer_release(&b);
	}
	spfdns_answer_release(&a);
}

/* chooses and parses the record of node i from its TXT answer */
static void
take_record(struct walk *w, size_t i, const struct spfdns_answer *a)
{
	struct spf_audit_node *n = &w->au->nodes[i];
	const char *txts[MAX_SPF_TXT_RECORDS];
	size_t k = 0;
	int sel;

	for (; k < a->n_txt && k < MAX_SPF_TXT_RECORDS; k++)
		txts[k] = a->txt[k].text;
	if ((sel = spfrec_select(txts, k)) == -1) {
		n->status = "none";
		return;
	}
	if (sel == -2) {
		n->status = "several";
		return;
	}
	n->record = xstrdup(txts[sel]);
	if (spfrec_parse(n->record, a->txt[sel].joins, a->txt[sel].n_joins,
	    &n->rec) == -1)
		n->status = "invalid";
	n->lookups_own = n->rec.n_lookups;
}

static void walk_node(struct walk *, size_t);

/* an include or redirect target below node i */
static void
follow(struct walk *w, size_t i, const char *target, int has_macro,
    enum spf_mech via)
{
	size_t c;

	if (w->au->n_nodes >= MAX_SPF_AUDIT_NODES) {
		if (!w->nodes_capped)
			recnotes_add(&w->au->notes, RECNOTE_WARNING,
			    "audit-capped", "more than %d records in the "
			    "tree; the rest was not followed",
			    MAX_SPF_AUDIT_NODES);
		w->nodes_capped = 1;
		return;
	}
	c = add_node(w, target, w->au->nodes[i].depth + 1, i, via);
	if (has_macro) {
		w->au->nodes[c].status = "macro";
		return;
	}
	if (on_path(w->au, i, target)) {
		w->au->nodes[c].status = "loop";
		if (item_note_fits(w))
			recnotes_add(&w->au->notes, RECNOTE_ERROR, "loop", "'%s' "
			    "includes itself through '%s': receivers return "
			    "permerror", target, w->au->nodes[i].domain);
		return;
	}
	walk_node(w, c);
}

/* fetches node i's record and walks what it references */
static void
walk_node(struct walk *w, size_t i)
{
	struct spfdns_answer a;
	char *domain = xstrdup(w->au->nodes[i].domain);
	struct spfrec *rec;

	if (ask(w, SPFDNS_TXT, domain, &a) == -1)
		w->au->nodes[i].status = "not-followed";
	else if (a.rc == SPFDNS_TEMP)
		w->au->nodes[i].status = "temperror";
	else
		take_record(w, i, &a);
	spfdns_answer_release(&a);
	if (strcmp(w->au->nodes[i].status, "none") == 0 && i > 0)
		void_found(w, w->au->nodes[i].via == SPF_INCLUDE ? "include" :
		    "redirect", domain);
	rec = &w->au->nodes[i].rec;
	for (size_t k = 0; k < rec->n_terms; k++) {
		/* follow() may move the node array: re-read rec each time */
		const struct spf_term *t = &w->au->nodes[i].rec.terms[k];

		if (t->mech == SPF_INCLUDE)
			follow(w, i, t->domain, t->has_macro, SPF_INCLUDE);
		else if (t->mech == SPF_A || t->mech == SPF_MX)
			check_target(w, t, domain);
		rec = &w->au->nodes[i].rec;
	}
	if (rec->redirect != NULL && !rec->has_all)
		follow(w, i, rec->redirect, strchr(rec->redirect, '%') !=
		    NULL, SPF_ALL);
	free(domain);
}

/* lookups_tree of every node, children after parents in the array */
static void
sum_tree(struct spf_audit *au)
{
	for (size_t i = 0; i < au->n_nodes; i++)
		au->nodes[i].lookups_tree = au->nodes[i].lookups_own;
	for (size_t i = au->n_nodes; i-- > 1; )
		au->nodes[au->nodes[i].parent].lookups_tree +=
		    au->nodes[i].lookups_tree;
	au->lookups = au->n_nodes > 0 ? au->nodes[0].lookups_tree : 0;
}

void
spf_audit(const struct spfdns *dns, const char *domain, struct spf_audit *au)
{
	struct walk w = { dns, au, 0, 0, 0 };

	memset(au, 0, sizeof(*au));
	add_node(&w, domain, 0, 0, SPF_ALL);
	walk_node(&w, 0);
	sum_tree(au);
	if (au->lookups > MAX_SPF_LOOKUPS)
		recnotes_add(&au->notes, RECNOTE_ERROR, "too-many-lookups",
		    "%zu DNS lookups through includes and redirects; "
		    "receivers stop at %d and return permerror (RFC 7208 "
		    "4.6.4): flatten the includes that cost most",
		    au->lookups, MAX_SPF_LOOKUPS);
	if (au->voids > MAX_SPF_VOID_LOOKUPS)
		recnotes_add(&au->notes, RECNOTE_ERROR, "too-many-voids",
		    "%zu void lookups; receivers return permerror past %d "
		    "(RFC 7208 4.6.4)", au->voids, MAX_SPF_VOID_LOOKUPS);
}
