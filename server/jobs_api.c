/* jobs_api.c: the job resources GET /api/v1/jobs/<id> (status), DELETE /api/v1/jobs/<id> (cancel),
 * GET /api/v1/jobs/<id>/result (the result; .csv or Accept: text/csv as CSV, applied by http.c), and the
 * answer to a request once its job is over or its wait ended (nr_job_answer). The job pool reports a run
 * stopped by the time budget; this file writes that problem for the job's endpoint. */
#include "jobs_api.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"

#define JOBS_PATH "/api/v1/jobs/"

/* The problem of a failed job: its own body, or the time-budget problem the pool reported. malloc'd. */
static char *failure_body(const nr_job_info *info, unsigned *status, size_t *len)
{
    if (!info->stopped_by_budget) {
        *status = info->output.status;
        *len = info->output.len;
        return info->output.body;
    }
    free(info->output.body);
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, 503, "time-budget", "the computation was stopped after %.0f s (the server's --job-max-s)%s",
                   info->budget_s, strcmp(info->label, "/api/v1/bounds") == 0
                                       ? "; scan fewer points, or put the coupling on an axis (scans over masses "
                                         "recompute the production at every point)"
                                       : "");
    *status = 503;
    return nr_problem_to_json(&p, info->label, len);
}

/* ---- job JSON ----------------------------------------------------------------------------------- */

static json_t *job_json(const nr_job_info *info)
{
    char href[128], when[40];
    time_t secs = (time_t)info->created_at;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(info->id));
    json_object_set_new(o, "status", json_string(nr_job_state_name(info->state)));
    json_object_set_new(o, "progress", json_real(floor(info->progress * 1e4) * 1e-4));
    json_object_set_new(o, "created_at", json_string(when));
    if (info->state == NR_JOB_QUEUED || info->state == NR_JOB_RUNNING) {
        /* time since the job was created (queue included), and the time left if the rest goes at the pace so far
         * (null until 2 % is done) [s] */
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        double elapsed = (double)now.tv_sec + (double)now.tv_nsec * 1e-9 - info->created_at;
        elapsed = elapsed > 0.0 ? elapsed : 0.0;
        json_object_set_new(o, "elapsed_s", json_real(floor(elapsed * 10.0) * 0.1));
        json_object_set_new(o, "remaining_s", info->progress >= 0.02 && info->progress < 1.0
                                                  ? json_real(ceil(elapsed * (1.0 - info->progress) / info->progress))
                                                  : json_null());
    }
    snprintf(href, sizeof href, JOBS_PATH "%s", info->id);
    json_object_set_new(o, "href", json_string(href));
    if (info->state == NR_JOB_DONE) {
        snprintf(href, sizeof href, JOBS_PATH "%s/result", info->id);
        json_object_set_new(o, "result_href", json_string(href));
    }
    if (info->state == NR_JOB_FAILED && (info->output.body || info->stopped_by_budget)) {
        nr_job_info copy = *info;
        if (copy.output.body && !(copy.output.body = strdup(info->output.body)))
            copy.output.len = 0;
        unsigned status;
        size_t len;
        char *body = failure_body(&copy, &status, &len);
        json_t *problem = body ? json_loadb(body, len, 0, NULL) : NULL;
        free(body);
        json_object_set_new(o, "problem", problem ? problem : json_null());
    }
    return o;
}

static void respond_json(nr_http_response *resp, unsigned status, json_t *o)
{
    char *text = json_dumps(o, NR_RESPONSE_JSON_FLAGS);
    json_decref(o);
    nr_http_respond_owned(resp, status, "application/json", text, text ? strlen(text) : 0);
    nr_http_add_header(resp, "Cache-Control", "no-store");
    resp->not_a_result = 1;
}

static void respond_problem(nr_http_response *resp, const char *instance, unsigned status, const char *slug,
                            const char *detail)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, status, slug, "%s", detail);
    nr_http_respond_problem(resp, &p, instance);
}

int nr_api_respond_cached(nr_api *api, const char *key, nr_http_response *resp)
{
    char *body = NULL, content_type[64];
    size_t len = 0;
    double stored_ms = 0.0;
    if (!api->cache || nr_cache_get(api->cache, key, &body, &len, content_type, &stored_ms) != 1)
        return 0;
    nr_http_respond_owned(resp, 200, content_type, body, len);
    return 1;
}

/* The answer once the wait is over: the result, its problem, or 202 with the job. */
void nr_job_answer(nr_api *api, nr_job *job, int joined, const char *path, nr_http_response *resp)
{
    nr_job_info info;
    nr_job_snapshot(api->jobs, job, 1, &info);
    if (info.state == NR_JOB_DONE && info.output.body) {
        nr_http_respond_owned(resp, 200, "application/json", info.output.body, info.output.len);
        nr_http_add_header(resp, "X-Nureach-Cache", "%s", joined ? "hit" : "miss");
        nr_http_add_header(resp, "X-Nureach-Job", "%s", info.id);
        return;
    }
    if (info.state == NR_JOB_DONE && nr_api_respond_cached(api, info.id, resp)) {
        free(info.output.body);
        nr_http_add_header(resp, "X-Nureach-Cache", "hit");
        return;
    }
    if (info.state == NR_JOB_FAILED && (info.output.body || info.stopped_by_budget)) {
        unsigned status;
        size_t len;
        char *body = failure_body(&info, &status, &len);
        nr_http_respond_owned(resp, status, "application/problem+json", body, len);
        return;
    }
    free(info.output.body);
    info.output.body = NULL;
    if (info.state == NR_JOB_CANCELLED || info.state == NR_JOB_DONE || info.state == NR_JOB_FAILED) {
        respond_problem(resp, path, 503, "unavailable",
                        "the job was cancelled (or the server is stopping); send the request again");
        nr_http_add_header(resp, "Retry-After", "1");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "job", job_json(&info));
    respond_json(resp, 202, o);
    nr_http_add_header(resp, "Location", JOBS_PATH "%s", info.id);
}

/* ---- /api/v1/jobs/<id>[/result] ----------------------------------------------------------------- */

/* The sub-resources of a job: "" (its status) and "/result" (which http.c also serves as .json and .csv). */
static int job_subresource_ok(const char *rest, int format_in_path)
{
    return strcmp(rest, "/result") == 0 || (!rest[0] && !format_in_path);
}

/* Splits the path into a job id (64 hex digits) and what follows it; -1 if the id is malformed. */
static int parse_job_path(const char *path, char id[65], const char **rest)
{
    const char *s = path + strlen(JOBS_PATH);
    size_t n = 0;
    while (n < 64 && isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
        n++;
    if (n != 64 || (s[64] != '\0' && s[64] != '/'))
        return -1;
    memcpy(id, s, 64);
    id[64] = '\0';
    *rest = s + 64;
    return 0;
}

static void job_result(nr_api *api, nr_job *job, const char *id, const char *path, nr_http_response *resp)
{
    nr_job_info info;
    memset(&info, 0, sizeof info);
    if (job)
        nr_job_snapshot(api->jobs, job, 1, &info);
    if (job && info.state == NR_JOB_DONE && info.output.body) {
        nr_http_respond_owned(resp, 200, "application/json", info.output.body, info.output.len);
        return;
    }
    free(info.output.body);
    if (job && info.state != NR_JOB_DONE) {
        char detail[160];
        snprintf(detail, sizeof detail, "job %.12s... is %s: no result%s", id, nr_job_state_name(info.state),
                 info.state == NR_JOB_FAILED ? " (its problem is in the job status)" : " yet");
        respond_problem(resp, path, 409, "job-not-done", detail);
        return;
    }
    if (nr_api_respond_cached(api, id, resp)) /* done earlier, or a job this process no longer remembers */
        return;
    respond_problem(resp, path, job ? 410 : 404, job ? "gone" : "not-found",
                    job ? "the result has been evicted from the cache; send the request again"
                        : "no job with this id");
}

/* The job id and the sub-resource ("" or "/result") of a jobs path; answers 404
 * and returns -1 for anything else. */
static int job_path_or_404(const nr_http_request *req, nr_http_response *resp, char id[65], const char **rest)
{
    *rest = "";
    if (parse_job_path(req->path, id, rest) != 0 || !job_subresource_ok(*rest, req->format_in_path)) {
        respond_problem(resp, req->path, 404, "not-found", "no resource at this path");
        return -1;
    }
    return 0;
}

void nr_api_job_get(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    char id[65];
    const char *rest;
    if (job_path_or_404(req, resp, id, &rest) != 0)
        return;
    nr_job *job = nr_jobs_find(api->jobs, id);
    if (rest[0]) {
        job_result(api, job, id, req->path, resp);
    } else if (!job) {
        respond_problem(resp, req->path, 404, "not-found", "no job with this id (unknown, or forgotten "
                                                           "10 minutes after it finished)");
    } else {
        nr_job_info info;
        nr_job_snapshot(api->jobs, job, 1, &info);
        json_t *o = job_json(&info);
        free(info.output.body);
        respond_json(resp, 200, o);
    }
    nr_job_release(api->jobs, job);
}

void nr_api_job_delete(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    char id[65];
    const char *rest;
    if (job_path_or_404(req, resp, id, &rest) != 0)
        return;
    if (rest[0]) {
        respond_problem(resp, req->path, 405, "method-not-allowed", "DELETE is not allowed here; allowed: GET, HEAD");
        nr_http_add_header(resp, "Allow", "GET, HEAD");
        return;
    }
    nr_job *job = nr_jobs_find(api->jobs, id);
    if (!job) {
        respond_problem(resp, req->path, 404, "not-found", "no job with this id");
        return;
    }
    if (api->auth_on && !req->admin) { /* with tokens: only its creator or an admin cancels a job */
        nr_job_info owner;
        nr_job_snapshot(api->jobs, job, 0, &owner);
        if (strcmp(owner.client, req->client ? req->client : "") != 0) {
            respond_problem(resp, req->path, 403, "forbidden", "this job belongs to another token; only its "
                                                               "creator or an admin token may cancel it");
            nr_job_release(api->jobs, job);
            return;
        }
    }
    int still_wanted = 0;
    nr_job_state before = nr_job_withdraw(api->jobs, job, &still_wanted);
    nr_job_info info;
    nr_job_snapshot(api->jobs, job, 0, &info);
    json_t *o = job_json(&info);
    if (still_wanted) /* shared with identical requests: not cancelled for them */
        json_object_set_new(o, "shared", json_true());
    respond_json(resp, before == NR_JOB_RUNNING ? 202 : 200, o);
    nr_job_release(api->jobs, job);
}

/* GET /api/v1/jobs: the caller's jobs, newest first (an admin token: everyone's, with their owner). */
void nr_api_jobs_list(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    enum { MAX_LISTED = 512 };
    nr_job_info *infos = calloc(MAX_LISTED, sizeof *infos);
    if (!infos) {
        respond_problem(resp, req->path, 503, "unavailable", "out of memory; try again later");
        return;
    }
    int everyone = api->auth_on && req->admin;
    size_t n = nr_jobs_list(api->jobs, everyone ? NULL : (req->client ? req->client : ""), infos, MAX_LISTED);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = job_json(&infos[i]);
        json_object_set_new(o, "client", json_string(infos[i].client));
        json_object_set_new(o, "endpoint", json_string(infos[i].label ? infos[i].label : ""));
        json_object_set_new(o, "model", json_string(infos[i].tag));
        json_array_append_new(list, o);
    }
    free(infos);
    json_t *o = json_object();
    json_object_set_new(o, "client", json_string(everyone ? "*" : (req->client ? req->client : "")));
    json_object_set_new(o, "jobs", list);
    respond_json(resp, 200, o);
}
