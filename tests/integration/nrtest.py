"""nrtest.py: helpers for the nureachd integration tests (standard library only).

Starts the real daemon on an ephemeral port (--port 0 --port-file), sends HTTP requests, and keeps
the pass/fail count that the tests print as "N passed, N failed".

Waits are for conditions (the port file, the process's exit, the full response) with generous deadlines that
only bound a hang: CI runs the suite two tests at a time on a 2-core machine that may be loaded (at load ~14 a
daemon took 4 s to start, 8.6 s to stop, and a first rates request more than 20 s), so a deadline that a
normal run meets with room to spare can still be missed there.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time


# Rates and spectra requests wait this long for their result before a 202 (--compute-wait-ms): the checks need
# the 200, and the default 20 s was missed at load ~14 by a daemon's first request (it also waits for the
# cross-section table). Later options win, so a test's own --compute-wait-ms overrides it.
PATIENT = ["--compute-wait-ms", "300000"]

# A request waits this long for its answer at most [s]: more than any --compute-wait-ms / --job-wait-ms a test
# sets (at most 300000 ms), so a slow answer arrives rather than a client-side timeout.
REQUEST_TIMEOUT_S = 600.0


def long_scan(i=0):
    """A POST /api/v1/bounds body whose job runs for minutes, distinct for each i: the largest grid (200 x 200,
    NR_BOUNDS_MAX_POINTS of physics/contour.h) over two mass axes of zd_hnl, m_N x m_ZD (the "fixed" mass relation,
    m_ZD > 2 m_N everywhere, so Z_D -> N N is open at every point), so each of its 40000 points prepares a new Z_D and
    N production: progress 1% after 30 s on one job worker of an idle machine (2026-12-06, main 9e46b47), about an
    hour in all. The grid and the per-point preparation make it long, not a per-mass memo's misses: an earlier
    dark_photon m_Ap x m_NR version became 12 s once meson-decay acceptances were memoised by mass (m_NR does not
    change the dark photon's production). A job is cancellable at every point, so a DELETE or a daemon's stop
    ends it at once. For the checks that need a job still running (queues, quotas, cancellation, shutdown, time
    budget)."""
    return {"model": "zd_hnl", "experiment": "FASERnu2", "signal": "nuee_primary",
            "params": {"mass_relation": "fixed", "flavour": "tau", "epsilon": 1e-3},
            "scan": {"x": {"param": "m_N", "min": 0.003 + 1e-6 * i, "max": 0.01, "points": 200, "scale": "log"},
                     "y": {"param": "m_ZD", "min": 0.03, "max": 0.3, "points": 200, "scale": "log"}}}


class Checks:
    """Counts checks; prints a line for each failure."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL", what, file=sys.stderr, flush=True)
        return bool(cond)

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 1 if self.failed else 0

    def with_daemon(self, prefix, run, extra=()):
        """Starts a daemon on a fresh state folder, calls run(daemon) if it started, stops it (a clean stop is a
        check), removes the folder, and returns the summary's exit code. The daemon answers rates and spectra
        with their result however loaded the machine (PATIENT, before extra: a test's own value wins)."""
        import shutil
        import tempfile
        work = tempfile.mkdtemp(prefix=prefix)
        d = Daemon(os.path.join(work, "state"), extra=PATIENT + list(extra))
        try:
            if self.check(d.start(), "daemon started"):
                run(d)
        finally:
            code, _ = d.stop()
            if not self.check(code == 0, "daemon stopped cleanly (%s)" % code):
                # the daemon's stderr goes with the folder: keep its end in the test's output (a shutdown abort, -6,
                # was seen once in CI and never reproduced; this is what would tell why)
                try:
                    print("daemon stderr (last 4000 characters):\n" + d.stderr_text()[-4000:], file=sys.stderr,
                          flush=True)
                except OSError as e:
                    print("daemon stderr unreadable: %s" % e, file=sys.stderr, flush=True)
            shutil.rmtree(work, ignore_errors=True)
        return self.summary()


def env_path(name, default=None):
    value = os.environ.get(name, default)
    if not value:
        sys.exit("integration test: environment variable %s is not set" % name)
    return value


class Daemon:
    """One nureachd process with its own state folder."""

    def __init__(self, state_dir, data_dir=None, extra=()):
        self.binary = env_path("NUREACHD")
        self.state_dir = state_dir
        self.data_dir = data_dir or env_path("NUREACH_DATA_DIR")
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(state_dir, "daemon.stderr")

    def command(self):
        return [self.binary, "--port", "0", "--port-file", self.port_file,
                "--state-dir", self.state_dir, "--data-dir", self.data_dir,
                "--static-dir", env_path("NUREACH_STATIC_DIR"),
                "--schema-dir", env_path("NUREACH_SCHEMA_DIR"), "--threads", "4"] + self.extra

    @property
    def port_file(self):
        return os.path.join(self.state_dir, "port")

    def start(self, timeout=300.0):
        """Starts the daemon; returns True once the port file exists (False if it exited first or did not write
        the port file within timeout seconds)."""
        os.makedirs(self.state_dir, exist_ok=True)
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.stderr_file = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=self.stderr_file)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.port_file):
                with open(self.port_file) as f:
                    self.port = int(f.read().strip())
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self, timeout=120.0):
        """SIGTERM; returns (exit code or None if it had to be killed after timeout seconds, seconds taken)."""
        if not self.proc or self.proc.poll() is not None:
            self.close_stderr()
            return (self.proc.returncode if self.proc else None, 0.0)
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self.close_stderr()
        return code, time.monotonic() - t0

    def close_stderr(self):
        """Closes this side's handle on the daemon's stderr file (kept open it pins the state folder's file
        system: test_cache_faults could not unmount its tmpfs when the daemon had exited by itself)."""
        f = getattr(self, "stderr_file", None)
        if f and not f.closed:
            f.close()

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT_S):
        """Returns (status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        hdrs = {"Content-Type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        payload = resp.read()
        result = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
        conn.close()
        return result

    def raw(self, data, read_timeout=10.0):
        """Sends raw bytes on a fresh connection; returns what came back (until close or timeout)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            try:
                s.sendall(data)
            except OSError:
                pass  # the server may close early (413); read what it sent
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                    break
            return b"".join(chunks)
        finally:
            s.close()


def _complete(response):
    head, _, body = response.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return False


def status_of(raw_response):
    try:
        return int(raw_response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None
