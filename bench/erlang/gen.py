"""Writes the benchmark's week: 336 half-hour intervals of a crisis line, deterministic (fixed seed).

Usage: python3 gen.py OUT.csv [MAX_OCCUPANCY]

MAX_OCCUPANCY (default 0.85) is written into every row; bench/erlang/run also writes the same
week with 1 (no cap), so that every count is decided by the service level alone.

Columns: interval (0..335), day, start, interval_s, calls, aht_s, target_answer_s, service_level,
max_occupancy, shrinkage. The shape:

- A crisis that starts on Sunday night (a storm, say): Monday is the busiest day and the calls
  decay over the week (day factors 1.00 → 0.30), a little less on the weekend.
- Each day: a trough around 04:00, a steep rise from 06:00, the peak late in the morning, a
  dip after lunch, a second peak in the evening (after the news), falling off towards midnight.
- A press conference on Wednesday at 19:00 brings a short surge (+60 % for an hour and a half).
- Noise: each interval's mean is multiplied by a lognormal factor (σ = 0.10) and then drawn
  from a Poisson-like normal (mean ± √mean); calls are clipped to 50..2,000.
- Handling time: about 300 s at night (fewer, longer calls), about 190 s at the peak, ± 12 s noise,
  clipped to 180..300 s and rounded to whole seconds.
- Targets: 80 % answered in 20 s, except the eight intervals of Monday 08:00–12:00 (the
  declared surge: 70 % in 60 s) and the twelve of Saturday and Sunday 00:00–03:00 (quiet nights,
  vulnerable callers: 90 % in 15 s). Maximum occupancy 0.85 (or MAX_OCCUPANCY) and shrinkage 0.3 everywhere.
"""

import csv
import math
import random
import sys

SEED = 20261201
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAY_FACTOR = [1.00, 0.80, 0.64, 0.52, 0.43, 0.33, 0.30]
LO, HI = 50, 2000


def gauss(x, mu, sd):
    return math.exp(-0.5 * ((x - mu) / sd) ** 2)


def shape(hour):
    """The daily curve at `hour` (0..24, mid-interval), 1.0 at its peak."""
    return (0.035 + 1.00 * gauss(hour, 10.5, 2.3) + 0.55 * gauss(hour, 14.8, 1.8)
            + 0.80 * gauss(hour, 19.6, 2.0) + 0.035 * gauss(hour, 0.0, 2.0))


def main():
    out = sys.argv[1]
    max_occupancy = sys.argv[2] if len(sys.argv) > 2 else "0.85"
    float(max_occupancy)
    rng = random.Random(SEED)
    peak = max(shape(h / 2 + 0.25) for h in range(48))
    rows = []
    for day in range(7):
        for slot in range(48):
            hour = slot / 2 + 0.25
            s = shape(hour) / peak
            mean = LO + (HI - LO) * 1.03 * DAY_FACTOR[day] * s
            if day == 2 and 38 <= slot < 41:  # Wednesday 19:00–20:30, the press conference
                mean *= 1.6
            mean *= math.exp(rng.gauss(0.0, 0.10))
            calls = round(rng.gauss(mean, math.sqrt(mean)))
            calls = min(HI, max(LO, calls))
            aht = 300 - 110 * s + rng.gauss(0.0, 12.0)
            aht = min(300, max(180, round(aht)))
            target_s, level = 20, "0.8"
            if day == 0 and 16 <= slot < 24:
                target_s, level = 60, "0.7"
            elif day in (5, 6) and slot < 6:
                target_s, level = 15, "0.9"
            rows.append({
                "interval": day * 48 + slot, "day": DAYS[day], "start": f"{slot // 2:02d}:{30 * (slot % 2):02d}",
                "interval_s": 1800, "calls": calls, "aht_s": aht, "target_answer_s": target_s,
                "service_level": level, "max_occupancy": max_occupancy, "shrinkage": "0.3",
            })
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    calls = [r["calls"] for r in rows]
    ahts = [r["aht_s"] for r in rows]
    erl = [r["calls"] * r["aht_s"] / r["interval_s"] for r in rows]
    varied = sum(1 for r in rows if r["target_answer_s"] != 20)
    print(f"week: {len(rows)} intervals, calls {min(calls)}..{max(calls)} ({sum(calls):,} in all), "
          f"aht {min(ahts)}..{max(ahts)} s, load {min(erl):.1f}..{max(erl):.1f} Erlang; "
          f"targets 80 % in 20 s except {varied} intervals (70 % in 60 s, 90 % in 15 s), "
          f"occupancy at most {max_occupancy}, shrinkage 0.3; seed {SEED}")


if __name__ == "__main__":
    main()
