"""test_nginx_proxy.py: deploy/nginx.conf.example run by a real nginx in front of a real nureachd.

The example is used as written except for what a deployment changes too: the listen ports (free ports on
127.0.0.1 instead of 80/443), the certificate (a self-signed one made here with openssl for "localhost"), the
upstream address (the test daemon's port), and, for the last check only, the per-address connection limit
(32 -> 2, so that it can be reached with a few requests). Checks, over TLS verified against that certificate:
a proxied health and rates request; HTTP -> HTTPS redirect; a bounds request held by the daemon (long poll,
--job-wait-ms) then polled as a job through the proxy until done, with progress and the result; 429 from
limit_conn when one address holds more requests than the limit.

Exit 77 (ctest SKIP_RETURN_CODE) only if nginx or openssl is missing (Debian packages nginx, openssl).
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon, long_scan  # noqa: E402

T = Checks()
EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "nginx.conf.example")
# The scan polled through the proxy. Its request is held past the daemon's 500 ms wait, answered 202 and polled
# because it waits in the queue behind a blocker (long_scan) on the daemon's only job worker, however fast this
# scan itself has become: the dipole, then the dark photon (issue 11: ~0.1 s and ~0.3 s per contour), and now
# zd_hnl are getting faster. The blocker is cancelled once the request was answered 202.
BOUNDS = {"model": "zd_hnl", "experiment": "FASERnu2", "signal": "ee_secondary", "threshold": 3,
          "scan": {"x": {"param": "m_N", "min": 0.003, "max": 20.0, "points": 40, "scale": "log"},
                   "y": {"param": "U2", "min": 1e-10, "max": 0.1, "points": 30, "scale": "log"}}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find(tool):
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin")


def make_cert(tmp):
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
                       capture_output=True, text=True, timeout=60)
    T.check(r.returncode == 0, "openssl makes a self-signed certificate: %s" % r.stderr[-300:])
    return key, cert


def site_config(upstream_port, http_port, https_port, key, cert, conn_limit=None):
    """The example with deployment-specific values replaced; fails the test if one is no longer there."""
    text = open(EXAMPLE).read()
    replacements = [
        ("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % upstream_port),
        ("listen 80;", "listen 127.0.0.1:%d;" % http_port),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % https_port),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/letsencrypt/live/nureach.example.org/fullchain.pem", cert),
        ("/etc/letsencrypt/live/nureach.example.org/privkey.pem", key),
        ("server_name nureach.example.org;", "server_name localhost;"),
    ]
    if conn_limit is not None:
        replacements.append(("limit_conn nureach_conn 32;", "limit_conn nureach_conn %d;" % conn_limit))
    for old, new in replacements:
        T.check(old in text, "the example still has %r" % old)
        text = text.replace(old, new)
    # the redirect names the public port 443; here it is https_port
    text = text.replace("return 301 https://$host$request_uri;", "return 301 https://$host:%d$request_uri;" % https_port)
    return text


class Nginx:
    def __init__(self, tmp, site):
        self.tmp = tmp
        self.conf = os.path.join(tmp, "nginx.conf")
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(tmp, d), exist_ok=True)
        with open(os.path.join(tmp, "site.conf"), "w") as f:
            f.write(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        with open(self.conf, "w") as f:
            f.write(user + "daemon off;\nworker_processes 1;\npid %(t)s/nginx.pid;\nerror_log %(t)s/error.log info;\n"
                    "events { worker_connections 256; }\n"
                    "http {\n  access_log %(t)s/access.log;\n  client_body_temp_path %(t)s/body;\n"
                    "  proxy_temp_path %(t)s/proxy;\n  fastcgi_temp_path %(t)s/fastcgi;\n"
                    "  uwsgi_temp_path %(t)s/uwsgi;\n  scgi_temp_path %(t)s/scgi;\n"
                    "  include %(t)s/site.conf;\n}\n" % {"t": tmp})
        self.proc = None

    def start(self, https_port):
        r = subprocess.run([find("nginx"), "-t", "-c", self.conf, "-p", self.tmp], capture_output=True, text=True)
        if not T.check(r.returncode == 0, "nginx -t accepts the example: %s" % r.stderr[-600:]):
            return False
        self.proc = subprocess.Popen([find("nginx"), "-c", self.conf, "-p", self.tmp],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        T.check(False, "nginx listens on %d" % https_port)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def https(port, cert, method, path, body=None):
    ctx = ssl.create_default_context(cafile=cert)
    conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=120)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = conn.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    return out


def test_proxied(port, http_port, cert):
    code, h, body = https(port, cert, "GET", "/api/v1/health")
    T.check(code == 200 and json.loads(body).get("status") == "ok", "health through TLS: %s" % code)
    code, h, body = https(port, cert, "POST", "/api/v1/rates", {"model": "sm", "experiment": "FASERnu"})
    T.check(code == 200 and json.loads(body).get("observable") == "rates" and json.loads(body)["result"]["channels"],
            "rates through the proxy: %s %s" % (code, body[:200]))
    conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    conn.request("GET", "/api/v1/health", headers={"Host": "localhost"})
    r = conn.getresponse()
    T.check(r.status == 301 and r.getheader("Location", "").startswith("https://localhost:"),
            "http redirects to https (%s %s)" % (r.status, r.getheader("Location")))
    conn.close()


def block_worker(d, i):
    """Occupies the daemon's only job worker with a long job (sent to the daemon directly); returns its path."""
    code, _, body = d.request("POST", "/api/v1/bounds", long_scan(i))
    T.check(code == 202, "blocker job accepted (%s)" % code)
    job = "/api/v1/jobs/" + (json.loads(body or b"{}").get("job") or {}).get("id", "0" * 64)
    deadline = time.monotonic() + 120  # a hang bound: the wait ends when the worker takes it
    while time.monotonic() < deadline and json.loads(d.request("GET", job)[2] or b"{}").get("status") == "queued":
        time.sleep(0.05)
    return job


def test_long_poll_jobs(d, port, cert):
    blocker = block_worker(d, 0)
    t0 = time.monotonic()
    code, h, body = https(port, cert, "POST", "/api/v1/bounds", BOUNDS)
    held = time.monotonic() - t0
    T.check(code == 202 and h.get("location", "").startswith("/api/v1/jobs/"),
            "bounds: 202 with the job's Location through the proxy (%s)" % code)
    T.check(held >= 0.4, "the daemon held the request %.2f s (long poll) and nginx passed it through" % held)
    if code != 202:
        d.request("DELETE", blocker)
        return
    job = h["location"]
    progress, status = [], None
    code, _, body = https(port, cert, "GET", job)  # still queued behind the blocker: a first progress sample
    if code == 200:
        progress.append(json.loads(body).get("progress", 0.0))
    T.check(d.request("DELETE", blocker)[0] in (200, 202), "the blocker is cancelled")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        code, _, body = https(port, cert, "GET", job)
        if code != 200:
            break
        info = json.loads(body)
        status = info.get("status")
        progress.append(info.get("progress", 0.0))
        if status in ("done", "failed", "cancelled"):
            break
        time.sleep(0.2)
    T.check(status == "done", "the job ends done (%s)" % status)
    T.check(len(progress) >= 2 and progress == sorted(progress) and progress[-1] == 1.0,
            "progress rises to 1 through the proxy: %s" % progress[:6])
    code, _, body = https(port, cert, "GET", job + "/result")
    T.check(code == 200 and len(json.loads(body)["result"]["events"]) == 30, "the result through the proxy (%s)" % code)


def test_limit_conn(port, cert):
    """4 requests at once from one address against a limit of 2: the ones above the limit get 429."""
    body = dict(BOUNDS, threshold=4)  # a new job, queued behind a blocker: each request is held for the wait
    codes = []

    def one():
        try:
            codes.append(https(port, cert, "POST", "/api/v1/bounds", body)[0])
        except OSError as e:
            codes.append(str(e))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    T.check(codes.count(429) >= 1 and sum(1 for c in codes if c in (200, 202)) >= 1,
            "limit_conn: 429 above the limit, the rest served: %s" % sorted(map(str, codes)))


def main():
    if not find("nginx") or not find("openssl"):
        print("SKIP: nginx or openssl not installed (Debian packages nginx, openssl)")
        return 77
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="nureach-nginx-")
    # one job worker (the blockers hold it); rates answered with their result however loaded the machine
    d = Daemon(os.path.join(tmp, "state"), extra=["--job-wait-ms", "500", "--job-threads", "1",
                                                  "--compute-wait-ms", "300000"])
    nginx = None
    try:
        key, cert = make_cert(tmp)
        if not T.check(d.start(), "daemon starts"):
            return T.summary()
        for limit in (None, 2):
            http_port, https_port = free_port(), free_port()
            ndir = os.path.join(tmp, "nginx-%s" % (limit or "example"))
            os.makedirs(ndir)
            nginx = Nginx(ndir, site_config(d.port, http_port, https_port, key, cert, limit))
            if not nginx.start(https_port):
                print(open(os.path.join(ndir, "error.log")).read()[-1000:])
                break
            if limit is None:
                test_proxied(https_port, http_port, cert)
                test_long_poll_jobs(d, https_port, cert)
            else:
                blocker = block_worker(d, 1)
                test_limit_conn(https_port, cert)
                d.request("DELETE", blocker)
            nginx.stop()
            nginx = None
    finally:
        if nginx:
            nginx.stop()
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("integration test_nginx_proxy: %.1f s" % (time.monotonic() - t0))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
