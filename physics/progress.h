/* progress.h: progress reports and cancellation for long computations (scans, contours, jobs). */
#ifndef NR_PROGRESS_H
#define NR_PROGRESS_H

#include <stdatomic.h>

/* Progress and cancellation for long computations (scans). Any field may be NULL. */
typedef struct {
    const atomic_int *cancel;                   /* non-zero: stop and return NR_ECANCELLED   */
    void (*report)(void *ctx, double fraction); /* called with 0..1 as work completes        */
    void *ctx;
} nr_progress;

static inline int nr_progress_cancelled(const nr_progress *p)
{
    return p && p->cancel && atomic_load(p->cancel) != 0;
}

static inline void nr_progress_report(const nr_progress *p, double fraction)
{
    if (p && p->report)
        p->report(p->ctx, fraction);
}

#endif
