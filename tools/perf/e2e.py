#!/usr/bin/env python3
"""End-to-end timing of `trustcheck eval` over many single-role trust files.

Generates N AWS role trust policies, one per file (bench/e2e/make_roles.py:
GitHub Actions roles with exact, `repo:org/repo:*`, `repo:org/*` and list
subjects, some with a Deny for pull requests, GitLab, Terraform Cloud and EKS
roles) and a GitHub Actions token, then times, with a warm page cache:

  read          cat every file to /dev/null (`find | xargs cat`), and a read
                loop in this script (open, fstat, read, close per file, one
                thread: about what a C loop costs, without a process start)
  trustcheck    trustcheck eval --token token.json --at T DIR   (text report)
  iam-simulate  the same question asked of the @cloud-copilot/iam-simulate npm
                package, one file at a time (tools/perf/iam_simulate.mjs)

Each command runs --runs times (iam-simulate at most 3); the table shows the
median wall time and the ratios; one more trustcheck run with `--timings`
shows its stages. Both tools must accept the same files, for that token and
(untimed) for a pull_request token that the Deny statements refuse: the script
checks it and exits 1 otherwise. iam-simulate is AGPL-licensed and never part of the build: set
IAM_SIMULATE_DIR (or --iam-simulate) to the folder whose node_modules holds
it; without it, or without `node`, that row is skipped.

usage: tools/perf/e2e.py [--binary build/trustcheck] [--files 20000] [--runs 5]
                         [--iam-simulate DIR] [--dir DIR]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_ROLES = os.path.join(ROOT, "bench", "e2e", "make_roles.py")
SIMULATE = os.path.join(ROOT, "tools", "perf", "iam_simulate.mjs")
GITHUB_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
# Inside the token's validity (make_roles.py writes nbf 1632492967, exp 1632493867).
AT = "1632493000"


def timed(command, runs, **kwargs):
    """Runs `command` `runs` times; returns (median seconds, last CompletedProcess)."""
    times, done = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, done


def trustcheck_accepts(report):
    """File names of the ACCEPT lines of a text report (`ACCEPT path:line:column name ...`)."""
    names = set()
    for line in report.splitlines():
        m = re.match(r"ACCEPT (\S+?):\d+:\d+ ", line)
        if m:
            names.add(os.path.basename(m.group(1)))
    return names


def ReadLoop(folder, files):
    """Seconds to open, fstat, read and close every file once."""
    start = time.perf_counter()
    for name in files:
        fd = os.open(os.path.join(folder, name), os.O_RDONLY)
        os.read(fd, os.fstat(fd).st_size)
        os.close(fd)
    return time.perf_counter() - start


def PullRequestToken(work):
    """Writes the token of make_roles.py as a pull_request run; returns (token, context) paths."""
    with open(os.path.join(work, "token.json")) as f:
        token = json.load(f)
    token["sub"] = f"repo:{token['repository']}:pull_request"
    token["event_name"] = "pull_request"
    token["ref"] = "refs/pull/1/merge"
    with open(os.path.join(work, "context.json")) as f:
        context = json.load(f)
    context["token.actions.githubusercontent.com:sub"] = token["sub"]
    paths = os.path.join(work, "token-pr.json"), os.path.join(work, "context-pr.json")
    for path, value in zip(paths, (token, context)):
        with open(path, "w") as f:
            json.dump(value, f)
    return paths


def Agree(what, ours, theirs):
    if ours == theirs:
        print(f"agree ({what} token): both accept the same {len(ours)} files")
        return True
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    print(f"DISAGREE ({what} token): trustcheck only: {only_ours[:10]} ({len(only_ours)}); "
          f"iam-simulate only: {only_theirs[:10]} ({len(only_theirs)})")
    return False


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "trustcheck"))
    p.add_argument("--files", type=int, default=20000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--iam-simulate", default=os.environ.get("IAM_SIMULATE_DIR", ""),
                   help="folder whose node_modules holds @cloud-copilot/iam-simulate (default: $IAM_SIMULATE_DIR)")
    p.add_argument("--dir", help="generate into (and keep) this folder instead of a temporary one")
    args = p.parse_args()

    work = args.dir or tempfile.mkdtemp(prefix="trustcheck-e2e-")
    try:
        subprocess.run([sys.executable, MAKE_ROLES, work, str(args.files)], check=True)
        roles = os.path.join(work, "roles")
        files = sorted(f for f in os.listdir(roles) if f.endswith(".json"))
        total_bytes = sum(os.path.getsize(os.path.join(roles, f)) for f in files)
        print(f"{len(files)} files, {total_bytes / 1e6:.1f} MB, in {roles}; median of {args.runs} runs, warm cache")

        rows = []
        read = ["sh", "-c", 'find "$0" -name "*.json" -print0 | xargs -0 cat > /dev/null', roles]
        subprocess.run(read, check=True)  # warm the page cache
        read_time, read_times, _ = timed(read, args.runs)
        rows.append(("cat (find, xargs cat > /dev/null)", read_time, read_times))

        loop_times = []
        for _ in range(args.runs):
            loop_times.append(ReadLoop(roles, files))
        rows.append(("read loop (open, fstat, read, close; in-process)", statistics.median(loop_times), loop_times))

        eval_cmd = [args.binary, "eval", "--token", os.path.join(work, "token.json"), "--at", AT, roles]
        eval_time, eval_times, done = timed(eval_cmd, args.runs)
        if done.returncode not in (0, 1):
            sys.exit(f"trustcheck eval failed ({done.returncode}): {done.stderr.strip()}")
        rows.append(("trustcheck eval", eval_time, eval_times))
        stages = subprocess.run(eval_cmd + ["--timings"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        ours = trustcheck_accepts(done.stdout)
        summary = done.stdout.strip().splitlines()[-1]
        print(f"trustcheck: {summary}; stages of one more run (`--timings`):")
        print("".join(f"  {line}\n" for line in stages.stderr.splitlines() if line.startswith("timing:")), end="")

        theirs, sim_time = None, None
        node = shutil.which("node")
        if not args.iam_simulate or not node:
            print("iam-simulate: skipped (set IAM_SIMULATE_DIR to its install folder, and put node on PATH)")
        else:
            env = dict(os.environ, IAM_SIMULATE_DIR=args.iam_simulate)
            sim_cmd = [node, SIMULATE, roles, os.path.join(work, "context.json"), GITHUB_PROVIDER]
            sim_time, sim_times, done = timed(sim_cmd, max(1, min(args.runs, 3)), env=env)
            if done.returncode != 0:
                sys.exit(f"iam-simulate failed ({done.returncode}): {done.stderr.strip()}")
            rows.append(("iam-simulate (node, core engine)", sim_time, sim_times))
            theirs = set(done.stdout.split())
            print(f"iam-simulate: {done.stderr.strip()}")

        print()
        loop_time = statistics.median(loop_times)
        print("| run | median s | runs s | / cat | / read loop | iam-simulate / this |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, t, ts in rows:
            vs_sim = f"{sim_time / t:.1f}x" if sim_time else "n/a"
            print(f"| {name} | {t:.3f} | {' '.join(f'{x:.3f}' for x in ts)} | {t / read_time:.2f}x | {t / loop_time:.2f}x | {vs_sim} |")
        print()

        if theirs is None:
            return 0
        agree = Agree("push to main", ours, theirs)
        # Untimed: a pull_request token, which the Deny statements refuse.
        token_path, context_path = PullRequestToken(work)
        done = subprocess.run([args.binary, "eval", "--token", token_path, "--at", AT, roles],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ours = trustcheck_accepts(done.stdout)
        done = subprocess.run([node, SIMULATE, roles, context_path, GITHUB_PROVIDER], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
        agree = Agree("pull_request", ours, set(done.stdout.split())) and agree
        return 0 if agree else 1
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
