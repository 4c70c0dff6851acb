/* task_pool.c: tasks shared among threads through an atomic counter (see task_pool.h). */
#include "task_pool.h"

#include <pthread.h>

typedef struct {
    nr_task_pool *pool;
    void *worker;
    nr_task_fn task;
    size_t n_tasks;
    const nr_progress *progress;
    double share0, share1;
    int reports; /* worker 0: the caller's thread */
    nr_status status;
    nr_error err;
} slot;

/* Takes tasks until none is left or one fails; the reporting worker reports progress after each of its tasks. */
static void *work(void *arg)
{
    slot *w = arg;
    nr_task_pool *pool = w->pool;
    for (;;) {
        size_t k = atomic_fetch_add(&pool->next, 1);
        if (k >= w->n_tasks || atomic_load(&pool->stop))
            break;
        nr_status st = w->task(w->worker, k, &w->err);
        if (st != NR_OK) {
            w->status = st;
            atomic_store(&pool->stop, 1);
            break;
        }
        size_t done = atomic_fetch_add(&pool->done, 1) + 1;
        if (w->reports)
            nr_progress_report(w->progress, w->share0 + (w->share1 - w->share0) * (double)done / (double)w->n_tasks);
    }
    return NULL;
}

nr_status nr_task_pool_run(nr_task_pool *pool, void *workers, size_t worker_size, size_t n_workers, nr_task_fn task,
                           size_t n_tasks, const nr_progress *progress, double share0, double share1, nr_error *err)
{
    atomic_store(&pool->next, 0);
    atomic_store(&pool->done, 0);
    atomic_store(&pool->stop, 0);
    if (n_workers > NR_TASK_POOL_MAX_THREADS)
        n_workers = NR_TASK_POOL_MAX_THREADS;
    if (n_workers > n_tasks)
        n_workers = n_tasks ? n_tasks : 1;
    if (n_workers < 1)
        n_workers = 1;
    slot slots[NR_TASK_POOL_MAX_THREADS];
    pthread_t tid[NR_TASK_POOL_MAX_THREADS];
    for (size_t k = 0; k < n_workers; k++) {
        slots[k] = (slot){.pool = pool, .worker = (char *)workers + k * worker_size, .task = task, .n_tasks = n_tasks,
                          .progress = progress, .share0 = share0, .share1 = share1, .reports = k == 0,
                          .status = NR_OK};
        nr_error_clear(&slots[k].err);
    }
    size_t started = 0;
    for (size_t k = 1; k < n_workers; k++) {
        if (pthread_create(&tid[k], NULL, work, &slots[k]) != 0)
            break; /* the started ones and the caller's thread do the work */
        started = k;
    }
    work(&slots[0]);
    for (size_t k = 1; k <= started; k++)
        pthread_join(tid[k], NULL);
    /* the first failure other than a cancellation, else a cancellation */
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k <= started; k++)
            if (slots[k].status != NR_OK && (pass == 1 || slots[k].status != NR_ECANCELLED)) {
                if (err)
                    *err = slots[k].err;
                return slots[k].status;
            }
    return NR_OK;
}
