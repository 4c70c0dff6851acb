/* test_server_jobs.c: the generic job pool (server/jobs.c): watches fire exactly once, at the deadline while
 * the job is still blocked, or when it finishes; a run over the time budget is reported as stopped_by_budget
 * with no output (the caller writes the endpoint's answer); identical ids share one job. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "nr_test.h"

static atomic_int release_job;

/* Blocks until the test releases it, reporting progress meanwhile (the budget is checked there). */
static void run_blocked(void *input, const nr_progress *progress, nr_job_output *out)
{
    (void)input;
    while (!atomic_load(&release_job) && !nr_progress_cancelled(progress)) {
        nr_progress_report(progress, 0.5);
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    if (nr_progress_cancelled(progress))
        return;
    out->status = 200;
    out->body = strdup("{}");
    out->len = 2;
}

static const nr_job_kind blocked = {run_blocked, NULL, "/test"};

typedef struct {
    atomic_int fired;
} watch_ctx;

static void on_fire(void *ctx)
{
    atomic_fetch_add(&((watch_ctx *)ctx)->fired, 1);
}

/* Waits (bounded) until cond holds; returns it. */
static int eventually(atomic_int *value, int want)
{
    for (int i = 0; i < 20000 && atomic_load(value) != want; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    return atomic_load(value) == want;
}

static void test_watches(void)
{
    char err[128];
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.0};
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(jobs != NULL, "pool: %s", err);
    atomic_store(&release_job, 0);
    nr_job *a = NULL, *b = NULL;
    CHECK(nr_jobs_submit(jobs, "k1", &blocked, NULL, &a) == NR_JOBS_CREATED, "first submit creates");
    CHECK(nr_jobs_submit(jobs, "k1", &blocked, NULL, &b) == NR_JOBS_JOINED && a == b, "same id joins");
    watch_ctx early = {0}, late = {0};
    CHECK(nr_job_watch(jobs, a, 5, on_fire, &early) == 0, "short watch registered");
    CHECK(nr_job_watch(jobs, a, 600000, on_fire, &late) == 0, "long watch registered");
    CHECK(eventually(&early.fired, 1), "the short watch fires at its deadline while the job is blocked");
    CHECK(atomic_load(&late.fired) == 0, "the long watch waits");
    atomic_store(&release_job, 1);
    CHECK(eventually(&late.fired, 1), "the long watch fires when the job finishes");
    nr_job_info info;
    nr_job_snapshot(jobs, a, 1, &info);
    CHECK(info.state == NR_JOB_DONE && info.output.status == 200 && !info.stopped_by_budget, "done with output");
    free(info.output.body);
    watch_ctx after = {0};
    CHECK(nr_job_watch(jobs, a, 1000, on_fire, &after) == -1 && atomic_load(&after.fired) == 0,
          "a finished job cannot be watched (the caller answers at once)");
    CHECK(atomic_load(&early.fired) == 1 && atomic_load(&late.fired) == 1, "each watch fired exactly once");
    nr_job_release(jobs, a);
    nr_job_release(jobs, b);
    nr_jobs_free(jobs);
}

static void test_budget_and_shutdown(void)
{
    char err[128];
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.01}; /* a 10 ms budget */
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(jobs != NULL, "pool: %s", err);
    atomic_store(&release_job, 0);
    nr_job *a = NULL, *b = NULL;
    nr_jobs_submit(jobs, "over", &blocked, NULL, &a);
    watch_ctx w = {0};
    CHECK(nr_job_watch(jobs, a, 600000, on_fire, &w) == 0, "watch registered");
    CHECK(eventually(&w.fired, 1), "the watch fires when the budget stops the run");
    nr_job_info info;
    nr_job_snapshot(jobs, a, 1, &info);
    CHECK(info.state == NR_JOB_FAILED && info.stopped_by_budget && !info.output.body && info.budget_s == 0.01 &&
              strcmp(info.label, "/test") == 0,
          "reported as stopped by the budget, no body: the caller writes the answer");
    free(info.output.body);
    nr_jobs_submit(jobs, "queued", &blocked, NULL, &b);
    watch_ctx s = {0};
    int registered = nr_job_watch(jobs, b, 600000, on_fire, &s) == 0;
    nr_jobs_shutdown(jobs);
    CHECK(!registered || atomic_load(&s.fired) == 1, "shutdown fires the remaining watches");
    nr_job_release(jobs, a);
    nr_job_release(jobs, b);
    nr_jobs_free(jobs);
}

int main(void)
{
    test_watches();
    test_budget_and_shutdown();
    return nr_test_summary();
}
