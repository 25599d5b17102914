"""Exercise-engine benchmark client for Kriseservice (Python 3, standard library only).

Sub-commands:
  run     against one `kriseservice serve`: creates N exercises of a scenario at a speed
          (POST /api/v1/scenarios/{id}/run), plays them one after the other
          (POST …/exercise/clock {"action":"play"}), then polls GET …/exercise gently until every
          exercise says `finished` (or a deadline), and writes one JSON object: for every timed
          inject its delay, the server's CPU time over the run, the machine's load.
  report  prints the tables from one or two `run` results (the baseline and the measured run).

The inject delay is `delivered_at − (t_play + at_s / speed)`, where `t_play` is the client's
wall clock (`time.time()`) read just before the play request is sent and `delivered_at` is the
server's own timestamp of the delivery (the same machine, the same CLOCK_REALTIME). Polling
only fetches `delivered_at`; how often it polls does not change it. Alongside, a second figure
from one `GET /api/v1/events` stream (Server-Sent Events): the moment the client received each
inject's `exercise.changed` {"delivered": …} event, minus the same due time — what a player's
browser sees, including the commit and the fan-out after the server took its timestamp.

Only loopback addresses are accepted; every wait has a deadline.
"""

import argparse
import http.client
import json
import os
import re
import resource
import socket
import sys
import threading
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import loopback, percentile, request  # noqa: E402

HOST = "127.0.0.1"
HZ = os.sysconf("SC_CLK_TCK")
RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def epoch(s):
    """An RFC 3339 timestamp (any number of fractional digits) as Unix seconds, a float."""
    m = RFC3339.match(s)
    if not m:
        raise ValueError(f"not an RFC 3339 time: {s!r}")
    whole, frac, zone = m.groups()
    zone = "+00:00" if zone == "Z" else zone
    t = datetime.fromisoformat(whole + zone).timestamp()
    return t + (int(frac) / 10 ** len(frac) if frac else 0.0)


def proc_ticks(pid):
    """(user, system) clock ticks of a process so far: fields 14 and 15 of /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def system_ticks():
    """(all, busy, steal) clock ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])
    return total, total - v[3] - v[4], v[7]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def snapshot(pid):
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"t": time.time(), "server": proc_ticks(pid), "system": system_ticks(), "client_s": ru.ru_utime + ru.ru_stime,
            "loadavg": loadavg()}


class Api:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, port, token):
        self.port, self.token, self.conn = port, token, None

    def call(self, method, path, body=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                status, data = request(self.conn, method, path, token=self.token, body=body)
                return status, json.loads(data) if data else None
            except (http.client.HTTPException, ConnectionError, socket.timeout):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def expect(self, want, method, path, body=None):
        status, v = self.call(method, path, body)
        if status != want:
            sys.exit(f"{method} {path}: {status} (wanted {want}): {v}")
        return v


class Events(threading.Thread):
    """Reads GET /api/v1/events and notes when each inject's delivery event arrived."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.seen = {}  # (incident, number) -> time.time() at arrival
        self.events = 0
        self.error = None
        self.ready = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=3600)
            conn.request("GET", "/api/v1/events", headers={"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"})
            resp = conn.getresponse()
            if resp.status != 200:
                raise RuntimeError(f"GET /api/v1/events: {resp.status} {resp.read()[:300]!r}")
            self.ready.set()
            kind, data = None, []
            while True:
                line = resp.readline()
                if not line:
                    raise RuntimeError("the event stream ended")
                at = time.time()
                line = line.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "":
                    if kind == "exercise.changed" and data:
                        self.note(json.loads("\n".join(data)), at)
                    if data:
                        self.events += 1
                    kind, data = None, []
        except Exception as e:  # noqa: BLE001 - reported with the results
            self.error = f"{type(e).__name__}: {e}"
            self.ready.set()

    def note(self, e, at):
        what = (e.get("payload") or {}).get("what")
        if isinstance(what, dict) and isinstance(what.get("delivered"), dict):
            key = (e.get("incident_id") or e["payload"].get("incident_id"), what["delivered"]["number"])
            with self.lock:
                self.seen.setdefault(key, at)


def stats(values):
    v = sorted(values)
    if not v:
        return {"n": 0}
    return {"n": len(v), "min": v[0], "p50": percentile(v, 50), "p99": percentile(v, 99), "max": v[-1], "mean": sum(v) / len(v)}


def cmd_run(a):
    loopback(HOST)
    if not 1 <= a.exercises <= 10_000:
        sys.exit("exercises: 1..10,000")
    api = Api(a.port, a.token)
    scenario = api.expect(200, "GET", f"/api/v1/scenarios/{a.scenario}")
    events = Events(a.port, a.token)
    events.start()
    if not events.ready.wait(30) or events.error:
        sys.exit(f"the event stream did not open: {events.error}")

    # Create every exercise first (paused at T+0), then play them back to back.
    created, t = [], time.perf_counter()
    for _ in range(a.exercises):
        created.append(api.expect(201, "POST", f"/api/v1/scenarios/{a.scenario}/run", {"speed": a.speed})["incident"])
    create_s = time.perf_counter() - t
    first = api.expect(200, "GET", f"/api/v1/incidents/{created[0]}/exercise")
    timed = [i for i in first["injects"] if i["at_s"] is not None]
    duration_s = first["duration_s"]

    before = snapshot(a.pid)
    played = {}
    for inc in created:
        t_sent = time.time()
        v = api.expect(200, "POST", f"/api/v1/incidents/{inc}/exercise/clock", {"action": "play"})
        played[inc] = {"sent": t_sent, "back": time.time(), "running": v["clock"]["running"]}
    play_spread = played[created[-1]]["sent"] - played[created[0]]["sent"]

    # Poll: each unfinished exercise once per `poll` seconds, the requests spread evenly over it.
    wall_s = duration_s / a.speed
    deadline = time.time() + wall_s + a.grace
    last, finished_at, polls, poll_errors = {}, {}, 0, 0
    while len(finished_at) < len(created) and time.time() < deadline:
        round_start = time.time()
        todo = [inc for inc in created if inc not in finished_at]
        for k, inc in enumerate(todo):
            pause = round_start + a.poll * k / len(todo) - time.time()
            if pause > 0:
                time.sleep(pause)
            status, v = api.call("GET", f"/api/v1/incidents/{inc}/exercise")
            polls += 1
            if status != 200:
                poll_errors += 1
                continue
            last[inc] = v
            if v["finished"]:
                finished_at[inc] = time.time()
        rest = round_start + a.poll - time.time()
        if rest > 0 and len(finished_at) < len(created):
            time.sleep(min(rest, max(0.0, deadline - time.time())))
    after = snapshot(a.pid)
    time.sleep(1.0)  # the last delivery events on the stream

    delays, delays_back, seen, missing, unseen, early = [], [], [], [], [], []
    for inc in created:
        v = last.get(inc)
        p = played[inc]
        for i in (v or first)["injects"]:
            if i["at_s"] is None:
                continue
            due = p["sent"] + i["at_s"] / a.speed
            if v is None or i["delivered_at"] is None:
                missing.append({"incident": inc, "number": i["number"], "at": i["at"]})
                continue
            d = epoch(i["delivered_at"]) - due
            delays.append(d)
            delays_back.append(epoch(i["delivered_at"]) - (p["back"] + i["at_s"] / a.speed))
            if d < 0:
                early.append({"incident": inc, "number": i["number"], "delay_s": d})
            with events.lock:
                s = events.seen.get((inc, i["number"]))
            if s is None:
                unseen.append({"incident": inc, "number": i["number"]})
            else:
                seen.append(s - due)
    window = after["t"] - before["t"]
    su, ss = (after["server"][k] - before["server"][k] for k in (0, 1))
    all_t, busy_t, steal_t = (after["system"][k] - before["system"][k] for k in range(3))
    out = {
        "scenario": a.scenario,
        "title": scenario.get("title", ""),
        "speed": a.speed,
        "exercises": len(created),
        "duration_s": duration_s,
        "timed_per_exercise": len(timed),
        "manual_per_exercise": len(first["injects"]) - len(timed),
        "expected": len(created) * len(timed),
        "delivered": len(delays),
        "missing": missing[:50],
        "missing_count": len(missing),
        "early": early[:20],
        "finished": len(finished_at),
        "not_running_after_play": sum(1 for p in played.values() if not p["running"]),
        "create_s": create_s,
        "play_spread_s": play_spread,
        "play_rtt": stats([p["back"] - p["sent"] for p in played.values()]),
        "delay": stats(delays),
        "delay_from_return": stats(delays_back),
        "seen": stats(seen),
        "unseen_count": len(unseen),
        "events_error": events.error,
        "events": events.events,
        "polls": polls,
        "poll_errors": poll_errors,
        "window_s": window,
        "server_cpu_s": {"user": su / HZ, "system": ss / HZ},
        "machine": {
            "cpus": os.cpu_count(),
            "busy_cpus": busy_t / all_t * os.cpu_count() if all_t else 0.0,
            "steal_cpus": steal_t / all_t * os.cpu_count() if all_t else 0.0,
            "client_cpu_s": after["client_s"] - before["client_s"],
            "loadavg_before": before["loadavg"],
            "loadavg_after": after["loadavg"],
        },
        "raw_delays": delays,
    }
    with open(a.out, "w") as f:
        json.dump(out, f)
    d = out["delay"]
    print(f"exercises: {out['exercises']} × {a.scenario} at {a.speed}×: {out['delivered']}/{out['expected']} timed injects delivered, "
          f"{out['finished']} finished; delay p50 {d.get('p50', float('nan')):.3f} s, p99 {d.get('p99', float('nan')):.3f} s, "
          f"max {d.get('max', float('nan')):.3f} s; server CPU {(su + ss) / HZ:.1f} s over {window:.0f} s", file=sys.stderr)


def fmt_s(v):
    return "–" if v is None or v != v else f"{v:.3f} s"


def cmd_report(a):
    runs = [json.load(open(p)) for p in a.results]
    tick = a.tick
    print(a.header)
    print()
    print("| exercises | timed injects delivered | delay p50 | p99 | max | min | p99 < 1 tick | seen on /api/v1/events p50 / p99 / max | play request p50 / max |")
    print("|---:|---:|---:|---:|---:|---:|:---:|---:|---:|")
    for r in runs:
        d, s, p = r["delay"], r["seen"], r["play_rtt"]
        ok = "yes" if d.get("p99", float("inf")) < tick else "**no**"
        print(f"| {r['exercises']} | {r['delivered']:,} of {r['expected']:,} | {fmt_s(d.get('p50'))} | {fmt_s(d.get('p99'))} | {fmt_s(d.get('max'))} "
              f"| {fmt_s(d.get('min'))} | {ok} | {fmt_s(s.get('p50'))} / {fmt_s(s.get('p99'))} / {fmt_s(s.get('max'))} "
              f"| {p['p50'] * 1000:.1f} / {p['max'] * 1000:.1f} ms |")
    print()
    for r in runs:
        c, m = r["server_cpu_s"], r["machine"]
        cpu = c["user"] + c["system"]
        ex_min = r["exercises"] * r["window_s"] / 60
        print(f"- {r['exercises']} exercise(s): {r['timed_per_exercise']} timed + {r['manual_per_exercise']} manual injects each (manual ones not delivered, not counted); "
              f"created in {r['create_s']:.1f} s, played within {r['play_spread_s']:.2f} s of each other; "
              f"{r['finished']} of {r['exercises']} finished; measured window {r['window_s']:.0f} s.")
        print(f"  Server CPU over the window: {cpu:.1f} s ({c['user']:.1f} user + {c['system']:.1f} system) = {cpu / r['window_s']:.3f} CPUs, "
              f"{cpu / ex_min * 1000:.1f} ms per exercise-minute. Client: {m['client_cpu_s']:.1f} s CPU, {r['polls']:,} polls "
              f"({r['poll_errors']} not 200), {r['events']:,} events on the stream{'' if not r['events_error'] else ' (stream error: ' + r['events_error'] + ')'}.")
        others = m["busy_cpus"] - cpu / r["window_s"] - m["client_cpu_s"] / r["window_s"]
        print(f"  Machine: {m['busy_cpus']:.2f} of {m['cpus']} CPUs busy on average (everything else: {max(0.0, others):.2f} CPUs; stolen by the host: "
              f"{m['steal_cpus']:.2f}); load average {m['loadavg_before']} before, {m['loadavg_after']} after.")
        problems = []
        if r["missing_count"]:
            problems.append(f"{r['missing_count']} timed injects never delivered, e.g. {r['missing'][:3]}")
        if r["early"]:
            problems.append(f"{len(r['early'])} delivered before their time, e.g. {r['early'][:3]}")
        if r["unseen_count"]:
            problems.append(f"{r['unseen_count']} deliveries never seen on the event stream")
        if r["not_running_after_play"]:
            problems.append(f"{r['not_running_after_play']} clocks not running after play")
        if r["finished"] < r["exercises"]:
            problems.append(f"{r['exercises'] - r['finished']} exercises not finished by the deadline")
        if problems:
            print("  **Problems:** " + "; ".join(problems) + ".")
    if len(runs) == 2:
        b, m = runs
        ratio = m["delay"]["p99"] / b["delay"]["p99"] if b["delay"].get("p99") else float("nan")
        ratio50 = m["delay"]["p50"] / b["delay"]["p50"] if b["delay"].get("p50") else float("nan")
        print()
        print(f"**p99({m['exercises']}) / p99({b['exercises']}) = {ratio:.2f}×** (p50: {ratio50:.2f}×). "
              f"p99 with {m['exercises']} concurrent exercises is {fmt_s(m['delay']['p99'])}: "
              f"{'under' if m['delay']['p99'] < tick else 'not under'} one tick ({tick:g} s).")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--token", required=True, help="a secretariat's bearer token")
    r.add_argument("--pid", type=int, required=True, help="the server's process id (CPU time)")
    r.add_argument("--exercises", type=int, default=100)
    r.add_argument("--scenario", default="energinet-cyberangreb")
    r.add_argument("--speed", type=int, default=60)
    r.add_argument("--poll", type=float, default=5.0, help="seconds between two polls of one exercise")
    r.add_argument("--grace", type=float, default=180.0, help="seconds past the scenario's end (wall) before giving up")
    r.add_argument("--out", required=True)
    r.set_defaults(fn=cmd_run)
    q = sub.add_parser("report")
    q.add_argument("results", nargs="+", help="run results: the baseline first")
    q.add_argument("--header", default="")
    q.add_argument("--tick", type=float, default=1.0)
    q.set_defaults(fn=cmd_report)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
