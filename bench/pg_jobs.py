#!/usr/bin/env python3
"""pg_jobs.py - the job queue across worker processes (docs/benchmarks.md,
"PostgreSQL: jobs").

    bench/pg_jobs.py [BUILDDIR [SAMPLES [JOBS]]]

BUILDDIR defaults to build, SAMPLES to 400 (risk samples in all), JOBS to
8 (the samples split into JOBS risk jobs of SAMPLES/JOBS each, distinct
seeds, on examples/$SCENARIO, default gaza: about 0.8 s of CPU a sample
under load, each sample planning every contributor present and absent). Runs itself under tests/pg/with-pg.sh (fsync on).
On a PostgreSQL store and, for comparison, a SQLite file, with a server
that runs no job itself (serve --jobs 0) and `stabforce worker`s started
by hand:
  1. the batch with one worker, then (fresh seeds, so nothing is cached)
     with two: wall time from the first submit to the last result, and the
     speed-up; beside them the same samples in one command,
     `stabforce risk --samples SAMPLES -j 1` and `-j 2` (the CLI's own
     forked workers: the peer);
  2. the queue's overhead per job: QUICK jobs of one risk sample each on
     examples/minimal through one worker, against the same commands run
     one after another directly; (queue - direct) / QUICK.
Prints markdown on stdout. Environment: SCENARIO (gaza), QUICK (20).
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    args = sys.argv[1:]
    b = args[0] if args else "build"
    samples = int(args[1]) if len(args) > 1 else 400
    jobs = int(args[2]) if len(args) > 2 else 8
    if not os.environ.get("SF_PG_HOST"):
        env = dict(os.environ, SF_PG_FSYNC="on")
        os.execvpe("sh", ["sh", os.path.join(ROOT, "tests", "pg", "with-pg.sh"), "python3",
                          os.path.abspath(__file__), b, str(samples), str(jobs)], env)
    exe = os.path.abspath(os.path.join(b, "stabforce"))
    quick = int(os.environ.get("QUICK", "20"))
    host = os.environ["SF_PG_HOST"]
    tmp = tempfile.mkdtemp(prefix="sf-bench-jobs-")
    procs = []
    try:
        sc = os.path.join(tmp, "scenarios")
        os.mkdir(sc)
        name = os.environ.get("SCENARIO", "gaza")
        shutil.copytree(os.path.join(ROOT, "examples", name), os.path.join(sc, name))
        if name != "minimal":
            shutil.copytree(os.path.join(ROOT, "examples", "minimal"), os.path.join(sc, "minimal"))
        scen = os.path.join(sc, name, "scenario.yaml")
        small = os.path.join(sc, "minimal", "scenario.yaml")

        def timed(cmd):
            t = time.time()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            return time.time() - t

        print("risk, %d samples in one command (the peer):" % samples, file=sys.stderr)
        cli1 = timed([exe, "risk", scen, "--samples", str(samples), "--seed", "1", "-j", "1",
                      "--format", "json"])
        cli2 = timed([exe, "risk", scen, "--samples", str(samples), "--seed", "1", "-j", "2",
                      "--format", "json"])
        rows = []
        for backend in ("postgresql", "sqlite"):
            if backend == "postgresql":
                subprocess.run(["createdb", "-h", host, "-U", "postgres", "jobs"], check=True)
                db = "postgresql:///jobs?host=%s&user=postgres" % host
            else:
                db = os.path.join(tmp, "jobs.db")
            token = subprocess.run([exe, "token", "create", "--role", "editor", "--name", "b", "--db", db],
                                   capture_output=True, text=True, check=True).stdout.strip()
            log = open(os.path.join(tmp, backend + ".log"), "ab")
            pf = os.path.join(tmp, backend + ".port")
            server = subprocess.Popen([exe, "serve", "--listen", "127.0.0.1:0", "--port-file", pf, "--db", db,
                                       "--scenarios", sc, "--jobs", "0", "--quiet"], stdout=log, stderr=log)
            procs.append(server)
            while not (os.path.exists(pf) and open(pf).read().strip()):
                time.sleep(0.05)
            port = int(open(pf).read())

            def req(method, path, body=None):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
                c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
                r = c.getresponse()
                d = r.read()
                c.close()
                return r.status, json.loads(d) if d else None

            def batch(nworkers, seeds, per, scenario=name):
                ws = [subprocess.Popen([exe, "worker", "--db", db, "--scenarios", sc], stdout=log, stderr=log)
                      for _ in range(nworkers)]
                procs.extend(ws)
                time.sleep(1)
                t0 = time.time()
                ids = []
                for s in seeds:
                    st, d = req("POST", "/api/v1/analyses/risk", {"scenario": scenario, "samples": per, "seed": s})
                    assert st == 202, (st, d)
                    ids.append(d["id"])
                left = set(ids)
                while left:
                    for i in list(left):
                        st, d = req("GET", "/api/v1/jobs/%d" % i)
                        if d["status"] in ("done", "failed", "cancelled"):
                            assert d["status"] == "done", d
                            left.discard(i)
                    time.sleep(0.02)
                t = time.time() - t0
                for w in ws:
                    w.send_signal(signal.SIGTERM)
                    w.wait()
                return t

            per = samples // jobs
            print("%s: %d jobs x %d samples, one worker" % (backend, jobs, per), file=sys.stderr)
            one = batch(1, range(1, jobs + 1), per)
            print("%s: the same, two workers" % backend, file=sys.stderr)
            two = batch(2, range(101, 101 + jobs), per)
            print("%s: %d one-sample jobs" % (backend, quick), file=sys.stderr)
            queued = batch(1, range(1001, 1001 + quick), 1, "minimal")
            direct = timed(["sh", "-c", " && ".join(
                "%s risk %s --samples 1 --seed %d -j 1 --format json >/dev/null" % (exe, small, 2001 + k)
                for k in range(quick))])
            rows.append((backend, one, two, queued, direct))
            server.send_signal(signal.SIGTERM)
            server.wait()

        print("risk on examples/%s, %d samples in all: %d jobs of %d through `serve --jobs 0` and "
              "`stabforce worker`s, wall time from the first submit to the last result; beside it one "
              "command with the CLI's own forked workers." % (name, samples, jobs, samples // jobs))
        print()
        print("| run | one worker (s) | two workers (s) | speed-up |")
        print("|---|---:|---:|---:|")
        print("| `stabforce risk --samples %d -j 1` / `-j 2` (peer) | %.1f | %.1f | %.2f |"
              % (samples, cli1, cli2, cli1 / cli2))
        for backend, one, two, _, _ in rows:
            print("| %d jobs through the queue, %s | %.1f | %.1f | %.2f |" % (jobs, backend, one, two, one / two))
        print()
        print("Queue overhead: %d one-sample risk jobs on examples/minimal through one worker against the "
              "same %d commands run directly one after another." % (quick, quick))
        print()
        print("| store | through the queue (s) | directly (s) | overhead per job (ms) |")
        print("|---|---:|---:|---:|")
        for backend, _, _, queued, direct in rows:
            print("| %s | %.2f | %.2f | %.0f |" % (backend, queued, direct, 1000 * (queued - direct) / quick))
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
