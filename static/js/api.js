/* static/js/api.js: the page's HTTP client for nureachd's /api/v1. JSON in and out; an HTTP error
 * becomes an ApiError carrying the RFC 9457 problem (with errors[].pointer naming request fields);
 * a bounds request that turns into a job (202 + Location) is polled until it finishes, reporting
 * the job's progress, and can be cancelled (DELETE on the job). A server that requires API tokens answers
 * 401: the page then asks for a token once (window.prompt), keeps it in localStorage ("nureach.token") and
 * sends it as "Authorization: Bearer" with every request; a token the server refuses is forgotten. */
"use strict";

export class ApiError extends Error {
  constructor(status, problem, text) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}: ${String(text || "").slice(0, 200)}`);
    this.status = status;
    this.problem = problem;
  }
}

export class Cancelled extends Error {
  constructor() {
    super("cancelled");
  }
}

const TOKEN_KEY = "nureach.token";

function storedToken() {
  try {
    return window.localStorage.getItem(TOKEN_KEY) || "";
  } catch (e) {
    return "";
  }
}

function withToken(options) {
  const token = storedToken();
  if (!token) return options;
  return { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${token}` } };
}

/* fetch with the stored token; on 401 asks for a token (once per request) and retries with it. */
export async function authorizedFetch(path, options = {}) {
  let response = await fetch(path, withToken(options));
  if (response.status !== 401 || typeof window === "undefined" || !window.prompt) return response;
  try {
    window.localStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    /* storage unavailable: the token lives for this request only */
  }
  const token = (window.prompt("This nureach server requires an API token (ask its operator):") || "").trim();
  if (!token) return response;
  try {
    window.localStorage.setItem(TOKEN_KEY, token);
  } catch (e) {
    /* kept for this request only */
  }
  response = await fetch(path, { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${token}` } });
  return response;
}

async function send(path, options) {
  const response = await authorizedFetch(path, options);
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok && response.status !== 202) throw new ApiError(response.status, body, text);
  if (body === null) throw new ApiError(response.status, { title: "The server's answer is not JSON" }, text);
  return { status: response.status, body, headers: response.headers };
}

export function getJSON(path) {
  return send(path, { headers: { Accept: "application/json" } });
}

export function postJSON(path, body) {
  return send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* A running computation: `promise` resolves to {body, headers}; cancel() stops it (DELETE of the job). */
export class Computation {
  constructor(observable, request, onProgress) {
    this.cancelled = false;
    this.jobHref = null;
    this.onProgress = onProgress || (() => {});
    this.promise = observable === "bounds" ? this.runBounds(request) : postJSON(`api/v1/${observable}`, request);
  }

  async runBounds(request) {
    const first = await postJSON("api/v1/bounds", request);
    if (first.status === 200) return first;
    const job = first.body.job || {};
    this.jobHref = job.href || first.headers.get("Location");
    if (!this.jobHref) throw new ApiError(202, { title: "202 without a job" }, "");
    this.onProgress(Number(job.progress) || 0, job.status, job);
    let delay = 150;
    for (;;) {
      if (this.cancelled) throw new Cancelled();
      await sleep(delay);
      delay = Math.min(500, delay * 1.5);
      if (this.cancelled) throw new Cancelled();
      const { body } = await getJSON(this.jobHref.replace(/^\//, ""));
      this.onProgress(Number(body.progress) || 0, body.status, body);
      if (body.status === "done") return getJSON(String(body.result_href).replace(/^\//, ""));
      if (body.status === "failed") throw new ApiError((body.problem && body.problem.status) || 500, body.problem, "");
      if (body.status === "cancelled") throw new Cancelled();
    }
  }

  async cancel() {
    this.cancelled = true;
    if (this.jobHref) {
      try {
        await authorizedFetch(this.jobHref.replace(/^\//, ""), { method: "DELETE" });
      } catch (e) {
        /* the poll loop stops anyway */
      }
    }
  }
}
