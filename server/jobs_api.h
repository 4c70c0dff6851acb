/* jobs_api.h: the job resources /api/v1/jobs/<id>[/result] and the answer to a request whose job is
 * over or whose wait ended (jobs_api.c). */
#ifndef NR_JOBS_API_H
#define NR_JOBS_API_H

#include "api.h"

/* The answer for a request's job: 200 with its result (or its problem), 503 if it was cancelled, else 202
 * with the job and a Location header. joined: the request joined a job another request started (its
 * answer counts as a cache hit). path: the request's endpoint (the problem instance). */
void nr_job_answer(nr_api *api, nr_job *job, int joined, const char *path, nr_http_response *resp);

/* If the cache holds key: answers 200 with the stored body and its content type and returns 1; else 0. */
int nr_api_respond_cached(nr_api *api, const char *key, nr_http_response *resp);

void nr_api_job_get(void *api, const nr_http_request *req, nr_http_response *resp);
void nr_api_job_delete(void *api, const nr_http_request *req, nr_http_response *resp);
/* GET /api/v1/jobs: the caller's job records (an admin token: everyone's) with status, progress, submit time,
 * elapsed and remaining time. */
void nr_api_jobs_list(void *api, const nr_http_request *req, nr_http_response *resp);

#endif
