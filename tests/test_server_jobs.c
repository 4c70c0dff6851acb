/* test_server_jobs.c: the generic job pool (server/jobs.c): watches fire exactly once, at the deadline while
 * the job is still blocked, or when it finishes; a run over the time budget is reported as stopped_by_budget
 * with no output (the caller writes the endpoint's answer); identical ids share one job. Fairness: a free
 * worker serves the client served least recently (round-robin), a client at its running quota waits while
 * a worker idles for others, and a client past its queued quota is refused.
 * Budgets against a finished result: a run that crosses the time budget in its last progress report but
 * returns its result is done (not stopped), and the memory budget for bodies does not drop the body of a
 * job whose waiting request has not read it yet (nr_job_answer, jobs_api.c, answers 200 without a cache).
 * Shutdown: a running job is cancelled at once, so the request it wakes gets 503 problem+json with
 * Retry-After (not 202), even while the run has not yet seen the cancel. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "jobs_api.h"
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
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.0, 0, 0};
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
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.01, 0, 0}; /* a 10 ms budget */
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

/* ---- fairness ---- */

static atomic_int permits;    /* runs allowed to finish */
static atomic_int n_order;
static char order[16];        /* the labels of finished runs, in order */

/* Waits for a permit, then records its label (input: a static string). */
static void run_gated(void *input, const nr_progress *progress, nr_job_output *out)
{
    for (;;) {
        int p = atomic_load(&permits);
        if (p > 0 && atomic_compare_exchange_weak(&permits, &p, p - 1))
            break;
        if (nr_progress_cancelled(progress))
            return;
        nanosleep(&(struct timespec){0, 200000}, NULL);
    }
    int i = atomic_fetch_add(&n_order, 1);
    if (i < (int)sizeof order - 1)
        order[i] = *(const char *)input;
    out->status = 200;
    out->body = strdup("{}");
    out->len = 2;
}

static const nr_job_kind gated = {run_gated, NULL, "/test"};

static nr_jobs_submit_rc submit_as(nr_jobs *jobs, const char *id, const char *client, const char *label)
{
    nr_job_client who = {client, "model_x"};
    nr_job *j = NULL;
    nr_jobs_submit_rc rc = nr_jobs_submit_for(jobs, id, &gated, (void *)(uintptr_t)label, &who, &j);
    nr_job_release(jobs, j);
    return rc;
}

static int running_count(nr_jobs *jobs, size_t want)
{
    nr_jobs_stats st;
    for (int i = 0; i < 20000; i++) {
        nr_jobs_get_stats(jobs, &st);
        if (st.running == want)
            return 1;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return 0;
}

static void test_round_robin(void)
{
    atomic_store(&permits, 0);
    atomic_store(&n_order, 0);
    memset(order, 0, sizeof order);
    char err[200];
    nr_jobs_options opt = {1, 64, 64, 60.0, 1 << 20, 0.0, 0, 3};
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(submit_as(jobs, "a1", "alice", "1") == NR_JOBS_CREATED, "alice's first job");
    CHECK(running_count(jobs, 1), "alice's first job runs");
    CHECK(submit_as(jobs, "a2", "alice", "2") == NR_JOBS_CREATED, "alice's second job queued");
    CHECK(submit_as(jobs, "a3", "alice", "3") == NR_JOBS_CREATED, "alice's third job queued");
    CHECK(submit_as(jobs, "a4", "alice", "4") == NR_JOBS_CREATED, "alice's fourth job queued");
    CHECK(submit_as(jobs, "a5", "alice", "5") == NR_JOBS_CLIENT_FULL, "alice's fifth: past her 3 queued (429)");
    CHECK(submit_as(jobs, "b1", "bob", "b") == NR_JOBS_CREATED, "bob's job is not refused by alice's quota");
    atomic_store(&permits, 5);
    for (int i = 0; i < 20000 && atomic_load(&n_order) < 5; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    CHECK(strcmp(order, "1b234") == 0, "bob's job runs right after alice's running one (order %s)", order);
    nr_jobs_stats st;
    nr_jobs_get_stats(jobs, &st);
    CHECK(st.done == 5 && st.refused_client == 1 && st.queued == 0, "stats: 5 done, 1 refused (%llu, %llu)", st.done,
          st.refused_client);
    nr_jobs_tag_time tags[4];
    CHECK(nr_jobs_tag_times(jobs, tags, 4) == 1 && tags[0].runs == 5 && strcmp(tags[0].tag, "model_x") == 0,
          "compute time accounted per tag");
    nr_job_info list[8];
    CHECK(nr_jobs_list(jobs, "bob", list, 8) == 1 && strcmp(list[0].id, "b1") == 0, "bob's list: his one job");
    CHECK(nr_jobs_list(jobs, NULL, list, 8) == 5, "everyone's list: 5 jobs");
    nr_jobs_free(jobs);
}

static void test_running_quota(void)
{
    atomic_store(&permits, 0);
    atomic_store(&n_order, 0);
    memset(order, 0, sizeof order);
    char err[200];
    nr_jobs_options opt = {2, 64, 64, 60.0, 1 << 20, 0.0, 1, 0}; /* 2 workers, 1 running job per client */
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    submit_as(jobs, "a1", "alice", "1");
    submit_as(jobs, "a2", "alice", "2");
    nanosleep(&(struct timespec){0, 50000000}, NULL);
    nr_jobs_stats st;
    nr_jobs_get_stats(jobs, &st);
    CHECK(st.running == 1 && st.queued == 1, "alice runs one job, her second waits (%zu running)", st.running);
    submit_as(jobs, "b1", "bob", "b");
    CHECK(running_count(jobs, 2), "bob's job runs on the free worker at once");
    atomic_store(&permits, 3);
    for (int i = 0; i < 20000 && atomic_load(&n_order) < 3; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    CHECK(atomic_load(&n_order) == 3, "all three ran");
    nr_jobs_free(jobs);
}

/* ---- budgets against a finished result, and shutdown (jobs.c run_one, sweep, nr_jobs_shutdown) ---- */

/* Returns its result after 30 ms with no progress report meanwhile, then reports completion: the last report
 * is the first that sees the (10 ms) time budget passed, as in a scan whose last point ends over the budget. */
static void run_late_finisher(void *input, const nr_progress *progress, nr_job_output *out)
{
    (void)input;
    nanosleep(&(struct timespec){0, 30000000}, NULL);
    nr_progress_report(progress, 1.0);
    out->status = 200;
    out->body = strdup("{\"late\":1}");
    out->len = strlen(out->body);
}

static const nr_job_kind late_finisher = {run_late_finisher, NULL, "/test"};

static void test_budget_keeps_finished_result(void)
{
    char err[128];
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.01, 0, 0}; /* a 10 ms budget */
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(jobs != NULL, "pool: %s", err);
    nr_job *a = NULL;
    nr_jobs_submit(jobs, "late", &late_finisher, NULL, &a);
    watch_ctx w = {0};
    CHECK(nr_job_watch(jobs, a, 600000, on_fire, &w) == 0, "watch registered");
    CHECK(eventually(&w.fired, 1), "the watch fires when the run returns");
    nr_job_info info;
    nr_job_snapshot(jobs, a, 1, &info);
    CHECK(info.state == NR_JOB_DONE && !info.stopped_by_budget && info.output.status == 200 && info.output.body &&
              strcmp(info.output.body, "{\"late\":1}") == 0,
          "a run that returned its result as the budget passed is done with that result (state %s, stopped %d)",
          nr_job_state_name(info.state), info.stopped_by_budget);
    free(info.output.body);
    nr_job_release(jobs, a);
    nr_jobs_free(jobs);
}

/* The memory budget (max_body_bytes) is smaller than the one body: the body must still reach the request that
 * waits for it (no cache behind it here), and is dropped once no request holds the job. */
static void test_body_budget_keeps_result_for_waiter(void)
{
    char err[128];
    nr_jobs_options opt = {1, 4, 16, 60.0, 1, 0.0, 0, 0}; /* bodies: 1 byte in all */
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(jobs != NULL, "pool: %s", err);
    atomic_store(&release_job, 0);
    nr_job *a = NULL;
    nr_jobs_submit(jobs, "big", &blocked, NULL, &a);
    watch_ctx w = {0};
    CHECK(nr_job_watch(jobs, a, 600000, on_fire, &w) == 0, "watch registered");
    atomic_store(&release_job, 1);
    CHECK(eventually(&w.fired, 1), "the watch fires when the job finishes");
    nr_api api;
    memset(&api, 0, sizeof api); /* no cache: the job's body is the only copy */
    api.jobs = jobs;
    nr_http_response resp;
    memset(&resp, 0, sizeof resp);
    nr_job_answer(&api, a, 0, "/test", &resp);
    CHECK(resp.status == 200 && resp.body && resp.len == 2 && memcmp(resp.body, "{}", 2) == 0,
          "the waiting request gets the result (status %u)", resp.status);
    free(resp.body);
    nr_job_release(jobs, a);
    nr_job_info list[4];
    nr_jobs_list(jobs, NULL, list, 4); /* sweeps */
    nr_job *again = nr_jobs_find(jobs, "big");
    nr_job_info info;
    memset(&info, 0, sizeof info);
    if (again)
        nr_job_snapshot(jobs, again, 1, &info);
    CHECK(again && info.state == NR_JOB_DONE && !info.output.body,
          "once no request holds the job, its body is dropped by the budget (the result stays in the cache)");
    free(info.output.body);
    nr_job_release(jobs, again);
    nr_jobs_free(jobs);
}

/* Blocks until released, deaf to cancellation (a long integration step between two checks). */
static void run_deaf(void *input, const nr_progress *progress, nr_job_output *out)
{
    (void)input;
    (void)progress;
    while (!atomic_load(&release_job))
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    out->status = 200;
    out->body = strdup("{}");
    out->len = 2;
}

static const nr_job_kind deaf = {run_deaf, NULL, "/test"};

static void *shutdown_thread(void *jobs)
{
    nr_jobs_shutdown(jobs); /* joins the worker: returns once the deaf run is released */
    return NULL;
}

static void test_shutdown_cancels_running(void)
{
    char err[128];
    nr_jobs_options opt = {1, 4, 16, 60.0, 1 << 20, 0.0, 0, 0};
    nr_jobs *jobs = nr_jobs_start(&opt, err, sizeof err);
    CHECK(jobs != NULL, "pool: %s", err);
    atomic_store(&release_job, 0);
    nr_job *a = NULL;
    nr_jobs_submit(jobs, "running", &deaf, NULL, &a);
    CHECK(running_count(jobs, 1), "the job runs");
    watch_ctx w = {0};
    CHECK(nr_job_watch(jobs, a, 600000, on_fire, &w) == 0, "watch registered");
    pthread_t stopper;
    CHECK(pthread_create(&stopper, NULL, shutdown_thread, jobs) == 0, "shutdown thread");
    CHECK(eventually(&w.fired, 1), "shutdown wakes the waiting request");
    nr_api api;
    memset(&api, 0, sizeof api);
    api.jobs = jobs;
    nr_http_response resp;
    memset(&resp, 0, sizeof resp);
    nr_job_answer(&api, a, 0, "/test", &resp); /* the woken request answers while the run goes on */
    int retry_after = 0;
    for (int i = 0; i < resp.n_headers; i++)
        retry_after |= strcmp(resp.headers[i].name, "Retry-After") == 0;
    CHECK(resp.status == 503 && strcmp(resp.content_type, "application/problem+json") == 0 && retry_after,
          "the woken request gets 503 problem+json with Retry-After (status %u)", resp.status);
    free(resp.body);
    atomic_store(&release_job, 1);
    pthread_join(stopper, NULL);
    nr_job_info info;
    nr_job_snapshot(jobs, a, 1, &info);
    nr_jobs_stats st;
    nr_jobs_get_stats(jobs, &st);
    CHECK(info.state == NR_JOB_CANCELLED && !info.output.body && st.cancelled == 1 && st.done == 0 &&
              st.running == 0,
          "the run's late output is dropped; counted once as cancelled (%llu cancelled, %llu done)", st.cancelled,
          st.done);
    free(info.output.body);
    nr_job_release(jobs, a);
    nr_jobs_free(jobs);
}

int main(void)
{
    test_round_robin();
    test_running_quota();
    test_watches();
    test_budget_and_shutdown();
    test_budget_keeps_finished_result();
    test_body_budget_keeps_result_for_waiter();
    test_shutdown_cancels_running();
    return nr_test_summary();
}
