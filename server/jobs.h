/* jobs.h: every computation (rates, spectra, bounds scans) as a job on a fixed pool of worker threads, so
 * the HTTP threads only do I/O.
 *
 * A job is identified by a string id (the request's cache key), so identical requests share one job.
 * The pool is generic: it knows neither HTTP nor endpoints. A run stopped by the time budget is reported
 * as such (nr_job_info.stopped_by_budget) and the caller writes the endpoint's answer; a request that
 * waits for a job registers a watch (nr_job_watch) and holds no thread while it waits.
 * Jobs wait in a bounded FIFO queue (a full queue refuses new jobs: the API answers 503), run on one
 * of the workers with progress and cancellation (nr_progress), and keep their output (status and body
 * bytes) in memory while their record lives. Records are kept in memory only: a finished job is
 * forgotten `ttl_s` after it finished, or earlier when more than `max_jobs` records exist (oldest
 * finished first); bodies of finished jobs beyond `max_body_bytes` in all are dropped (oldest first) once no
 * request holds the job (a request woken by the job's end reads the body first), their result stays in the
 * cache. A run that returns its result is done even if it passed the time budget at its last progress report.
 * Shutdown marks queued and running jobs cancelled at once (waiters answer 503) and joins the workers.
 *
 * Fairness between clients (a group's shared server, issue 17): every job belongs to the client that created
 * it (a token's name or an address; "" for none). A free worker takes the first queued job of the client
 * served least recently (round-robin between clients, FIFO within one), skipping clients that already run
 * `client_running` jobs; a client with `client_queued` jobs waiting is refused (NR_JOBS_CLIENT_FULL: 429).
 */
#ifndef NR_JOBS_H
#define NR_JOBS_H

#include <stddef.h>

#include "nureach.h"

typedef enum { NR_JOB_QUEUED, NR_JOB_RUNNING, NR_JOB_DONE, NR_JOB_FAILED, NR_JOB_CANCELLED } nr_job_state;

/* What a job produces: status 200 and the result bytes, or an HTTP error status and a problem+json
 * body. A cancelled run, or one stopped by the budget, may leave it empty. */
typedef struct {
    unsigned status;
    char *body;  /* malloc'd */
    size_t len;
    double compute_ms;
} nr_job_output;

typedef void (*nr_job_run_fn)(void *input, const nr_progress *progress, nr_job_output *out);
typedef void (*nr_job_free_fn)(void *input);

typedef struct {
    unsigned threads;      /* workers                                   */
    unsigned queue_max;    /* queued (not yet running) jobs at most     */
    unsigned max_jobs;     /* job records kept                          */
    double ttl_s;          /* a finished record lives this long [s]     */
    size_t max_body_bytes; /* bodies of finished jobs kept in memory    */
    double max_run_s;      /* a run is stopped after this long [s] and fails, stopped_by_budget (0: no limit) */
    unsigned client_running; /* jobs one client runs at once at most (0: no limit)       */
    unsigned client_queued;  /* jobs one client has waiting at most, then refused (0: no limit) */
} nr_jobs_options;

typedef struct nr_jobs nr_jobs;
typedef struct nr_job nr_job;

/* Starts the workers. NULL with errbuf filled on failure. */
nr_jobs *nr_jobs_start(const nr_jobs_options *opt, char *errbuf, size_t errlen);
/* Refuses new jobs, marks queued and running ones cancelled (a running run's late output is dropped), wakes
 * every waiter, joins the workers. */
void nr_jobs_shutdown(nr_jobs *jobs);
/* After nr_jobs_shutdown (calls it if needed). */
void nr_jobs_free(nr_jobs *jobs);

typedef enum {
    NR_JOBS_CREATED, NR_JOBS_JOINED, NR_JOBS_FULL, NR_JOBS_STOPPING, NR_JOBS_NOMEM,
    NR_JOBS_CLIENT_FULL /* the client has client_queued jobs waiting already */
} nr_jobs_submit_rc;

#define NR_JOB_CLIENT_MAX 64 /* bytes of a client key or tag, with the NUL */

/* Who submits: `key` the client (fairness, quotas, listing; NULL or "": the anonymous client), `tag` an
 * accounting label (compute seconds are summed per tag; NULL: none). */
typedef struct {
    const char *key;
    const char *tag;
} nr_job_client;

/* What to run: run(input) on a worker, free_input(input) when the record no longer needs it; label is the
 * caller's name for the kind of job (kept and returned in nr_job_info, not interpreted). */
typedef struct {
    nr_job_run_fn run;
    nr_job_free_fn free_input;
    const char *label;
} nr_job_kind;

/* The job `id`: joins a queued, running or done one, else (none, failed or cancelled) creates and
 * queues a new one that will call kind->run(input). On CREATED the table owns input; otherwise it is
 * freed with kind->free_input here. On CREATED and JOINED *job is a reference: release it with
 * nr_job_release. kind must outlive the pool. */
nr_jobs_submit_rc nr_jobs_submit(nr_jobs *jobs, const char *id, const nr_job_kind *kind, void *input,
                                 nr_job **job);
/* The same for a client (NULL: the anonymous client); a joined job keeps its creator. */
nr_jobs_submit_rc nr_jobs_submit_for(nr_jobs *jobs, const char *id, const nr_job_kind *kind, void *input,
                                     const nr_job_client *client, nr_job **job);
/* A reference to job `id`, NULL if unknown. */
nr_job *nr_jobs_find(nr_jobs *jobs, const char *id);
void nr_job_release(nr_jobs *jobs, nr_job *job);

/* Calls fn(ctx) exactly once: when the job finishes (done, failed, cancelled), when timeout_ms have passed,
 * or at shutdown, whichever comes first; from a worker or the pool's timer thread, with the pool's lock
 * held (fn must only signal: not call back into the pool). Returns 0 when registered; -1 (fn not called)
 * when the job has finished already, the pool is stopping or memory ran out: the caller answers at once.
 * The caller keeps its reference to the job until fn has been called. */
int nr_job_watch(nr_jobs *jobs, nr_job *job, unsigned timeout_ms, void (*fn)(void *ctx), void *ctx);

typedef struct {
    char id[65];
    nr_job_state state;
    double progress;       /* 0..1                                          */
    double created_at;     /* Unix time [s]                                 */
    nr_job_output output;  /* with_output: a copy (body malloc'd, may be NULL if dropped) */
    int stopped_by_budget; /* failed: stopped after budget_s; the caller writes the answer */
    double budget_s;       /* the pool's max_run_s                          */
    const char *label;     /* the kind's label                              */
    char client[NR_JOB_CLIENT_MAX]; /* who created it ("" anonymous)         */
    char tag[NR_JOB_CLIENT_MAX];
} nr_job_info;

void nr_job_snapshot(nr_jobs *jobs, nr_job *job, int with_output, nr_job_info *info);

/* Withdraws one request's interest in the job (DELETE): identical requests share a job, so it is cancelled only
 * when no request that submitted or joined it still wants it; *still_wanted says whether it goes on. Returns the
 * state before. */
nr_job_state nr_job_withdraw(nr_jobs *jobs, nr_job *job, int *still_wanted);

const char *nr_job_state_name(nr_job_state state);

/* Snapshots (without output) of at most max job records, newest first, of one client (NULL: every client).
 * Returns how many were written. */
size_t nr_jobs_list(nr_jobs *jobs, const char *client, nr_job_info *out, size_t max);

/* Counts for the metrics. */
typedef struct {
    size_t queued, running, records;
    unsigned long long done, failed, cancelled, refused_full, refused_client; /* since start */
} nr_jobs_stats;
void nr_jobs_get_stats(nr_jobs *jobs, nr_jobs_stats *stats);

/* Compute seconds summed per tag (runs that finished, whatever their end): fills at most max entries,
 * returns how many. */
#define NR_JOBS_MAX_TAGS 64
typedef struct {
    char tag[NR_JOB_CLIENT_MAX];
    double seconds;
    unsigned long long runs;
} nr_jobs_tag_time;
size_t nr_jobs_tag_times(nr_jobs *jobs, nr_jobs_tag_time *out, size_t max);

#endif
