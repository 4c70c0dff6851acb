/* jobs.h: long computations (bounds scans) as asynchronous jobs on a fixed pool of worker threads.
 *
 * A job is identified by a string id (the request's cache key), so identical requests share one job.
 * Jobs wait in a bounded FIFO queue (a full queue refuses new jobs: the API answers 503), run on one
 * of the workers with progress and cancellation (nr_progress), and keep their output (status and body
 * bytes) in memory while their record lives. Records are kept in memory only: a finished job is
 * forgotten `ttl_s` after it finished, or earlier when more than `max_jobs` records exist (oldest
 * finished first); bodies of finished jobs beyond `max_body_bytes` in all are dropped (oldest first),
 * their result stays in the cache. A request thread may wait for a job with a timeout (a condition
 * variable, no polling). Shutdown cancels queued and running jobs and joins the workers.
 */
#ifndef NR_JOBS_H
#define NR_JOBS_H

#include <stddef.h>

#include "model.h"

typedef enum { NR_JOB_QUEUED, NR_JOB_RUNNING, NR_JOB_DONE, NR_JOB_FAILED, NR_JOB_CANCELLED } nr_job_state;

/* What a job produces: status 200 and the result bytes, or an HTTP error status and a problem+json
 * body. A cancelled run may leave it empty. */
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
    double max_run_s;      /* a run is stopped after this long [s] and fails with 503 (0: no limit) */
} nr_jobs_options;

typedef struct nr_jobs nr_jobs;
typedef struct nr_job nr_job;

/* Starts the workers. NULL with errbuf filled on failure. */
nr_jobs *nr_jobs_start(const nr_jobs_options *opt, char *errbuf, size_t errlen);
/* Refuses new jobs, cancels queued and running ones, wakes every waiter, joins the workers. */
void nr_jobs_shutdown(nr_jobs *jobs);
/* After nr_jobs_shutdown (calls it if needed). */
void nr_jobs_free(nr_jobs *jobs);

typedef enum { NR_JOBS_CREATED, NR_JOBS_JOINED, NR_JOBS_FULL, NR_JOBS_STOPPING, NR_JOBS_NOMEM } nr_jobs_submit_rc;

/* The job `id`: joins a queued, running or done one, else (none, failed or cancelled) creates and
 * queues a new one that will call run(input). On CREATED the table owns input; otherwise it is freed
 * with free_input here. On CREATED and JOINED *job is a reference: release it with nr_job_release. */
nr_jobs_submit_rc nr_jobs_submit(nr_jobs *jobs, const char *id, nr_job_run_fn run, void *input,
                                 nr_job_free_fn free_input, nr_job **job);
/* A reference to job `id`, NULL if unknown. */
nr_job *nr_jobs_find(nr_jobs *jobs, const char *id);
void nr_job_release(nr_jobs *jobs, nr_job *job);

/* Waits until the job has finished (done, failed, cancelled), timeout_ms passed or shutdown began;
 * returns its state then. */
nr_job_state nr_job_wait(nr_jobs *jobs, nr_job *job, unsigned timeout_ms);

typedef struct {
    char id[65];
    nr_job_state state;
    double progress;       /* 0..1                                          */
    double created_at;     /* Unix time [s]                                 */
    nr_job_output output;  /* with_output: a copy (body malloc'd, may be NULL if dropped) */
} nr_job_info;

void nr_job_snapshot(nr_jobs *jobs, nr_job *job, int with_output, nr_job_info *info);

/* Withdraws one request's interest in the job (DELETE): identical requests share a job, so it is cancelled only
 * when no request that submitted or joined it still wants it; *still_wanted says whether it goes on. Returns the
 * state before. */
nr_job_state nr_job_withdraw(nr_jobs *jobs, nr_job *job, int *still_wanted);

const char *nr_job_state_name(nr_job_state state);

#endif
