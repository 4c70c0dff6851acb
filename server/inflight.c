/* inflight.c: a small table of computations under way, guarded by one mutex and one condition
 * variable (the number of concurrent computations is bounded by the thread pool). */
#include "inflight.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next;
    char key[65];
    int done;
    int waiters;
    nr_inflight_result result;
} entry;

struct nr_inflight {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    entry *head;
};

nr_inflight *nr_inflight_new(void)
{
    nr_inflight *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->changed, NULL);
    return t;
}

static void entry_free(entry *e)
{
    free(e->result.body);
    free(e);
}

void nr_inflight_free(nr_inflight *t)
{
    if (!t)
        return;
    for (entry *e = t->head, *next; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    pthread_cond_destroy(&t->changed);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static entry **find(nr_inflight *t, const char *key)
{
    entry **link = &t->head;
    while (*link && strcmp((*link)->key, key) != 0)
        link = &(*link)->next;
    return link;
}

static int copy_result(const nr_inflight_result *src, nr_inflight_result *dst)
{
    *dst = *src;
    dst->body = malloc(src->len + 1);
    if (!dst->body)
        return -1;
    memcpy(dst->body, src->body ? src->body : "", src->len);
    dst->body[src->len] = '\0';
    return 0;
}

int nr_inflight_join(nr_inflight *t, const char *key, nr_inflight_result *out)
{
    pthread_mutex_lock(&t->lock);
    entry **link = find(t, key);
    if (!*link) {
        entry *e = calloc(1, sizeof *e);
        if (!e) {
            pthread_mutex_unlock(&t->lock);
            return -1;
        }
        strncpy(e->key, key, sizeof e->key - 1);
        e->next = t->head;
        t->head = e;
        pthread_mutex_unlock(&t->lock);
        return 1;
    }
    entry *e = *link;
    e->waiters++;
    while (!e->done)
        pthread_cond_wait(&t->changed, &t->lock);
    int rc = copy_result(&e->result, out) == 0 ? 0 : -1;
    if (--e->waiters == 0) {
        *find(t, key) = e->next;
        entry_free(e);
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void nr_inflight_publish(nr_inflight *t, const char *key, const nr_inflight_result *result)
{
    pthread_mutex_lock(&t->lock);
    entry **link = find(t, key);
    entry *e = *link;
    if (e && !e->done) {
        if (e->waiters == 0) {
            *link = e->next;
            entry_free(e);
        } else {
            if (copy_result(result, &e->result) != 0) {
                e->result.status = 503;
                e->result.len = 0;
                snprintf(e->result.content_type, sizeof e->result.content_type, "text/plain");
            }
            e->done = 1;
            pthread_cond_broadcast(&t->changed);
        }
    }
    pthread_mutex_unlock(&t->lock);
}
