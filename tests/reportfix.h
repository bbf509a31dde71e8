/*
 * The fixture database of the report suites: dmarc-ingest run over
 * tests/data/report/ into a fresh directory (see test_query.c for what
 * the reports hold and the hand-computed totals).  Included by the
 * report test files only; everything static.
 */
#ifndef DMARC_TEST_REPORTFIX_H
#define DMARC_TEST_REPORTFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "db.h"
#include "query.h"
#include "testutil.h"

#define RF_D1	1794787200LL	/* 2026-11-16 00:00 UTC */
#define RF_DAY	86400LL

static char *rf_tmp;
static char rf_db[600];

static void
rf_build(void)
{
	rf_tmp = tu_tmpdir();
	snprintf(rf_db, sizeof(rf_db), "%s/t.db", rf_tmp);
	/* exit 1: z-broken.xml is rejected on purpose */
	tu_fixture_db(rf_db, "tests/data/report", 1);
}

static void
rf_unbuild(void)
{
	tu_rmtree(rf_tmp);
	free(rf_tmp);
}

static struct rdb *rf_open(void) __attribute__((unused));

static struct rdb *
rf_open(void)
{
	char err[512];
	struct rdb *db = rdb_open(rf_db, RDB_READ, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

#define rf_near(a, b) ck_assert_msg((a) > (b) - 1e-6 && (a) < (b) + 1e-6, \
	"%s = %f, expected %f", #a, (double)(a), (double)(b))

#endif
