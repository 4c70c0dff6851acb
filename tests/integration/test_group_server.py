"""test_group_server.py: a group's shared server (issue 17): cache health in /api/v1/health.

1. Cache health: a fresh daemon reports cache.status "ok" with zero failures; while another process holds an
   exclusive lock on the cache file longer than the busy timeout, a computed result cannot be stored: the
   answer is still served, and /health says "degraded" with store_failures 1 and the error.
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon  # noqa: E402

T = Checks()
RATES = {"model": "sm", "experiment": "FASERnu"}


def health(d):
    code, _, body = d.request("GET", "/api/v1/health")
    return code, json.loads(body)


def test_cache_health(tmp):
    state = os.path.join(tmp, "state-health")
    d = Daemon(state)
    try:
        if not T.check(d.start(), "health: daemon starts"):
            return
        code, h = health(d)
        c = h.get("cache") or {}
        T.check(code == 200 and h.get("status") == "ok" and c.get("status") == "ok", "health: ok at start: %s" % h)
        T.check(c.get("store_failures") == 0 and c.get("read_failures") == 0 and c.get("last_error") is None,
                "health: no failures at start: %s" % c)
        T.check(isinstance(c.get("used_bytes"), int) and c["used_bytes"] > 0, "health: used_bytes: %s" % c)
        lock = sqlite3.connect(os.path.join(state, "cache.sqlite"), timeout=1, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            code, hdr, _ = d.request("POST", "/api/v1/rates", RATES)
            T.check(code == 200, "health: a result is served while the cache is locked (%s)" % code)
            deadline = time.monotonic() + 15  # the store waits for the busy timeout (5 s) after the answer
            while time.monotonic() < deadline:
                _, h = health(d)
                if h["cache"]["store_failures"]:
                    break
                time.sleep(0.2)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        c = h["cache"]
        T.check(h["status"] == "degraded" and c["status"] == "degraded" and c["store_failures"] == 1,
                "health: degraded after a failed store: %s" % h)
        T.check(isinstance(c.get("last_error"), str) and "lock" in c["last_error"].lower(),
                "health: the last error is named: %s" % c.get("last_error"))
    finally:
        d.stop()


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="nureach-group-")
    try:
        test_cache_health(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("integration test_group_server: %.1f s" % (time.monotonic() - t0))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
