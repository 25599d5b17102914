"""Open-loop, paced load of bench/chat/run (Python 3.11, standard library only).

CONNS keep-alive HTTP/1.1 connections (one asyncio task each, raw streams) together send RATE
requests a second: connection i sends its k-th request at start + k·CONNS/RATE + i/RATE, or as
soon as its previous response is in if that is later. A request's latency runs from its
*scheduled* send time to the end of its response, so a stall of the server (or of this client)
shows in the figures instead of slowing the offered load (no coordinated omission). The first
WARMUP seconds of the schedule are sent but not reported; the next DURATION seconds are.

  python3 paced.py --port P --path /api/v1/chat --bodies BODIES --out RESULT.json [--pid SERVER]
  python3 paced.py --port P --path /healthz --out RESULT.json            (GET without bodies)

Any response other than 200 or a broken connection is an error; the JSON result says how many
(warm-up apart). Achieved = 200 responses to the measured window's requests ÷ the time from the
window's start until the window ended or the last of them was answered, whichever is later (so it
equals the offered rate when every request is answered in time); below 95 % of the offered rate
the result says the rate was not kept. Requests still unsent or unanswered DRAIN seconds after the
schedule ends (far past any useful figure) are counted as unfinished. A short summary goes to
stderr.
"""

import argparse
import asyncio
import json
import os
import sys
import time

DRAIN = 15.0  # seconds after the last scheduled send that the outstanding responses may take


def rank(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    i = max(0, min(len(sorted_values) - 1, -(-q * len(sorted_values) // 100) - 1))
    return sorted_values[int(i)]


def server_ticks(pid):
    if not pid:
        return 0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


class Stats:
    """What one connection saw; shared, so a task cancelled at the end loses nothing."""

    __slots__ = ("lat", "lag", "sent", "ok", "last", "finished", "errors", "warmup_errors", "kinds")

    def __init__(self):
        self.lat = []  # s, measured requests with a response (any status)
        self.lag = []  # s, measured sends the connection was free for: how late this client sent
        self.sent = 0  # requests written inside the measured window
        self.ok = 0  # 200 responses to measured requests
        self.last = 0.0  # when the last measured request was answered
        self.finished = 0  # measured requests answered or failed
        self.errors = 0  # measured requests: non-200 or broken connection
        self.warmup_errors = 0
        self.kinds = {}


def error(st, t, ws, kind):
    if t >= ws:
        st.errors += 1
        st.finished += 1
    else:
        st.warmup_errors += 1
    st.kinds[kind] = st.kinds.get(kind, 0) + 1


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    low = head.lower()
    i = low.find(b"\r\ncontent-length:")
    if i < 0:
        raise ValueError("response without Content-Length")  # (chunked is not expected here)
    length = int(low[i + 17:low.index(b"\r\n", i + 2)])
    if length:
        await reader.readexactly(length)
    return status


async def connection(i, a, requests, t0, ws, we, st):
    loop = asyncio.get_running_loop()
    period = a.connections / a.rate
    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
    n = len(requests)
    r = i * 37 % n  # each connection starts at another question, as chat.lua's threads do
    done = t0
    k = 0
    try:
        while (t := t0 + k * period + i / a.rate) < we:
            k += 1
            now = loop.time()
            if now < t:
                await asyncio.sleep(t - now)
            if writer is None:  # after a broken connection
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
                except OSError as e:
                    error(st, t, ws, f"connect: {e.__class__.__name__}")
                    continue
            sent = loop.time()
            if t >= ws:
                if done <= t:
                    st.lag.append(sent - t)
                if sent < we:
                    st.sent += 1
            writer.write(requests[r])
            r = (r + 1) % n
            try:
                status = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as e:
                error(st, t, ws, e.__class__.__name__)
                writer.close()
                writer = None
                done = loop.time()
                continue
            done = loop.time()
            if status != 200:
                error(st, t, ws, f"HTTP {status}")
            elif t >= ws:
                st.ok += 1
                st.finished += 1
            if t >= ws:
                st.lat.append(done - t)
                st.last = done
    finally:
        if writer is not None:
            writer.close()


async def run(a):
    loop = asyncio.get_running_loop()
    if a.bodies:
        bodies = [line.strip().encode() for line in open(a.bodies, encoding="utf-8") if line.strip()]
        requests = [(f"POST {a.path} HTTP/1.1\r\nHost: 127.0.0.1:{a.port}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(b)}\r\n\r\n").encode() + b for b in bodies]
    else:
        requests = [f"GET {a.path} HTTP/1.1\r\nHost: 127.0.0.1:{a.port}\r\n\r\n".encode()]
    stats = [Stats() for _ in range(a.connections)]
    t0 = loop.time() + 0.5  # after the connections are open
    ws, we = t0 + a.warmup, t0 + a.warmup + a.duration
    snaps = {}

    def snap(name):
        snaps[name] = (loop.time(), time.process_time(), server_ticks(a.pid))

    loop.call_at(ws, snap, "start")
    loop.call_at(we, snap, "end")
    tasks = [asyncio.create_task(connection(i, a, requests, t0, ws, we, st)) for i, st in enumerate(stats)]
    finished, pending = await asyncio.wait(tasks, timeout=we - loop.time() + DRAIN)
    for task in pending:
        task.cancel()
    while "end" not in snaps:  # the last responses may be in before the window closes
        await asyncio.sleep(max(0.0, we - loop.time()) + 0.001)
    await asyncio.gather(*pending, return_exceptions=True)
    for task in finished:
        if task.exception() is not None:
            raise task.exception()
    # The measured requests of the schedule (the same arithmetic as connection()).
    period = a.connections / a.rate
    due = 0
    for i in range(a.connections):
        k = 0
        while (t := t0 + k * period + i / a.rate) < we:
            due += t >= ws
            k += 1
    return stats, snaps, due, ws


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--bodies", help="JSON bodies, one a line, POSTed in turn (without: GET)")
    p.add_argument("--rate", type=float, default=1000.0, help="requests/s offered, all connections together")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--pid", type=int, help="the server's pid, for its CPU time during the measured window")
    p.add_argument("--name", default="")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.rate <= 0 or a.connections <= 0 or a.duration <= 0 or a.warmup < 0:
        sys.exit("paced.py: rate, connections and duration must be positive")

    stats, snaps, due, ws = asyncio.run(run(a))
    lat = sorted(x for st in stats for x in st.lat)
    lag = sorted(x for st in stats for x in st.lag)
    (w0, c0, s0), (w1, c1, s1) = snaps["start"], snaps["end"]
    wall = w1 - w0
    ok = sum(st.ok for st in stats)
    achieved = ok / max(a.duration, max(st.last for st in stats) - ws)
    unfinished = due - sum(st.finished for st in stats)
    kinds = {}
    for st in stats:
        for k, v in st.kinds.items():
            kinds[k] = kinds.get(k, 0) + v
    hz = os.sysconf("SC_CLK_TCK")
    r = {
        "name": a.name, "path": a.path, "connections": a.connections, "duration": a.duration,
        "warmup": a.warmup, "offered": a.rate,
        "sent": sum(st.sent for st in stats) / a.duration,  # requests/s actually written in the window
        "achieved": achieved,  # 200 responses/s received in the window
        "kept": achieved >= 0.95 * a.rate,
        "scheduled": due, "requests": len(lat), "unfinished": unfinished,
        "p50": rank(lat, 50) * 1e3, "p90": rank(lat, 90) * 1e3, "p99": rank(lat, 99) * 1e3,
        "max": (lat[-1] if lat else float("nan")) * 1e3,
        "errors": sum(st.errors for st in stats), "warmup_errors": sum(st.warmup_errors for st in stats),
        "error_kinds": kinds,
        # How late this client itself sent when the connection was free (timer and event loop):
        # part of every latency above, the same for the floor and the chatbot.
        # (None: the connections were never free at a scheduled time, the server was behind throughout.)
        "lag_p50": rank(lag, 50) * 1e3 if lag else None, "lag_p99": rank(lag, 99) * 1e3 if lag else None,
        "client_cpu_s": c1 - c0, "client_cpu_share": (c1 - c0) / wall,
        "server_cpu_s": (s1 - s0) / hz if a.pid else None,
        "server_cpu_share": (s1 - s0) / hz / wall if a.pid else None,
        "server_cpu_per_request_us": (s1 - s0) / hz * 1e6 / max(ok, 1) if a.pid else None,
    }
    json.dump(r, open(a.out, "w"), indent=1)
    print(f"{a.name or a.path}: offered {a.rate:,.0f}/s, sent {r['sent']:,.0f}/s, achieved {achieved:,.0f}/s "
          f"({achieved / a.rate:.1%}); p50 {r['p50']:.2f} ms, p90 {r['p90']:.2f} ms, p99 {r['p99']:.2f} ms, "
          f"max {r['max']:.2f} ms over {len(lat):,} of {due:,} requests"
          + (f" ({unfinished:,} unfinished {DRAIN:.0f} s after the schedule ended)" if unfinished else "")
          + f"; errors {r['errors']} (+{r['warmup_errors']} in the warm-up)"
          + (f" {kinds}" if kinds else "")
          + f"; client CPU {r['client_cpu_s']:.2f} s ({r['client_cpu_share']:.0%} of one core), its send lag "
          + (f"p50 {r['lag_p50']:.2f} ms p99 {r['lag_p99']:.2f} ms" if lag else "– (never free on time)")
          + (f"; server CPU {r['server_cpu_share']:.0%} of one core, {r['server_cpu_per_request_us']:.0f} µs/request"
             if a.pid else ""), file=sys.stderr)
    if not r["kept"]:
        print(f"{a.name or a.path}: the offered rate was NOT kept (achieved {achieved / a.rate:.1%} < 95 %): "
              "these figures do not describe the offered rate", file=sys.stderr)


if __name__ == "__main__":
    main()
