"""test_slurm_scan.py: a bounds scan in 4 slices on a real Slurm cluster, merged, served as a cache hit.

Starts a single-node Slurm cluster inside the test (munged, slurmctld and slurmd on localhost, with the
configuration, key, spool and state written into a temporary folder and free ports), submits
`sbatch --array=0-3` of `nureachd scan --shard $SLURM_ARRAY_TASK_ID/4`, merges the slices with
`nureachd scan --merge` into a state folder, and checks that a daemon on that folder serves the request as a
cache hit whose result (grid, contours, evaluation counts) equals, bit for bit, the result a daemon computes
on one machine from nothing. The reference is that independent single-machine computation (POST
/api/v1/bounds on an empty cache). Also checks that a merge refuses an incomplete set of slices.

Exit 77 (ctest SKIP_RETURN_CODE) only if Slurm or MUNGE is not installed (deploy/test.sh installs the Debian
packages slurm-wlm and munge). Prints the merge time of the 4 slices.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon, env_path  # noqa: E402

T = Checks()
SLURM_TOOLS = ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "scancel")
# a real new-physics contour with refinement: the magnetic-moment HNL at FASERnu2 (16 masses x 12 couplings)
REQUEST = {"model": "dipole", "experiment": "FASERnu2", "signal": "gamma_decay_volume", "threshold": 3,
           "scan": {"x": {"param": "m_N", "min": 0.01, "max": 1.0, "points": 16},
                    "y": {"param": "mu_N", "min": 1e-9, "max": 1e-5, "points": 12}}}
N_SLICES = 4


def which(tool):
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """munged + slurmctld + slurmd, all in one temporary folder, stopped by the pids they wrote."""

    def __init__(self, root):
        self.root = root
        self.host = socket.gethostname().split(".")[0]
        self.conf = os.path.join(root, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.pid_files = []

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write_config(self):
        for d in ("state", "spool", "log"):
            os.makedirs(self.path(d), exist_ok=True)
        with open(self.path("munge.key"), "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(self.path("munge.key"), 0o600)
        lines = [
            "ClusterName=nureachtest",
            "SlurmctldHost=%s(127.0.0.1)" % self.host,
            "SlurmctldPort=%d" % free_port(),
            "SlurmdPort=%d" % free_port(),
            "AuthType=auth/munge",
            "AuthInfo=socket=%s" % self.path("munge.sock"),
            "CredType=cred/munge",
            "SlurmUser=root",
            "SlurmdUser=root",
            "StateSaveLocation=%s" % self.path("state"),
            "SlurmdSpoolDir=%s" % self.path("spool"),
            "SlurmctldPidFile=%s" % self.path("slurmctld.pid"),
            "SlurmdPidFile=%s" % self.path("slurmd.pid"),
            "SlurmctldLogFile=%s" % self.path("log", "slurmctld.log"),
            "SlurmdLogFile=%s" % self.path("log", "slurmd.log"),
            "ProctrackType=proctrack/linuxproc",  # no cgroups needed
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "SchedulerType=sched/builtin",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_CPU",
            "ReturnToService=2",
            "MpiDefault=none",
            "NodeName=%s NodeAddr=127.0.0.1 CPUs=%d State=UNKNOWN" % (self.host, os.cpu_count() or 1),
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES",
        ]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self):
        self.write_config()
        run = lambda cmd: subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)
        r = run(["munged", "--force", "--socket=" + self.path("munge.sock"), "--key-file=" + self.path("munge.key"),
                 "--log-file=" + self.path("log", "munged.log"), "--pid-file=" + self.path("munged.pid"),
                 "--seed-file=" + self.path("munged.seed")])
        self.pid_files.append(self.path("munged.pid"))
        if not T.check(r.returncode == 0, "munged starts: %s" % r.stderr):
            return False
        for daemon, pid in (("slurmctld", "slurmctld.pid"), ("slurmd", "slurmd.pid")):
            cmd = [daemon, "-f", self.conf] + (["-c"] if daemon == "slurmctld" else [])
            r = run(cmd)
            self.pid_files.append(self.path(pid))
            if not T.check(r.returncode == 0, "%s starts: %s" % (daemon, r.stderr)):
                return False
        deadline = time.monotonic() + 120  # returns as soon as the node registers; this only bounds a hang
        while time.monotonic() < deadline:
            r = run(["sinfo", "-h", "-o", "%T"])
            if r.returncode == 0 and r.stdout.strip() in ("idle", "mixed"):
                return True
            time.sleep(0.2)
        T.check(False, "the node becomes idle (sinfo: %r)" % r.stdout)
        return False

    def stop(self):
        for pid_file in reversed(self.pid_files):
            try:
                with open(pid_file) as f:
                    pid = int(f.read().strip())
                os.kill(pid, signal.SIGTERM)
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.1)
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def log_tail(self):
        out = []
        for name in ("slurmctld.log", "slurmd.log"):
            try:
                with open(self.path("log", name)) as f:
                    out.append(name + ": " + "".join(f.readlines()[-5:]))
            except OSError:
                pass
        return "\n".join(out)


def run_array(cluster, work, request_path, slices_dir):
    """sbatch --array of the slices; returns (ok, seconds from submission to the last slice's end)."""
    script = os.path.join(work, "slice.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n# one slice of the grid per array task\n"
                "exec %s scan --shard \"$SLURM_ARRAY_TASK_ID/%d\" %s --out %s --data-dir %s\n"
                % (env_path("NUREACHD"), N_SLICES, request_path, slices_dir, env_path("NUREACH_DATA_DIR")))
    os.chmod(script, 0o755)
    t0 = time.monotonic()
    r = subprocess.run(["sbatch", "--wait", "--array=0-%d" % (N_SLICES - 1), "--cpus-per-task=1",
                        "-o", os.path.join(work, "slice-%a.out"), script],
                       env=cluster.env, capture_output=True, text=True, timeout=600)  # bounds a hang only
    seconds = time.monotonic() - t0
    ok = T.check(r.returncode == 0, "sbatch --wait --array=0-%d: exit %d (%s%s)\n%s" %
                 (N_SLICES - 1, r.returncode, r.stdout, r.stderr, cluster.log_tail()))
    return ok, seconds


def served_result(state_dir, wait_ms):
    d = Daemon(state_dir, extra=["--job-wait-ms", str(wait_ms)])
    try:
        if not T.check(d.start(), "daemon on %s starts" % state_dir):
            return None, None
        code, headers, body = d.request("POST", "/api/v1/bounds", REQUEST)
        T.check(code == 200, "POST /api/v1/bounds on %s: %s %s" % (state_dir, code, body[:300]))
        return (json.loads(body) if code == 200 else None), headers.get("x-nureach-cache")
    finally:
        d.stop()


def bits(values):
    return [float(v).hex() for v in values]


def main():
    missing = [t for t in SLURM_TOOLS if not which(t)]
    if missing:
        print("SKIP: %s not installed (Debian packages slurm-wlm and munge; deploy/test.sh installs them)"
              % ", ".join(missing))
        return 77
    t_start = time.monotonic()
    work = tempfile.mkdtemp(prefix="nureach-slurm-")
    cluster = Cluster(os.path.join(work, "cluster"))
    try:
        os.makedirs(cluster.root)
        if not cluster.start():
            print(cluster.log_tail())
            return T.summary()
        request_path = os.path.join(work, "request.json")
        with open(request_path, "w") as f:
            json.dump(REQUEST, f)
        slices = os.path.join(work, "slices")  # on a cluster: a shared folder (NFS is fine: plain files)
        os.makedirs(slices)
        ok, array_s = run_array(cluster, work, request_path, slices)
        files = sorted(os.listdir(slices))
        T.check(len(files) == N_SLICES and all(".%d-of-%d.json" % (i, N_SLICES) in files[i] for i in range(N_SLICES)),
                "one file per slice: %r" % files)

        # an incomplete set of slices is refused
        partial = os.path.join(work, "partial")
        shutil.copytree(slices, partial)
        os.unlink(os.path.join(partial, files[1]))
        r = subprocess.run([env_path("NUREACHD"), "scan", "--merge", request_path, "--in", partial,
                            "--state-dir", os.path.join(work, "state-partial"), "--data-dir", env_path("NUREACH_DATA_DIR")],
                           capture_output=True, text=True, timeout=120)
        T.check(r.returncode == 1 and "slice 1 of 4" in r.stderr, "merge of 3 of 4 slices refused: %s" % r.stderr)

        merged_state = os.path.join(work, "state-merged")
        t0 = time.monotonic()
        r = subprocess.run([env_path("NUREACHD"), "scan", "--merge", request_path, "--in", slices,
                            "--state-dir", merged_state, "--data-dir", env_path("NUREACH_DATA_DIR")],
                           capture_output=True, text=True, timeout=300)
        merge_s = time.monotonic() - t0
        T.check(r.returncode == 0, "merge: exit %d: %s" % (r.returncode, r.stderr))
        print("slurm: array of %d slices %.2f s (submission to last end), merge %.2f s: %s" %
              (N_SLICES, array_s, merge_s, r.stdout.strip()))

        merged, cache = served_result(merged_state, 1000)
        T.check(cache == "hit", "the merged result is served from the cache (%r)" % cache)
        single, cache = served_result(os.path.join(work, "state-single"), 300000)  # however loaded the machine
        T.check(cache == "miss", "the single-machine result is computed (%r)" % cache)
        if merged and single:
            a, b = merged["result"], single["result"]
            T.check(len(a["events"]) == 12 and all(len(row) == 16 for row in a["events"]), "a 16 x 12 grid")
            same_grid = all(bits(ra) == bits(rb) for ra, rb in zip(a["events"], b["events"]))
            T.check(same_grid and len(a["events"]) == len(b["events"]), "grid equal bit for bit")
            T.check(bits(a["x"]) == bits(b["x"]) and bits(a["y"]) == bits(b["y"]), "axes equal bit for bit")
            T.check(json.dumps(a["contours"], sort_keys=True) == json.dumps(b["contours"], sort_keys=True) and
                    len(a["contours"]) > 0, "contours equal (%d polygons)" % len(a["contours"]))
            T.check(a["evaluations"] == b["evaluations"] and a["refined"] == b["refined"] and a["refined"] > 0,
                    "evaluations %s/%s, refined %s/%s" % (a["evaluations"], b["evaluations"], a["refined"], b["refined"]))
            T.check(merged["meta"]["cache_key"] == single["meta"]["cache_key"], "same cache key")
            nonzero = sum(1 for row in a["events"] for v in row if v > 0)
            T.check(nonzero > 10, "the grid has signal (%d non-zero points)" % nonzero)
    finally:
        subprocess.run(["scancel", "--user=root"], env=cluster.env, capture_output=True, timeout=30)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("integration test_slurm_scan: %.1f s" % (time.monotonic() - t_start))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
