/* task_pool.h: tasks 0 .. n - 1 shared among threads through an atomic counter (contour.c, chi2_model.c). */
#ifndef NR_TASK_POOL_H
#define NR_TASK_POOL_H

#include <stdatomic.h>
#include <stddef.h>

#include "nr_error.h"
#include "progress.h"

/* Workers of one pool, at most. */
#define NR_TASK_POOL_MAX_THREADS 64

/* A task: k on `worker` (the caller's per-thread state); a failure's message into err. */
typedef nr_status (*nr_task_fn)(void *worker, size_t k, nr_error *err);

/* The counters of one run, owned by the caller so that its tasks can see `stop` (nr_task_pool_stopped). */
typedef struct {
    atomic_size_t next, done; /* the next task to take, the tasks finished     */
    atomic_int stop;          /* a task failed: the workers take no more tasks */
} nr_task_pool;

static inline int nr_task_pool_stopped(nr_task_pool *pool)
{
    return atomic_load(&pool->stop) != 0;
}

/* Runs task(worker k, 0 .. n_tasks - 1) on n_workers workers (at most NR_TASK_POOL_MAX_THREADS and n_tasks),
 * the k-th at (char *)workers + k * worker_size; worker 0 runs in the caller's thread, the others on threads
 * (one that cannot be started leaves its share to the others). Each worker takes the next task from the shared
 * counter until none is left or one fails; worker 0 reports progress share0 + (share1 - share0) * done / n_tasks
 * after each of its tasks. Returns the first failure other than NR_ECANCELLED, else the first cancellation, with
 * its message in err. The tasks' results depend on their k only if the tasks make them so (one worker's state
 * per task, no shared accumulation): then they do not depend on n_workers. */
nr_status nr_task_pool_run(nr_task_pool *pool, void *workers, size_t worker_size, size_t n_workers, nr_task_fn task,
                           size_t n_tasks, const nr_progress *progress, double share0, double share1, nr_error *err);

#endif
