/*
 * fixture.h: one analyzer for a whole group of unit tests (setup and
 * teardown for cmocka_run_group_tests), which several tests share.
 */
#ifndef PRS_TEST_FIXTURE_H
#define PRS_TEST_FIXTURE_H

#include "analyzer.h"

static struct prs_analyzer *an;

static int setup(void **state)
{
    (void)state;
    an = prs_analyzer_new(NULL);
    return an ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    prs_analyzer_free(an);
    return 0;
}

#endif
