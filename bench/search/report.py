"""Prints the table of bench/search/run from its work directory.

Usage: python3 report.py WORK DURATION_S LOAD_BEFORE LOAD_AFTER MODE...
"""

import datetime
import json
import os
import sys
from pathlib import Path

NAMES = {"web": "PostgreSQL danish, websearch_to_tsquery (all words)", "any": "PostgreSQL danish, any word (OR)"}


def hits(path):
    """qid -> (hit count, top hit id, microseconds in the first measured round)"""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, n, top, us = line.split("\t")
        out[int(qid)] = (int(n), top, float(us))
    return out


def load(path):
    """The 1-minute load average at the start and the end of the measurement."""
    return " → ".join(path.read_text().split())


def ms(us):
    return f"{us / 1000:.2f} ms"


def main():
    work, duration, load_before, load_after, *modes = sys.argv[1:]
    work = Path(work)
    corpus = json.loads((work / "corpus.json").read_text())
    ours = json.loads((work / "ours.json").read_text())
    pg = json.loads((work / "pg.json").read_text())
    ours_hits = hits(work / "ours.tsv")
    rows = [("ours: search crate (in process)", ours, ours_hits, load(work / "load-ours"))]
    for m in modes:
        rows.append((NAMES[m], json.loads((work / f"pg-{m}.json").read_text()), hits(work / f"pg-{m}.tsv"), load(work / f"load-{m}")))

    print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, PostgreSQL {pg['version']}, "
          f"{duration} s in all; load average before {load_before}, after {load_after}")
    print(f"corpus: {corpus['docs']:,} guides (~{corpus['avg_words']} words, {corpus['municipalities']} municipalities, "
          f"{corpus['topics']} topics from {corpus['source_units']} real sentences and headings); "
          f"{corpus['queries']:,} queries, 1 warm-up + {ours['rounds']} measured rounds each\n")
    head = ["engine", "docs", "samples", "found ≥1", "p50", "p90", "p99", "max", "q/s (1 thread)", "p50 ÷ ours", "p99 ÷ ours", "load avg, start → end"]
    table = []
    for name, r, h, ld in rows:
        found = sum(1 for n, _, _ in h.values() if n > 0)
        table.append([name, f"{ours['n_docs'] if r is ours else pg['n_docs']:,}", f"{r['samples']:,}", f"{found:,}",
                      ms(r["p50_us"]), ms(r["p90_us"]), ms(r["p99_us"]), ms(r["max_us"]), f"{r['qps_single_thread']:,.0f}",
                      f"{r['p50_us'] / ours['p50_us']:.1f}×", f"{r['p99_us'] / ours['p99_us']:.1f}×", ld])
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for row in table:
        print("| " + " | ".join(row) + " |")

    goal = "met" if ours["p99_us"] < 10_000 else "NOT met"
    print(f"\ngoal p99 < 10 ms at {ours['n_docs']:,} guides: ours {ms(ours['p99_us'])} — {goal}")
    print(f"build: ours {ours['build_ms'] / 1000:.2f} s in process, index ~{ours['index_rss_mib']:.0f} MiB resident; "
          f"PostgreSQL \\copy + GIN + ANALYZE {pg['load_ms'] / 1000:.2f} s, table {pg['table_mib']:.0f} MiB, GIN {pg['gin_mib']:.1f} MiB")
    for name, _, h, _ in rows[1:]:
        both = [q for q, (n, _, _) in ours_hits.items() if n > 0 and h.get(q, (0,))[0] > 0]
        same = sum(1 for q in both if ours_hits[q][1] == h[q][1])
        print(f"top hit, ours vs {name}: the same in {same:,} of the {len(both):,} queries both answered "
              f"({100 * same / max(1, len(both)):.0f} %; informational, the rankings differ)")
    # What the tail is made of (first measured round; a single run can be a scheduling hiccup).
    text = {int(q["qid"]): q["q"] for q in map(json.loads, (work / "queries.jsonl").read_text(encoding="utf-8").splitlines())}
    for name, _, h, _ in rows:
        slow = sorted(h, key=lambda q: -h[q][2])[:3]
        print(f"slowest ({name}): " + "; ".join(f"{ms(h[q][2])} {text[q]!r} ({h[q][0]} hits)" for q in slow))


if __name__ == "__main__":
    main()
