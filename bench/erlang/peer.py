"""The peer: the same week through pyworkforce's Erlang C, timed the same way as ours.

Usage: python3 peer.py WEEK.csv [--reps N] [--warmup N]   (run with bench/erlang/.venv's python)

pyworkforce.ErlangC(transactions, aht, asa, interval, shrinkage) takes its times in one unit
(its docstring says minutes; only the ratios aht/interval and asa/aht enter the formulas). Its
`asa` is, despite the name, the service level's answer time: `service_level()` is
1 − P(wait)·exp(−(n − A)·asa/aht). So each interval is called as

    ErlangC(transactions=calls, aht=aht_s / 60, asa=target_answer_s / 60, interval=interval_s / 60,
            shrinkage=shrinkage).required_positions(service_level=..., max_occupancy=...)

`raw_positions` is the agents on the phone (ours: `agents`), `positions` the agents to schedule
after shrinkage (ours: `scheduled_agents`).

Output, tab-separated, like the example erlang_week: a header, one line per interval
(`interval raw_positions positions service_level occupancy waiting_probability`), then
`timing\tkey=value…` with the median, min and max of one week in microseconds (each week timed
with perf_counter_ns, after `warmup` unmeasured weeks).
"""

import argparse
import csv
import statistics
import sys
import time

import pyworkforce
from pyworkforce.queuing import ErlangC


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [(r.get("interval", str(i)), float(r["calls"]), float(r.get("interval_s", 1800)), float(r["aht_s"]),
             float(r["target_answer_s"]), float(r["service_level"]), float(r["max_occupancy"]), float(r["shrinkage"]))
            for i, r in enumerate(rows)]


def one(calls, interval_s, aht_s, target_s, level, max_occupancy, shrinkage):
    erlang = ErlangC(transactions=calls, aht=aht_s / 60, asa=target_s / 60, interval=interval_s / 60, shrinkage=shrinkage)
    return erlang.required_positions(service_level=level, max_occupancy=max_occupancy)


def week(intervals):
    total = 0
    for _, *args in intervals:
        r = one(*args)
        total += r["raw_positions"] + r["positions"]
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("week")
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    intervals = read(a.week)

    print("interval\traw_positions\tpositions\tservice_level\toccupancy\twaiting_probability")
    for iid, *args in intervals:
        r = one(*args)
        print(f"{iid}\t{r['raw_positions']}\t{r['positions']}\t{r['service_level']!r}\t{r['occupancy']!r}\t"
              f"{r['waiting_probability']!r}")

    for _ in range(a.warmup):
        week(intervals)
    us = []
    for _ in range(max(1, a.reps)):
        t = time.perf_counter_ns()
        week(intervals)
        us.append((time.perf_counter_ns() - t) / 1000)
    print(f"timing\tintervals={len(intervals)}\treps={len(us)}\twarmup={a.warmup}\tmedian_us={statistics.median(us):.3f}\t"
          f"min_us={min(us):.3f}\tmax_us={max(us):.3f}\tpyworkforce={pyworkforce.__version__}\t"
          f"python={sys.version.split()[0]}")


if __name__ == "__main__":
    main()
