/*
 * Inside the database seam (rdb.h): the backends table and the handle
 * every backend shares.  A backend is one row, struct rdb_ops, and its
 * own files (rdb_sqlite.c + rdb_stmt_sqlite.c, rdb_pg.c); rdb.c picks
 * the row from the database's name and dispatches every call through
 * it.  Included by rdb.c, the backends and dns_cache.c (which keeps its
 * statements on the handle); the modes see struct rdb as opaque.
 */
#ifndef DMARC_RDB_INT_H
#define DMARC_RDB_INT_H

#include "rdb.h"

/* a value bound to a parameter or read from a column */
enum rdb_type {
	RDB_NULL,
	RDB_INT64,
	RDB_DOUBLE,
	RDB_TEXT,
	RDB_BLOB,
};

struct rdb_value {
	enum rdb_type	 type;
	int64_t		 i;
	double		 d;
	const char	*s;	/* RDB_TEXT, RDB_BLOB (borrowed) */
	size_t		 len;	/* RDB_BLOB */
};

/*
 * One backend.  Statements are the backend's own (void *), wrapped in
 * struct rdb_stmt by rdb.c.  Return conventions are rdb.h's.
 */
struct rdb_ops {
	const char	*name;		/* "sqlite", "postgresql" */
	/* fills r->db; -1 with err */
	int	 (*open)(struct rdb *r, const char *target, enum rdb_mode,
		    char *err, size_t errlen);
	void	 (*close)(struct rdb *r);	/* the connection only */
	int	 (*prepare)(struct rdb *r, const char *sql, void **st,
		    char *err, size_t errlen);
	int	 (*bind)(void *st, int i, const struct rdb_value *);
	int	 (*step)(void *st);
	/* column i of the current row converted to want (NULL stays
	   RDB_NULL); pointers valid until the next step/reset/finalize */
	void	 (*column)(void *st, int i, enum rdb_type want,
		    struct rdb_value *out);
	void	 (*reset)(void *st);
	void	 (*finalize)(void *st);
	int	 (*exec)(struct rdb *r, const char *sql, char *err,
		    size_t errlen);
	const char *(*errmsg)(struct rdb *r);
	int	 (*no_table)(struct rdb *r);
	/* the SQL dialect's few differences, kept here and nowhere else */
	const char	*begin_write;	/* opens a write transaction */
};

struct rdb {
	const struct rdb_ops *ops;
	void		*db;		/* the backend's connection, owned */
	char		 err[512];	/* rdb.c's own last error */
	/* dns_cache.c's statements, prepared once (sources may look up
	   tens of thousands of names), owned: */
	struct rdb_stmt	*cache_get, *cache_del, *cache_ins;
};

struct rdb_stmt {
	struct rdb	*r;
	void		*st;		/* the backend's statement, owned */
};

extern const struct rdb_ops rdb_sqlite_ops;
extern const struct rdb_ops rdb_pg_ops;

#endif
