#!/usr/bin/env python3
"""Prints the result tables (Markdown) from the JSON files `bench/run` leaves in its work dir.

  report.py WORKDIR BACKEND...
"""

import json
import os
import sys


def load(work, name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ms(x):
    return f"{x:.2f} ms"


def rate(x):
    return f"{x:,.0f}/s"


def main():
    work, backends = sys.argv[1], sys.argv[2:]
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    meta = load(work, "meta.json") or {}
    print(f"Kriseservice benchmarks — {meta.get('date', '?')}, {meta.get('cpus', '?')} CPUs, "
          f"{meta.get('clients', 8)} clients, {meta.get('appends', 10000):,} requests per load run")
    print()
    print("HTTP load (each row: one run of the same Python keep-alive client)")
    print()
    print("| backend | workload | throughput | p50 | p99 | max | vs HTTP floor |")
    print("|---|---|---:|---:|---:|---:|---:|")
    app = {}
    for b in backends:
        h, a = load(work, f"{b}.healthz.json"), load(work, f"{b}.append.json")
        if h:
            print(f"| {names[b]} | GET /healthz (peer: HTTP floor) | {rate(h['throughput_per_s'])} "
                  f"| {ms(h['p50_ms'])} | {ms(h['p99_ms'])} | {ms(h['max_ms'])} | 100 % |")
        if a:
            app[b] = a
            floor = (f"{100 * a['throughput_per_s'] / h['throughput_per_s']:.1f} %"
                     if h else "–")
            print(f"| {names[b]} | POST …/log (append) | {rate(a['throughput_per_s'])} "
                  f"| {ms(a['p50_ms'])} | {ms(a['p99_ms'])} | {ms(a['max_ms'])} | {floor} |")
    print()
    for b in backends:
        h, a = load(work, f"{b}.healthz.json"), app.get(b)
        if h and a:
            print(f"- {names[b]}: appends reach {100 * a['throughput_per_s'] / h['throughput_per_s']:.1f} % "
                  f"of the HTTP floor's throughput; append p50 is {a['p50_ms'] / h['p50_ms']:.1f}× "
                  f"and p99 {a['p99_ms'] / h['p99_ms']:.1f}× the floor's.")
    if "sqlite" in app and "postgres" in app:
        s, p = app["sqlite"], app["postgres"]
        print(f"- PostgreSQL ÷ SQLite: throughput {p['throughput_per_s'] / s['throughput_per_s']:.2f}×, "
              f"p50 {p['p50_ms'] / s['p50_ms']:.2f}×, p99 {p['p99_ms'] / s['p99_ms']:.2f}×.")
    print()
    print("verify-log over the seeded log (wall clock of the whole CLI run, best of 3; "
          "peer: sha256sum over a file the size of the log's CSV export, best of 3)")
    print()
    print("| backend | entries | seeding over HTTP | verify-log | entries/s | CSV export | sha256sum | verify-log ÷ sha256sum |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for b in backends:
        seed, v, sha, csv, chain = (load(work, f"{b}.{k}.json")
                                    for k in ("seed", "verifylog", "sha", "csv", "seedverify"))
        if not (seed and v and sha and csv and chain):
            continue
        n = chain["entries"]
        print(f"| {names[b]} | {n:,} | {seed['ok']:,}{' (deadline)' if seed['ok'] < seed['requested'] else ''} in {seed['wall_s']:.1f} s ({rate(seed['throughput_per_s'])}, p99 {ms(seed['p99_ms'])}) "
              f"| {v['best_s']:.3f} s | {rate(n / v['best_s'])} | {csv['bytes'] / 1e6:.1f} MB "
              f"| {sha['best_s'] * 1000:.1f} ms | {v['best_s'] / sha['best_s']:.0f}× |")
    print()
    if meta.get("duration_s") is not None:
        print(f"Total run time: {meta['duration_s']:.0f} s, of which {meta.get('build_s', 0):.0f} s "
              f"build; load average before the run: {meta.get('load_before', '?')}")


if __name__ == "__main__":
    main()
