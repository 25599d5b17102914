#!/usr/bin/env python3
"""Load client for the Kriseservice benchmarks (Python 3.11 standard library only).

N client threads, each with its own keep-alive `http.client.HTTPConnection`, share a fixed
number of requests between them and record every request's latency. Only loopback addresses
are accepted as targets; every loop is bounded by a request count and a deadline.

Sub-commands (all print one JSON object on stdout):
  run       --mode append|healthz   the measured load (throughput, p50, p99, errors)
  incident  create an exercise incident, print its id
  verify    GET …/log/verify, fail unless valid (and, with --expect, of that many entries)
  csv       GET …/log.csv into a file, print its size
  wait      poll /healthz until it answers (bounded)
"""

import argparse
import http.client
import json
import sys
import threading
import time

from common import loopback, percentile, request


def cmd_run(a):
    total, clients = a.total, a.clients
    if not (1 <= clients <= 64 and 1 <= total <= 1_000_000):
        sys.exit("clients must be 1..64 and total 1..1,000,000")
    if a.mode == "append" and not a.incident:
        sys.exit("--incident is required for --mode append")
    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    path = "/healthz" if a.mode == "healthz" else f"/api/v1/incidents/{a.incident}/log"
    expect = 200 if a.mode == "healthz" else 201
    lat = [[] for _ in range(clients)]
    errors = [0] * clients
    bad = [[] for _ in range(clients)]
    start_gate = threading.Barrier(clients + 1)
    deadline_box = [0.0]
    stop = threading.Event()

    def worker(i):
        conn = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
        conn.connect()  # connect before the clock starts: measure requests, not handshakes
        mine, errs, out = lat[i], 0, bad[i]
        start_gate.wait()
        for n in range(shares[i]):  # bounded by this client's share
            if stop.is_set() or time.monotonic() > deadline_box[0]:
                break
            body = None
            if a.mode == "append":
                body = {"category": "information",
                        "text": f"Benchmark entry {i}-{n}: status update from the crisis room, "
                                f"no action required."}
            t0 = time.perf_counter()
            try:
                status, payload = request(conn, "POST" if body else "GET", path, a.token, body)
            except (OSError, http.client.HTTPException) as e:
                status, payload = None, str(e).encode()
                conn.close()
                conn = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
            dt = time.perf_counter() - t0
            if status == expect:
                mine.append(dt)
            else:
                errs += 1
                if len(out) < 3:
                    out.append(f"{status}: {payload[:200]!r}")
                if errs > a.max_errors:
                    stop.set()
                    break
        errors[i] = errs
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    deadline_box[0] = time.monotonic() + a.deadline
    start_gate.wait()
    t_start = time.perf_counter()
    for t in threads:
        t.join(a.deadline + a.timeout + 5)
    wall = time.perf_counter() - t_start
    all_lat = sorted(x for l in lat for x in l)
    ok = len(all_lat)
    result = {
        "mode": a.mode,
        "clients": clients,
        "requested": total,
        "ok": ok,
        "errors": sum(errors),
        "error_samples": [s for b in bad for s in b][:5],
        "wall_s": wall,
        "throughput_per_s": ok / wall if wall > 0 else 0.0,
        "p50_ms": percentile(all_lat, 50) * 1000,
        "p99_ms": percentile(all_lat, 99) * 1000,
        "max_ms": (all_lat[-1] * 1000) if all_lat else float("nan"),
        "mean_ms": (sum(all_lat) / ok * 1000) if ok else float("nan"),
        "deadline_hit": time.monotonic() > deadline_box[0],
    }
    print(json.dumps(result))
    if sum(errors) == 0 and a.allow_partial and ok > 0:
        if ok != total:
            print(f"load: the {a.deadline:.0f} s deadline stopped the run after {ok} of {total} "
                  f"requests", file=sys.stderr)
        return 0
    if ok != total or sum(errors):
        print(f"load: {ok}/{total} requests answered {expect}, {sum(errors)} errors; "
              f"samples: {result['error_samples']}", file=sys.stderr)
        return 1
    return 0


def conn_for(a):
    return http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)


def cmd_incident(a):
    body = {"title": a.title, "kind": "it_breakdown", "affected": ["0250"],
            "channels": ["phone"], "exercise": True}
    status, payload = request(conn_for(a), "POST", "/api/v1/incidents", a.token, body)
    if status != 201:
        sys.exit(f"creating the incident answered {status}: {payload[:300]!r}")
    print(json.dumps({"id": json.loads(payload)["id"]}))
    return 0


def cmd_verify(a):
    status, payload = request(conn_for(a), "GET", f"/api/v1/incidents/{a.incident}/log/verify",
                              a.token)
    if status != 200:
        sys.exit(f"verify answered {status}: {payload[:300]!r}")
    v = json.loads(payload)
    print(json.dumps(v))
    if not v.get("valid") or (a.expect is not None and v.get("entries") != a.expect):
        print(f"verify: expected a valid chain of {a.expect} entries, got {v}", file=sys.stderr)
        return 1
    return 0


def cmd_csv(a):
    conn = conn_for(a)
    conn.request("GET", f"/api/v1/incidents/{a.incident}/log.csv",
                 headers={"Authorization": f"Bearer {a.token}"})
    resp = conn.getresponse()
    if resp.status != 200:
        sys.exit(f"log.csv answered {resp.status}: {resp.read()[:300]!r}")
    size = 0
    with open(a.out, "wb") as f:
        while chunk := resp.read(1 << 20):
            f.write(chunk)
            size += len(chunk)
    print(json.dumps({"bytes": size, "file": a.out}))
    return 0


def cmd_wait(a):
    end = time.monotonic() + a.deadline
    while time.monotonic() < end:  # bounded by the deadline
        try:
            status, _ = request(conn_for(a), "GET", "/healthz")
            if status == 200:
                return 0
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"the server at {a.host}:{a.port} did not answer /healthz within {a.deadline}s")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request socket timeout (s)")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--mode", choices=["append", "healthz"], required=True)
    r.add_argument("--incident")
    r.add_argument("--total", type=int, default=10_000)
    r.add_argument("--clients", type=int, default=8)
    r.add_argument("--deadline", type=float, default=300.0, help="stop sending after this many s")
    r.add_argument("--max-errors", type=int, default=20, help="per client, then stop")
    r.add_argument("--allow-partial", action="store_true",
                   help="succeed when the deadline cut the run short without any error")
    i = sub.add_parser("incident")
    i.add_argument("--title", default="Benchmark")
    v = sub.add_parser("verify")
    v.add_argument("--incident", required=True)
    v.add_argument("--expect", type=int, help="entry count the chain must have")
    c = sub.add_parser("csv")
    c.add_argument("--incident", required=True)
    c.add_argument("--out", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--deadline", type=float, default=30.0)
    a = p.parse_args()
    loopback(a.host)
    return {"run": cmd_run, "incident": cmd_incident, "verify": cmd_verify, "csv": cmd_csv,
            "wait": cmd_wait}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
