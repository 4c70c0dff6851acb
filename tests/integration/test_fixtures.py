#!/usr/bin/env python3
"""test_fixtures.py: every case of tests/requests/ (request.json, expect.json) against a live daemon.

The same corpus drives the C unit test tests/test_server_fixtures.c (validation in-process) and seeds the
libFuzzer target (tests/fuzz/). Here each case goes through HTTP: POST the body (or GET the query form) and
compare the status, and for a problem its type (the slug of "type") and the pointer of its first error.
A 200 case must answer 200 with the endpoint's observable (it is computed for real; the daemon waits up to
120 s for a job before it would answer 202).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks  # noqa: E402

T = Checks()
CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "requests")


def load_cases():
    out = []
    for name in sorted(os.listdir(CASES)):
        d = os.path.join(CASES, name)
        if not os.path.isdir(d):
            continue
        expect = json.load(open(os.path.join(d, "expect.json")))
        body_path = os.path.join(d, "request.json")
        body = open(body_path, "rb").read() if os.path.exists(body_path) else None
        out.append((name, expect, body))
    return out


def run_case(d, name, expect, body):
    if expect["method"] == "GET":
        status, headers, payload = d.request("GET", expect["endpoint"] + "?" + expect["query"])
    else:
        status, headers, payload = d.request("POST", expect["endpoint"], body)
    T.check(status == expect["status"], "%s: status %s, expected %s (%r)" % (name, status, expect["status"],
                                                                           payload[:300]))
    if expect["status"] == 200:
        if not expect["endpoint"].endswith(".csv"):
            doc = json.loads(payload) if status == 200 else {}
            want = expect["endpoint"].split("/")[-1].split(".")[0]
            T.check(doc.get("observable") == want, "%s: a %s result" % (name, want))
        return
    problem = json.loads(payload) if headers.get("content-type") == "application/problem+json" else {}
    T.check(problem.get("type", "").rsplit("/", 1)[-1] == expect.get("type"),
            "%s: type %r, expected %r" % (name, problem.get("type"), expect.get("type")))
    if "pointer" in expect:
        errors = problem.get("errors") or [{}]
        T.check(errors[0].get("pointer") == expect["pointer"],
                "%s: pointer %r, expected %r" % (name, errors[0].get("pointer"), expect["pointer"]))


def main():
    cases = load_cases()
    T.check(len(cases) >= 60, "at least 60 fixture cases (%d)" % len(cases))

    def run(d):
        for name, expect, body in cases:
            run_case(d, name, expect, body)

    return T.with_daemon("nureach-fixtures-", run, extra=["--job-wait-ms", "120000", "--compute-wait-ms", "120000"])


if __name__ == "__main__":
    sys.exit(main())
