"""Compares ours (the example erlang_week) with the peer (pyworkforce) interval by interval, checks
our counts with an Erlang C of its own, and prints the figures of bench/erlang/run.

Usage: python3 compare.py WEEK.csv OURS.tsv PEER.tsv INFO.json [--no-goal]   (standard library only)

The independent check does not use either program's code or its recursion: P(wait) is computed
from the Erlang C formula itself, in logarithms of the Poisson terms (lgamma, log-sum-exp),

    P(wait) = T / (sum_{k<n} A^k/k! + T),   T = A^n/n! * n/(n - A),
    service level = 1 - P(wait) * exp(-(n - A) * t / aht),

in plain floats. Occupancy (A/n against the cap) and shrinkage (n_scheduled * (1 - s) against the
agents) are comparisons of rationals, so they are checked exactly with `fractions.Fraction` on the
CSV's decimal text: no rounding can decide them.

Exit status 1 if a count differs and ours is not the smaller count that still meets every target
(with one fewer missing one), if the check contradicts any of our counts, or if the speed ratio
(pyworkforce's median week ÷ ours) is below GOAL (not with --no-goal: the uncapped variant's
ratio is informative only).
"""

import csv
import json
import math
import sys
from fractions import Fraction

GOAL = 100.0


def table(path):
    """(rows by interval id, the timing line's key=value pairs)"""
    rows, timing = {}, {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    head = lines[0].split("\t")
    for line in lines[1:]:
        cells = line.split("\t")
        if cells[0] == "timing":
            timing = dict(c.split("=", 1) for c in cells[1:])
        else:
            rows[cells[0]] = dict(zip(head, cells))
    return rows, timing


def log_sum_exp(xs):
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def erlang_c(n, a, t, aht):
    """(P(wait), service level) with n agents and a Erlang, from the formula in logarithms."""
    if n <= a:
        return 1.0, 0.0
    terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(n)]
    log_t = n * math.log(a) - math.lgamma(n + 1) + math.log(n / (n - a))
    p_wait = math.exp(log_t - log_sum_exp(terms + [log_t]))
    return p_wait, max(0.0, 1.0 - p_wait * math.exp(-(n - a) * t / aht))


class Interval:
    def __init__(self, r):
        self.id, self.day, self.start = r["interval"], r.get("day", ""), r.get("start", "")
        self.calls, self.aht = Fraction(r["calls"]), Fraction(r["aht_s"])
        self.interval_s = Fraction(r.get("interval_s", "1800"))
        self.t = float(r["target_answer_s"])
        self.level = float(r["service_level"])
        self.level_text = r["service_level"]
        self.max_occ = Fraction(r["max_occupancy"])
        self.shrinkage = Fraction(r["shrinkage"])
        self.erlangs = self.calls * self.aht / self.interval_s  # exact

    def at(self, n):
        """What n agents achieve, independently: (service level, occupancy, meets every target)."""
        if n <= 0:
            return 0.0, None, False
        _, sl = erlang_c(n, float(self.erlangs), self.t, float(self.aht))
        occ = self.erlangs / n
        return sl, occ, sl >= self.level and occ <= self.max_occ

    def enough_scheduled(self, scheduled, agents):
        """Exactly: do `scheduled` agents leave at least `agents` on the phone after shrinkage?"""
        return scheduled * (1 - self.shrinkage) >= agents

    def label(self):
        return f"#{self.id} {self.day} {self.start}".strip()

    def describe(self):
        return (f"{int(self.calls)} calls, AHT {int(self.aht)} s, {float(self.erlangs):.2f} Erlang, "
                f"target {float(self.level_text) * 100:g} % in {self.t:g} s, occupancy ≤ {float(self.max_occ):g}")


def pct(x):
    return f"{x * 100:.2f} %"


def main():
    week_path, ours_path, peer_path, info_path = sys.argv[1:5]
    goal = "--no-goal" not in sys.argv[5:]
    info = json.loads(open(info_path, encoding="utf-8").read())
    with open(week_path, newline="", encoding="utf-8") as f:
        week = [Interval(r) for r in csv.DictReader(f)]
    ours, ours_t = table(ours_path)
    peer, peer_t = table(peer_path)
    problems = []

    print(f"{info['title']}: {info['week']}")
    print(f"load average (1, 5, 15 min) before ours {info['load_before']}, after the peer {info['load_after']}")
    if len(ours) != len(week) or len(peer) != len(week):
        problems.append(f"intervals: week {len(week)}, ours {len(ours)}, peer {len(peer)}")

    agree_agents = agree_sched = 0
    confirmed = fewer_fail = 0
    max_sl_diff = 0.0
    binding = {"service level": 0, "occupancy": 0}
    diffs_agents, diffs_sched, contradicted = [], [], []
    for iv in week:
        o, p = ours[iv.id], peer[iv.id]
        n, n_sched = int(o["agents"]), int(o["scheduled_agents"])
        pn, pn_sched = int(p["raw_positions"]), int(p["positions"])
        sl, occ, meets = iv.at(n)
        sl1, occ1, meets1 = iv.at(n - 1)
        max_sl_diff = max(max_sl_diff, abs(sl - float(o["service_level"])))
        confirmed += meets
        fewer_fail += not meets1
        if meets and not meets1:
            binding["service level" if sl1 < iv.level else "occupancy"] += 1
        if not meets or meets1:
            contradicted.append((iv, n, sl, occ, sl1, occ1))
        if n == pn:
            agree_agents += 1
        else:
            explained = n < pn and meets and not meets1
            diffs_agents.append((iv, n, pn, sl, occ, sl1, occ1, explained))
        if n_sched == pn_sched:
            agree_sched += 1
        else:
            explained = (n_sched < pn_sched and iv.enough_scheduled(n_sched, n)
                         and not iv.enough_scheduled(n_sched - 1, n))
            diffs_sched.append((iv, n, pn, n_sched, pn_sched, explained))

    total = len(week)
    print()
    print("| | agree | differ | where they differ |")
    print("|---|---:|---:|---|")
    expl_a = sum(1 for d in diffs_agents if d[-1])
    expl_s = sum(1 for d in diffs_sched if d[-1])
    print(f"| agents on the phone (ours `agents`, pyworkforce `raw_positions`) | {agree_agents} / {total} | "
          f"{len(diffs_agents)} | {'—' if not diffs_agents else f'ours smaller and sufficient in {expl_a} of {len(diffs_agents)}'} |")
    print(f"| agents to schedule (ours `scheduled_agents`, pyworkforce `positions`) | {agree_sched} / {total} | "
          f"{len(diffs_sched)} | {'—' if not diffs_sched else f'ours smaller and sufficient in {expl_s} of {len(diffs_sched)}'} |")

    if diffs_agents:
        print("\nAgents that differ (service level and occupancy from the independent check):")
        for iv, n, pn, sl, occ, sl1, occ1, ok in diffs_agents:
            print(f"  {'' if ok else '!!! '}{iv.label()} ({iv.describe()}): ours {n}, pyworkforce {pn}; "
                  f"ours at {n}: SL {pct(sl)}, occupancy {float(occ):.4f}; at {n - 1}: SL {pct(sl1)}, "
                  f"occupancy {'–' if occ1 is None else f'{float(occ1):.4f}'}"
                  f" → {'ours is the fewest that meets the targets' if ok else 'NOT explained'}")
            if pn not in (n, n - 1):
                psl, pocc, pmeets = iv.at(pn)
                print(f"      pyworkforce's {pn}: SL {pct(psl)}, occupancy {'–' if pocc is None else f'{float(pocc):.4f}'}, "
                      f"{'meets' if pmeets else 'misses'} the targets")
            if not ok:
                problems.append(f"agents differ at {iv.label()} without explanation")
    if diffs_sched:
        print("\nAgents to schedule that differ (exact: scheduled × (1 − shrinkage) must reach the agents on the phone):")
        for iv, n, pn, s, ps, ok in diffs_sched:
            keep = 1 - iv.shrinkage
            print(f"  {'' if ok else '!!! '}{iv.label()}: {n} agents (pyworkforce {pn}) at {float(iv.shrinkage):g} shrinkage: "
                  f"ours {s}, pyworkforce {ps}; {s} × {float(keep):g} = {float(s * keep):g} ≥ {n}, "
                  f"{s - 1} × {float(keep):g} = {float((s - 1) * keep):g} < {n}; pyworkforce's "
                  f"ceil({pn} / (1 − {float(iv.shrinkage):g})) sees {pn / (1 - float(iv.shrinkage))!r}"
                  f" → {'ours is the fewest that suffices' if ok else 'NOT explained'}")
            if not ok:
                problems.append(f"scheduled agents differ at {iv.label()} without explanation")

    print(f"\nIndependent Erlang C check of our counts: ours meets every target in {confirmed} / {total} intervals; "
          f"one agent fewer misses one in {fewer_fail} / {total}; our printed service level is within "
          f"{max_sl_diff:.1e} of the check's. What one fewer misses: the service level in "
          f"{binding['service level']}, the occupancy cap (only) in {binding['occupancy']}.")
    for iv, n, sl, occ, sl1, occ1 in contradicted:
        fewer = f"occupancy {'–' if occ1 is None else f'{float(occ1):.4f}'}"
        print(f"  !!! {iv.label()} ({iv.describe()}): ours {n}: SL {pct(sl)}, occupancy {float(occ):.4f}, "
              f"{'meets' if meets else 'MISSES'} the targets; {n - 1}: SL {pct(sl1)}, {fewer}, "
              f"{'ALSO MEETS them' if meets1 else 'misses them'}")
        problems.append(f"the check contradicts our count at {iv.label()}")

    o_med, p_med = float(ours_t["median_us"]), float(peer_t["median_us"])
    o_min, p_min = float(ours_t["min_us"]), float(peer_t["min_us"])
    ratio, ratio_min = p_med / o_med, p_min / o_min
    print()
    print(f"| one week ({total} intervals), single thread | repetitions | median | min | max | per interval (median) | ratio (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| ours: `staffing::required` (Rust, release) | {int(ours_t['reps']):,} after {ours_t['warmup']} | "
          f"{o_med:,.1f} µs | {o_min:,.1f} µs | {float(ours_t['max_us']):,.1f} µs | {o_med / total:.2f} µs | 1× |")
    print(f"| pyworkforce {peer_t['pyworkforce']}: `ErlangC.required_positions` (Python {peer_t['python']}) | "
          f"{int(peer_t['reps']):,} after {peer_t['warmup']} | {p_med / 1000:,.2f} ms | {p_min / 1000:,.2f} ms | "
          f"{float(peer_t['max_us']) / 1000:,.2f} ms | {p_med / total:.1f} µs | {ratio:,.0f}× |")
    verdict = f"goal ≥ {GOAL:.0f}×: {'met' if ratio >= GOAL else 'NOT met'}" if goal else "informative (no goal)"
    print(f"\nSpeed ratio, pyworkforce ÷ ours: {ratio:,.0f}× on the medians ({ratio_min:,.0f}× on the fastest weeks); "
          f"{verdict}.")
    if goal and ratio < GOAL:
        problems.append(f"speed ratio {ratio:.0f}× is below the goal of {GOAL:.0f}×")

    if problems:
        print("\n!!! " + "\n!!! ".join(problems))
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
