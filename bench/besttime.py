#!/usr/bin/env python3
"""Runs a command N times (default 3), each bounded by a timeout, and prints the wall-clock
times as JSON: {"best_s": ..., "runs_s": [...], "stdout": <last run's stdout>}.
Fails if any run exits non-zero.

  besttime.py [--runs N] [--timeout S] -- COMMAND [ARGS...]
"""

import argparse
import json
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd or not 1 <= a.runs <= 20:
        sys.exit("usage: besttime.py [--runs 1..20] [--timeout S] -- COMMAND [ARGS...]")
    times, out = [], ""
    for _ in range(a.runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=a.timeout)
        dt = time.perf_counter() - t0
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.exit(f"{cmd[0]} exited {r.returncode}")
        times.append(dt)
        out = r.stdout.strip()
    print(json.dumps({"best_s": min(times), "runs_s": times, "stdout": out}))


if __name__ == "__main__":
    main()
