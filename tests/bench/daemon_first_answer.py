#!/usr/bin/env python3
"""daemon_first_answer.py: how long nureachd takes from exec to its first answer (not in CI; prints timings).

usage: daemon_first_answer.py NUREACHD [runs] [DATA_DIR]   (runs default 5; DATA_DIR default ./data, or
       NUREACH_DATA_DIR). Also: daemon_first_answer.py NUREACHD_A NUREACHD_B [runs] alternates two builds run for
       run (paired timings on a shared machine).

Each run starts the daemon on a free port with a fresh state folder, polls for its port file every 0.5 ms, sends
GET /api/v1/health and stops the daemon with SIGTERM. Printed: wall time exec -> health answer [ms], and the daemon's
CPU time (utime + stime from /proc/PID/stat, 10 ms ticks) at that moment; the start-up includes the check of every
data file against MANIFEST.tsv (data_manifest.h). The background warm-up (data sets, PDF cross-section tables)
keeps running after the first answer and is not waited for.
"""
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return 1e3 * (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(binary, data_dir):
    with tempfile.TemporaryDirectory(prefix="nr_first_answer_") as state:
        port_file = os.path.join(state, "port")
        cmd = [binary, "--port", "0", "--port-file", port_file, "--state-dir", state, "--data-dir", data_dir,
               "--static-dir", os.path.join(ROOT, "static"), "--schema-dir", os.path.join(ROOT, "schema"),
               "--access-log", "off"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not os.path.exists(port_file) or not open(port_file).read().strip():
                if proc.poll() is not None:
                    sys.exit(f"{binary} exited with {proc.returncode} before answering")
                time.sleep(0.0005)
            port = int(open(port_file).read().strip())
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/health")
            status = conn.getresponse().status
            wall = 1e3 * (time.perf_counter() - t0)
            cpu = cpu_ms(proc.pid)
            conn.close()
            if status != 200:
                sys.exit(f"health answered {status}")
            return wall, cpu
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    binaries = [a for a in args if os.path.isfile(a) and os.access(a, os.X_OK)]
    rest = [a for a in args if a not in binaries]
    runs = int(rest[0]) if rest else 5
    data_dir = rest[1] if len(rest) > 1 else os.environ.get("NUREACH_DATA_DIR", "data")
    results = {b: [] for b in binaries}
    for _ in range(runs):
        for b in binaries:  # alternating: A B A B ...
            results[b].append(one_run(b, data_dir))
    for b in binaries:
        walls = [w for w, _ in results[b]]
        cpus = [c for _, c in results[b]]
        print(f"{b}: first answer wall median {statistics.median(walls):.1f} ms (min {min(walls):.1f}, max "
              f"{max(walls):.1f}); CPU at that moment median {statistics.median(cpus):.0f} ms "
              f"(min {min(cpus):.0f}, max {max(cpus):.0f}); {runs} runs")


if __name__ == "__main__":
    main()
