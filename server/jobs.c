/* jobs.c: the job table, its FIFO queue, the worker threads and the watches (see jobs.h).
 *
 * One mutex guards everything; `work` wakes workers when a job is queued, `timer` (on CLOCK_MONOTONIC)
 * wakes the timer thread when a watch is added or the pool stops. A job
 * record is freed when it has left the table and no reference (request thread or worker) remains.
 * Watches fire when their job finishes (from the worker, in mark_finished) or at their deadline (from
 * the timer thread, which sleeps on `timer` until the earliest deadline). Clients with queued or running
 * jobs have a record (queued, running, when last served) that lives while they have any. */
#include "jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


typedef struct client_rec {
    struct client_rec *next;
    char key[NR_JOB_CLIENT_MAX];
    unsigned queued, running;
    unsigned long long served; /* the pool's serve count when a worker last took one of its jobs (0: never) */
} client_rec;

struct nr_job {
    nr_job *next;          /* table list, newest first */
    client_rec *client;    /* while queued or running  */
    char owner[NR_JOB_CLIENT_MAX], tag[NR_JOB_CLIENT_MAX];
    nr_job *queue_next;
    char id[65];
    nr_job_state state;
    int in_table;
    int refs;              /* request threads and the worker running it */
    atomic_int cancel;     /* CANCEL_BY_USER or CANCEL_BY_BUDGET once set */
    int interest;          /* requests still waiting for it (submitted or joined, not yet withdrawn) */
    double progress;
    struct timespec started; /* CLOCK_MONOTONIC, when a worker took it */
    double created_at;     /* Unix time [s]            */
    struct timespec finished; /* CLOCK_MONOTONIC          */
    const nr_job_kind *kind;
    void *input;
    nr_job_output output;
    int stopped_by_budget;
};

typedef struct watch {
    struct watch *next;
    nr_job *job;
    struct timespec deadline; /* CLOCK_MONOTONIC */
    void (*fn)(void *ctx);
    void *ctx;
} watch;

struct nr_jobs {
    pthread_mutex_t lock;
    pthread_cond_t work, timer;
    watch *watches;
    pthread_t timer_thread;
    int timer_started;
    nr_job *head;
    size_t n_jobs;
    nr_job *queue_head, *queue_tail;
    size_t n_queued;
    size_t body_bytes;     /* bodies held by finished jobs */
    client_rec *clients;   /* clients with queued or running jobs */
    unsigned long long serves;
    size_t n_running;
    unsigned long long n_done, n_failed, n_cancelled, n_refused_full, n_refused_client;
    nr_jobs_tag_time tags[NR_JOBS_MAX_TAGS];
    size_t n_tags;
    pthread_t *threads;
    unsigned n_threads;
    int stopping, joined;
    nr_jobs_options opt;
};

const char *nr_job_state_name(nr_job_state s)
{
    switch (s) {
    case NR_JOB_QUEUED: return "queued";
    case NR_JOB_RUNNING: return "running";
    case NR_JOB_DONE: return "done";
    case NR_JOB_FAILED: return "failed";
    case NR_JOB_CANCELLED: return "cancelled";
    }
    return "unknown";
}

static int finished(const nr_job *j)
{
    return j->state == NR_JOB_DONE || j->state == NR_JOB_FAILED || j->state == NR_JOB_CANCELLED;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ---- records (lock held) ------------------------------------------------------------------------ */

static void drop_input(nr_job *j)
{
    if (j->input && j->kind->free_input)
        j->kind->free_input(j->input);
    j->input = NULL;
}

static void drop_body(nr_jobs *t, nr_job *j)
{
    if (finished(j) && j->output.body)
        t->body_bytes -= j->output.len;
    free(j->output.body);
    j->output.body = NULL;
    j->output.len = 0;
}

static void free_if_unused(nr_jobs *t, nr_job *j)
{
    if (j->in_table || j->refs > 0)
        return;
    drop_input(j);
    drop_body(t, j);
    free(j);
}

static void detach(nr_jobs *t, nr_job *j)
{
    for (nr_job **link = &t->head; *link; link = &(*link)->next) {
        if (*link == j) {
            *link = j->next;
            t->n_jobs--;
            break;
        }
    }
    j->in_table = 0;
    free_if_unused(t, j);
}

/* Fires and removes the watches of job j (every watch when j is NULL). */
static void fire_watches(nr_jobs *t, const nr_job *j)
{
    for (watch **link = &t->watches; *link;) {
        watch *w = *link;
        if (j && w->job != j) {
            link = &w->next;
            continue;
        }
        *link = w->next;
        w->fn(w->ctx);
        free(w);
    }
}

static client_rec *client_get(nr_jobs *t, const char *key)
{
    for (client_rec *c = t->clients; c; c = c->next)
        if (strcmp(c->key, key) == 0)
            return c;
    client_rec *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    snprintf(c->key, sizeof c->key, "%s", key);
    c->next = t->clients;
    t->clients = c;
    return c;
}

static void client_put(nr_jobs *t, client_rec *c)
{
    if (c->queued || c->running)
        return;
    for (client_rec **link = &t->clients; *link; link = &(*link)->next)
        if (*link == c) {
            *link = c->next;
            free(c);
            return;
        }
}

/* A job leaves the running state (lock held): its client's count drops and a worker may now take that
 * client's next job. */
static void leave_running(nr_jobs *t, nr_job *j)
{
    t->n_running--;
    if (j->client) {
        j->client->running--;
        client_put(t, j->client);
        j->client = NULL;
    }
    pthread_cond_broadcast(&t->work);
}

static void mark_finished(nr_jobs *t, nr_job *j, nr_job_state state)
{
    j->state = state;
    if (state == NR_JOB_DONE)
        t->n_done++;
    else if (state == NR_JOB_FAILED)
        t->n_failed++;
    else
        t->n_cancelled++;
    clock_gettime(CLOCK_MONOTONIC, &j->finished);
    if (j->output.body)
        t->body_bytes += j->output.len;
    fire_watches(t, j);
}

/* Forgets old finished jobs, keeps at most max_jobs records and max_body_bytes of bodies. */
static void sweep(nr_jobs *t)
{
    for (nr_job *j = t->head, *next; j; j = next) {
        next = j->next;
        if (finished(j) && seconds_since(&j->finished) > t->opt.ttl_s)
            detach(t, j);
    }
    /* a body is dropped only when no request holds its job: a request woken by the job's end (its watch fires
     * in mark_finished, this sweep follows at once under the same lock) holds a reference until it has read the
     * body, which may be the only copy (no cache, or the cache refused it); a detached record keeps its body
     * until its last reference goes (free_if_unused), so detaching is always safe */
    while (t->n_jobs > t->opt.max_jobs || t->body_bytes > t->opt.max_body_bytes) {
        nr_job *oldest = NULL;
        for (nr_job *j = t->head; j; j = j->next)
            if (finished(j) && (t->n_jobs > t->opt.max_jobs || (j->output.body && j->refs == 0)))
                oldest = j;
        if (!oldest)
            break;
        if (t->n_jobs > t->opt.max_jobs)
            detach(t, oldest);
        else
            drop_body(t, oldest);
    }
}

static nr_job *find(nr_jobs *t, const char *id)
{
    for (nr_job *j = t->head; j; j = j->next)
        if (strcmp(j->id, id) == 0)
            return j;
    return NULL;
}

static void unqueue(nr_jobs *t, nr_job *job)
{
    nr_job *prev = NULL;
    for (nr_job *j = t->queue_head; j; prev = j, j = j->queue_next) {
        if (j != job)
            continue;
        if (prev)
            prev->queue_next = j->queue_next;
        else
            t->queue_head = j->queue_next;
        if (t->queue_tail == j)
            t->queue_tail = prev;
        t->n_queued--;
        j->queue_next = NULL;
        if (j->client) {
            j->client->queued--;
            if (j->state == NR_JOB_QUEUED) { /* withdrawn or shut down, not taken by a worker */
                client_put(t, j->client);
                j->client = NULL;
            }
        }
        return;
    }
}

/* ---- workers ------------------------------------------------------------------------------------ */

enum { CANCEL_BY_USER = 1, CANCEL_BY_BUDGET = 2 };

typedef struct {
    nr_jobs *table;
    nr_job *job;
} progress_ctx;

static void report_progress(void *ctx, double fraction)
{
    progress_ctx *c = ctx;
    pthread_mutex_lock(&c->table->lock);
    if (fraction > c->job->progress)
        c->job->progress = fraction > 1.0 ? 1.0 : fraction;
    /* the time budget is checked as the work reports progress: a run over it is stopped like a cancel */
    double budget = c->table->opt.max_run_s;
    if (budget > 0 && seconds_since(&c->job->started) > budget) {
        int none = 0;
        atomic_compare_exchange_strong(&c->job->cancel, &none, CANCEL_BY_BUDGET);
    }
    pthread_mutex_unlock(&c->table->lock);
}

static void account_tag(nr_jobs *t, const char *tag, double seconds)
{
    if (!tag[0])
        return;
    size_t i = 0;
    while (i < t->n_tags && strcmp(t->tags[i].tag, tag) != 0)
        i++;
    if (i == t->n_tags) {
        if (t->n_tags == NR_JOBS_MAX_TAGS)
            return;
        snprintf(t->tags[i].tag, sizeof t->tags[i].tag, "%s", tag);
        t->n_tags++;
    }
    t->tags[i].seconds += seconds;
    t->tags[i].runs++;
}

/* The next job to run (lock held): the first queued job of the client served least recently among those
 * under their running quota; NULL if none may run now. */
static nr_job *next_job(nr_jobs *t)
{
    nr_job *best = NULL;
    for (nr_job *j = t->queue_head; j; j = j->queue_next) {
        const client_rec *c = j->client;
        if (c && t->opt.client_running && c->running >= t->opt.client_running)
            continue;
        if (!best || (c && best->client && c->served < best->client->served))
            best = j;
    }
    return best;
}

static void run_one(nr_jobs *t, nr_job *j)
{
    progress_ctx ctx = {t, j};
    nr_progress progress = {&j->cancel, report_progress, &ctx};
    nr_job_output out = {0};
    clock_gettime(CLOCK_MONOTONIC, &j->started);
    j->kind->run(j->input, &progress, &out);
    pthread_mutex_lock(&t->lock);
    account_tag(t, j->tag, seconds_since(&j->started));
    drop_input(j);
    int cancel = atomic_load(&j->cancel);
    /* a run that returned its result is done even when the budget flag was raised meanwhile: the budget is
     * checked at progress reports, and the last report of a run that ends past the budget raises it although
     * nothing was stopped (the result is in the cache already; dropping it would answer 503 for a result) */
    int result = out.status == 200 && out.body;
    if (j->state == NR_JOB_CANCELLED) { /* withdrawn or shut down while running: marked then, output unwanted */
        free(out.body);
    } else if (cancel == CANCEL_BY_BUDGET && !result) {
        /* stopped by the time budget: reported as such; the caller writes the endpoint's answer */
        free(out.body);
        j->stopped_by_budget = 1;
        mark_finished(t, j, NR_JOB_FAILED);
    } else if (cancel == CANCEL_BY_USER) { /* cancelled without being marked (not expected: both cancels mark) */
        free(out.body);
        mark_finished(t, j, NR_JOB_CANCELLED);
    } else {
        j->output = out;
        if (out.status == 200)
            j->progress = 1.0;
        mark_finished(t, j, out.status == 200 ? NR_JOB_DONE : NR_JOB_FAILED);
    }
    leave_running(t, j);
    j->refs--;
    free_if_unused(t, j);
    sweep(t);
    pthread_mutex_unlock(&t->lock);
}

static void *worker(void *arg)
{
    nr_jobs *t = arg;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        nr_job *j;
        while (!t->stopping && !(j = next_job(t)))
            pthread_cond_wait(&t->work, &t->lock);
        if (t->stopping)
            break;
        j->state = NR_JOB_RUNNING; /* before unqueue: the client record stays */
        unqueue(t, j);
        t->n_running++;
        if (j->client) {
            j->client->running++;
            j->client->served = ++t->serves;
        }
        j->refs++;
        pthread_mutex_unlock(&t->lock);
        run_one(t, j);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* ---- watches ------------------------------------------------------------------------------------ */

static int before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static struct timespec deadline_after(unsigned timeout_ms)
{
    struct timespec d;
    clock_gettime(CLOCK_MONOTONIC, &d);
    d.tv_sec += timeout_ms / 1000;
    d.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (d.tv_nsec >= 1000000000L) {
        d.tv_sec++;
        d.tv_nsec -= 1000000000L;
    }
    return d;
}

/* Fires the watches whose deadline has passed; sleeps until the next one. */
static void *timer_loop(void *arg)
{
    nr_jobs *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        struct timespec now, next = {0, 0};
        clock_gettime(CLOCK_MONOTONIC, &now);
        int any = 0;
        for (watch **link = &t->watches; *link;) {
            watch *w = *link;
            if (!before(&now, &w->deadline)) {
                *link = w->next;
                w->fn(w->ctx);
                free(w);
                continue;
            }
            if (!any || before(&w->deadline, &next))
                next = w->deadline;
            any = 1;
            link = &w->next;
        }
        if (any)
            pthread_cond_timedwait(&t->timer, &t->lock, &next);
        else
            pthread_cond_wait(&t->timer, &t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

int nr_job_watch(nr_jobs *t, nr_job *j, unsigned timeout_ms, void (*fn)(void *ctx), void *ctx)
{
    watch *w = malloc(sizeof *w);
    if (!w)
        return -1;
    *w = (watch){NULL, j, deadline_after(timeout_ms), fn, ctx};
    pthread_mutex_lock(&t->lock);
    int ok = !t->stopping && !finished(j) && timeout_ms > 0;
    if (ok) {
        w->next = t->watches;
        t->watches = w;
        pthread_cond_signal(&t->timer);
    }
    pthread_mutex_unlock(&t->lock);
    if (!ok)
        free(w);
    return ok ? 0 : -1;
}

/* ---- table -------------------------------------------------------------------------------------- */

nr_jobs *nr_jobs_start(const nr_jobs_options *opt, char *errbuf, size_t errlen)
{
    nr_jobs *t = calloc(1, sizeof *t);
    if (!t || !(t->threads = calloc(opt->threads ? opt->threads : 1, sizeof *t->threads))) {
        free(t);
        snprintf(errbuf, errlen, "out of memory for the job pool");
        return NULL;
    }
    t->opt = *opt;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->work, NULL);
    pthread_cond_init(&t->timer, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&t->timer_thread, NULL, timer_loop, t) != 0) {
        snprintf(errbuf, errlen, "cannot start the job timer thread");
        nr_jobs_free(t);
        return NULL;
    }
    t->timer_started = 1;
    for (unsigned i = 0; i < opt->threads; i++) {
        if (pthread_create(&t->threads[i], NULL, worker, t) != 0) {
            snprintf(errbuf, errlen, "cannot start job worker %u of %u", i + 1, opt->threads);
            nr_jobs_free(t);
            return NULL;
        }
        t->n_threads++;
    }
    return t;
}

void nr_jobs_shutdown(nr_jobs *t)
{
    if (!t || t->joined)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = 1;
    while (t->queue_head) {
        nr_job *j = t->queue_head;
        unqueue(t, j);
        drop_input(j);
        mark_finished(t, j, NR_JOB_CANCELLED);
    }
    /* running jobs are marked cancelled now, not when their run next checks the flag (a long step may not check
     * before the HTTP daemon stops): the requests woken below then answer 503 with Retry-After, not 202 for a
     * job that will never finish; run_one drops the late output */
    for (nr_job *j = t->head; j; j = j->next)
        if (j->state == NR_JOB_RUNNING) {
            atomic_store(&j->cancel, CANCEL_BY_USER);
            mark_finished(t, j, NR_JOB_CANCELLED);
        }
    fire_watches(t, NULL);
    pthread_cond_broadcast(&t->work);
    pthread_cond_broadcast(&t->timer);
    pthread_mutex_unlock(&t->lock);
    for (unsigned i = 0; i < t->n_threads; i++)
        pthread_join(t->threads[i], NULL);
    if (t->timer_started)
        pthread_join(t->timer_thread, NULL);
    t->joined = 1;
}

void nr_jobs_free(nr_jobs *t)
{
    if (!t)
        return;
    nr_jobs_shutdown(t);
    while (t->head) {
        nr_job *j = t->head;
        t->head = j->next;
        j->in_table = 0;
        j->refs = 0; /* every request thread has returned by now */
        free_if_unused(t, j);
    }
    while (t->clients) {
        client_rec *c = t->clients;
        t->clients = c->next;
        free(c);
    }
    pthread_cond_destroy(&t->work);
    pthread_cond_destroy(&t->timer);
    pthread_mutex_destroy(&t->lock);
    free(t->threads);
    free(t);
}

static nr_job *new_job(const char *id, const nr_job_kind *kind, void *input, const nr_job_client *client)
{
    nr_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    snprintf(j->id, sizeof j->id, "%s", id);
    j->state = NR_JOB_QUEUED;
    j->in_table = 1;
    j->refs = 1; /* the submitting request */
    atomic_init(&j->cancel, 0);
    j->interest = 1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    j->created_at = (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
    j->kind = kind;
    j->input = input;
    snprintf(j->owner, sizeof j->owner, "%s", client && client->key ? client->key : "");
    snprintf(j->tag, sizeof j->tag, "%s", client && client->tag ? client->tag : "");
    return j;
}

nr_jobs_submit_rc nr_jobs_submit(nr_jobs *t, const char *id, const nr_job_kind *kind, void *input,
                                 nr_job **job)
{
    return nr_jobs_submit_for(t, id, kind, input, NULL, job);
}

nr_jobs_submit_rc nr_jobs_submit_for(nr_jobs *t, const char *id, const nr_job_kind *kind, void *input,
                                     const nr_job_client *client, nr_job **job)
{
    *job = NULL;
    const char *key = client && client->key ? client->key : "";
    client_rec *rec = NULL;
    pthread_mutex_lock(&t->lock);
    sweep(t);
    nr_jobs_submit_rc rc;
    nr_job *j = find(t, id);
    if (t->stopping) {
        rc = NR_JOBS_STOPPING;
    } else if (j && j->state != NR_JOB_FAILED && j->state != NR_JOB_CANCELLED &&
               !(j->state == NR_JOB_DONE && !j->output.body)) {
        /* joined: queued, running, or done with its body still held (a done job whose body was dropped
         * can no longer answer; if the cache evicted the result too, recompute rather than refuse) */
        j->refs++;
        j->interest++;
        *job = j;
        rc = NR_JOBS_JOINED;
    } else if (t->n_queued >= t->opt.queue_max) {
        rc = NR_JOBS_FULL;
        t->n_refused_full++;
    } else if (!(rec = client_get(t, key))) {
        rc = NR_JOBS_NOMEM;
    } else if (t->opt.client_queued && rec->queued >= t->opt.client_queued) {
        rc = NR_JOBS_CLIENT_FULL;
        t->n_refused_client++;
        client_put(t, rec);
    } else if (!(*job = new_job(id, kind, input, client))) {
        rc = NR_JOBS_NOMEM;
        client_put(t, rec);
    } else {
        (*job)->client = rec;
        rec->queued++;
        if (j) /* a failed or cancelled run: retry with a new record */
            detach(t, j);
        (*job)->next = t->head;
        t->head = *job;
        t->n_jobs++;
        if (t->queue_tail)
            t->queue_tail->queue_next = *job;
        else
            t->queue_head = *job;
        t->queue_tail = *job;
        t->n_queued++;
        pthread_cond_signal(&t->work);
        rc = NR_JOBS_CREATED;
    }
    pthread_mutex_unlock(&t->lock);
    if (rc != NR_JOBS_CREATED && kind->free_input)
        kind->free_input(input);
    return rc;
}

nr_job *nr_jobs_find(nr_jobs *t, const char *id)
{
    pthread_mutex_lock(&t->lock);
    sweep(t);
    nr_job *j = find(t, id);
    if (j)
        j->refs++;
    pthread_mutex_unlock(&t->lock);
    return j;
}

void nr_job_release(nr_jobs *t, nr_job *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&t->lock);
    j->refs--;
    free_if_unused(t, j);
    pthread_mutex_unlock(&t->lock);
}

/* Everything a listing shows of job j (not its output body); the caller holds t->lock. */
static void describe_job(const nr_jobs *t, const nr_job *j, nr_job_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->id, sizeof info->id, "%s", j->id);
    info->state = j->state;
    info->progress = j->progress;
    info->created_at = j->created_at;
    info->output.status = j->output.status;
    info->output.compute_ms = j->output.compute_ms;
    info->stopped_by_budget = j->stopped_by_budget;
    info->budget_s = t->opt.max_run_s;
    info->label = j->kind->label;
    snprintf(info->client, sizeof info->client, "%s", j->owner);
    snprintf(info->tag, sizeof info->tag, "%s", j->tag);
}

void nr_job_snapshot(nr_jobs *t, nr_job *j, int with_output, nr_job_info *info)
{
    pthread_mutex_lock(&t->lock);
    describe_job(t, j, info);
    if (with_output && j->output.body && (info->output.body = malloc(j->output.len + 1))) {
        memcpy(info->output.body, j->output.body, j->output.len);
        info->output.body[j->output.len] = '\0';
        info->output.len = j->output.len;
    }
    pthread_mutex_unlock(&t->lock);
}

nr_job_state nr_job_withdraw(nr_jobs *t, nr_job *j, int *still_wanted)
{
    pthread_mutex_lock(&t->lock);
    nr_job_state before = j->state;
    if (j->interest > 0)
        j->interest--;
    *still_wanted = j->interest > 0 && (before == NR_JOB_QUEUED || before == NR_JOB_RUNNING);
    if (*still_wanted) {
        /* identical requests share this job: it goes on for the others */
    } else if (before == NR_JOB_QUEUED) {
        unqueue(t, j);
        drop_input(j);
        mark_finished(t, j, NR_JOB_CANCELLED);
    } else if (before == NR_JOB_RUNNING) {
        atomic_store(&j->cancel, CANCEL_BY_USER); /* the worker stops at its next check and drops its output */
        mark_finished(t, j, NR_JOB_CANCELLED);
    }
    pthread_mutex_unlock(&t->lock);
    return before;
}

size_t nr_jobs_list(nr_jobs *t, const char *client, nr_job_info *out, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&t->lock);
    sweep(t);
    for (nr_job *j = t->head; j && n < max; j = j->next) {
        if (client && strcmp(j->owner, client) != 0)
            continue;
        describe_job(t, j, &out[n++]);
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}

void nr_jobs_get_stats(nr_jobs *t, nr_jobs_stats *st)
{
    memset(st, 0, sizeof *st);
    pthread_mutex_lock(&t->lock);
    st->queued = t->n_queued;
    st->running = t->n_running;
    st->records = t->n_jobs;
    st->done = t->n_done;
    st->failed = t->n_failed;
    st->cancelled = t->n_cancelled;
    st->refused_full = t->n_refused_full;
    st->refused_client = t->n_refused_client;
    pthread_mutex_unlock(&t->lock);
}

size_t nr_jobs_tag_times(nr_jobs *t, nr_jobs_tag_time *out, size_t max)
{
    pthread_mutex_lock(&t->lock);
    size_t n = t->n_tags < max ? t->n_tags : max;
    memcpy(out, t->tags, n * sizeof *out);
    pthread_mutex_unlock(&t->lock);
    return n;
}
