/*
 * The PostgreSQL row of the backends table (rdb_int.h), over libpq.
 * Connecting, the schema version and read-only sessions are
 * schema/db_pg.h's.  The SQL the query files write once for both
 * engines has its ?N parameters rewritten to $N when it is prepared
 * (string literals, quoted names and comments left alone).  A statement
 * runs with PQsendQueryParams in single-row mode, so rows stream and
 * memory stays flat whatever the result's size; results come as text
 * and the column accessors convert them (booleans to 1/0, bytea
 * unescaped).  libpq runs one query at a time on a connection: a
 * statement still streaming when another starts is drained into memory
 * first (the query files nest only small queries inside large ones).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "buf.h"
#include "db_pg.h"
#include "rdb_int.h"
#include "xalloc.h"

/* the type oids the accessors and binds need (pg_type.dat) */
#define OID_BOOL	16
#define OID_BYTEA	17
#define OID_INT8	20
#define OID_INT4	23
#define OID_FLOAT8	701

#define PG_MAX_PARAMS	99

struct pgconn {
	PGconn		*c;
	struct pgstmt	*busy;		/* the statement streaming, if any */
	char		 err[512];
	char		 state[6];	/* SQLSTATE of the last error */
};

struct pgstmt {
	struct pgconn	*pc;
	char		*sql;		/* with $N */
	int		 nparams;
	char		*vals[PG_MAX_PARAMS];	/* owned, NULL: NULL */
	int		 lens[PG_MAX_PARAMS];
	int		 fmts[PG_MAX_PARAMS];
	Oid		 types[PG_MAX_PARAMS];
	int		 running;	/* sent, rows pending */
	PGresult	*row;		/* the current row */
	PGresult	**spill;	/* rows drained while another ran */
	size_t		 n_spill, i_spill;
	unsigned char	*blob;		/* the last unescaped bytea */
};

static void
set_error(struct pgconn *pc, const char *msg, const PGresult *res)
{
	const char *s = res != NULL ? PQresultErrorField(res,
	    PG_DIAG_SQLSTATE) : NULL;

	dbpg_error("PostgreSQL", msg, pc->err, sizeof(pc->err));
	memmove(pc->err, pc->err + 12, strlen(pc->err + 12) + 1);
	snprintf(pc->state, sizeof(pc->state), "%s", s != NULL ? s : "");
}

static int
pg_open(struct rdb *r, const char *target, enum rdb_mode mode, char *err,
    size_t errlen)
{
	struct pgconn *pc;
	PGconn *c;

	if ((c = dbpg_open(target, mode == RDB_CACHE ? DB_CACHE : DB_READONLY,
	    err, errlen)) == NULL)
		return -1;
	pc = xcalloc(1, sizeof(*pc));
	pc->c = c;
	r->db = pc;
	return 0;
}

static void
pg_close(struct rdb *r)
{
	struct pgconn *pc = r->db;

	PQfinish(pc->c);
	free(pc);
}

/*
 * sql with ?N (or a bare ?, numbered in order) as $N; -1 when a number
 * is out of range.  Literals '...', names "..." and comments are copied
 * as they are.
 */
static char *
rewrite(const char *sql, int *nparams)
{
	struct buf b;
	const char *p = sql;
	int next = 1, max = 0;

	buf_init(&b, 1024 * 1024);
	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			const char *e = strchr(p + 1, *p);

			e = e != NULL ? e + 1 : p + strlen(p);
			buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else if (p[0] == '-' && p[1] == '-') {
			size_t n = strcspn(p, "\n");

			buf_add(&b, p, n);
			p += n;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			e = e != NULL ? e + 2 : p + strlen(p);
			buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else if (*p == '?') {
			int n = 0;
			char num[16];

			for (p++; *p >= '0' && *p <= '9' && n < 1000; p++)
				n = n * 10 + (*p - '0');
			if (n == 0)
				n = next;
			if (n > PG_MAX_PARAMS) {
				buf_release(&b);
				return NULL;
			}
			next = n + 1;
			max = n > max ? n : max;
			snprintf(num, sizeof(num), "$%d", n);
			buf_adds(&b, num);
		} else
			buf_addc(&b, *p++);
	}
	*nparams = max;
	return buf_detach(&b, NULL);
}

/* fetches the rest of the busy statement's rows into its spill list */
static void
spill_busy(struct pgconn *pc)
{
	struct pgstmt *s = pc->busy;
	PGresult *res;

	if (s == NULL)
		return;
	while ((res = PQgetResult(pc->c)) != NULL) {
		s->spill = xreallocarray(s->spill, s->n_spill + 1,
		    sizeof(*s->spill));
		s->spill[s->n_spill++] = res;
	}
	pc->busy = NULL;
}

/* the describe round trip finds syntax errors and missing tables now */
static int
pg_prepare(struct rdb *r, const char *sql, void **st, char *err,
    size_t errlen)
{
	struct pgconn *pc = r->db;
	struct pgstmt *s;
	PGresult *res;
	char *q;
	int n;

	*st = NULL;
	if ((q = rewrite(sql, &n)) == NULL) {
		snprintf(err, errlen, "too many parameters in statement");
		return -1;
	}
	spill_busy(pc);
	res = PQprepare(pc->c, "", q, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_error(pc, PQerrorMessage(pc->c), res);
		snprintf(err, errlen, "%s", pc->err);
		PQclear(res);
		free(q);
		return -1;
	}
	PQclear(res);
	s = xcalloc(1, sizeof(*s));
	s->pc = pc;
	s->sql = q;
	s->nparams = n;
	*st = s;
	return 0;
}

static int
pg_bind(void *st, int i, const struct rdb_value *v)
{
	struct pgstmt *s = st;
	char num[32];

	if (i < 1 || i > s->nparams)
		return -1;
	i--;
	free(s->vals[i]);
	s->vals[i] = NULL;
	s->fmts[i] = 0;
	s->types[i] = 0;	/* unknown: the server infers from context */
	switch (v->type) {
	case RDB_INT64:
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		s->vals[i] = xstrdup(num);
		s->types[i] = v->i >= INT32_MIN && v->i <= INT32_MAX ?
		    OID_INT4 : OID_INT8;
		break;
	case RDB_DOUBLE:
		snprintf(num, sizeof(num), "%.17g", v->d);
		s->vals[i] = xstrdup(num);
		s->types[i] = OID_FLOAT8;
		break;
	case RDB_TEXT:
		s->vals[i] = xstrdup(v->s);
		break;
	case RDB_BLOB:
		s->vals[i] = xmalloc(v->len + 1);
		memcpy(s->vals[i], v->s, v->len);
		s->lens[i] = (int)v->len;
		s->fmts[i] = 1;
		s->types[i] = OID_BYTEA;
		break;
	default:
		break;
	}
	return 0;
}

static void
clear_row(struct pgstmt *s)
{
	PQclear(s->row);
	s->row = NULL;
	PQfreemem(s->blob);
	s->blob = NULL;
}

/* the next result of s: from its spill list, else from the wire */
static PGresult *
next_result(struct pgstmt *s)
{
	if (s->i_spill < s->n_spill)
		return s->spill[s->i_spill++];
	if (s->pc->busy != s)
		return NULL;
	return PQgetResult(s->pc->c);
}

static int
start(struct pgstmt *s)
{
	struct pgconn *pc = s->pc;

	spill_busy(pc);
	if (!PQsendQueryParams(pc->c, s->sql, s->nparams, s->types,
	    (const char *const *)s->vals, s->lens, s->fmts, 0)) {
		set_error(pc, PQerrorMessage(pc->c), NULL);
		return -1;
	}
	PQsetSingleRowMode(pc->c);
	pc->busy = s;
	s->running = 1;
	return 0;
}

/* reads what is left of s's results, keeping the first error */
static void
finish(struct pgstmt *s)
{
	PGresult *res;

	while ((res = next_result(s)) != NULL)
		PQclear(res);
	if (s->pc->busy == s)
		s->pc->busy = NULL;
	for (size_t i = s->i_spill; i < s->n_spill; i++)
		PQclear(s->spill[i]);
	free(s->spill);
	s->spill = NULL;
	s->n_spill = s->i_spill = 0;
	s->running = 0;
}

static int
pg_step(void *st)
{
	struct pgstmt *s = st;
	PGresult *res;

	clear_row(s);
	if (!s->running && start(s) == -1)
		return -1;
	if ((res = next_result(s)) == NULL) {
		finish(s);
		return 0;
	}
	switch (PQresultStatus(res)) {
	case PGRES_SINGLE_TUPLE:
		s->row = res;
		return 1;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		PQclear(res);
		finish(s);
		return 0;
	default:
		set_error(s->pc, PQresultErrorMessage(res), res);
		PQclear(res);
		finish(s);
		return -1;
	}
}

static void
pg_column(void *st, int i, enum rdb_type want, struct rdb_value *v)
{
	struct pgstmt *s = st;
	const char *t;
	Oid type;
	size_t n;

	if (s->row == NULL || i < 0 || i >= PQnfields(s->row) ||
	    PQgetisnull(s->row, 0, i))
		return;
	t = PQgetvalue(s->row, 0, i);
	type = PQftype(s->row, i);
	if (type == OID_BOOL)
		t = t[0] == 't' ? "1" : "0";
	v->type = want == RDB_NULL ? RDB_INT64 : want;
	switch (want) {
	case RDB_INT64:
		errno = 0;
		v->i = strtoll(t, NULL, 10);
		if (strpbrk(t, ".eE") != NULL)
			v->i = (int64_t)strtod(t, NULL);
		break;
	case RDB_DOUBLE:
		v->d = strtod(t, NULL);
		break;
	case RDB_BLOB:
		if (type == OID_BYTEA) {
			PQfreemem(s->blob);
			s->blob = PQunescapeBytea((const unsigned char *)t, &n);
			v->s = (const char *)s->blob;
			v->len = n;
		} else {
			v->s = t;
			v->len = strlen(t);
		}
		break;
	default:
		v->s = t;
		break;
	}
}

static void
pg_reset(void *st)
{
	struct pgstmt *s = st;

	clear_row(s);
	finish(s);
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = s->fmts[i] = 0;
		s->types[i] = 0;
	}
}

static void
pg_finalize(void *st)
{
	struct pgstmt *s = st;

	pg_reset(s);
	free(s->sql);
	free(s);
}

static int
pg_exec(struct rdb *r, const char *sql, char *err, size_t errlen)
{
	struct pgconn *pc = r->db;
	PGresult *res;
	ExecStatusType st;

	spill_busy(pc);
	res = PQexec(pc->c, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_error(pc, PQerrorMessage(pc->c), res);
		snprintf(err, errlen, "%s", pc->err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static const char *
pg_errmsg(struct rdb *r)
{
	struct pgconn *pc = r->db;

	return pc->err;
}

/* 42P01: undefined_table */
static int
pg_no_table(struct rdb *r)
{
	struct pgconn *pc = r->db;

	return strcmp(pc->state, "42P01") == 0;
}

const struct rdb_ops rdb_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.bind = pg_bind,
	.step = pg_step,
	.column = pg_column,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.exec = pg_exec,
	.errmsg = pg_errmsg,
	.no_table = pg_no_table,
	.begin_write = "BEGIN",
};
