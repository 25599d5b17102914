#!/usr/bin/env python3
"""SSE fan-out client for the Kriseservice benchmarks (Python 3.11 standard library only).

`run` opens N `GET /api/v1/events` streams (HTTP/1.1, one TCP connection each, split over one or
more nodes and over W worker processes), confirms that every one answered 200 with
`text/event-stream`, and only then publishes the crisis guide P times (plus one warm-up), a few
seconds apart, from the coordinating process. For every publish it takes `time.monotonic_ns()`
just before the `POST …/guide/publish` request is written; every worker takes
`time.monotonic_ns()` when one of its streams has parsed that version's `guide.published` event.
`CLOCK_MONOTONIC` is one clock for the whole machine on Linux, so the difference is the
publish-to-delivery latency across processes. Every (subscriber, publish) pair must be delivered
exactly once; a missing delivery or a stream that closes is reported loudly and fails the run.

Sub-commands (`run` and `setup` print one JSON object on stdout):
  setup         create and activate an exercise incident, print its id
  run           the measurement described above
  floor-server  a minimal fan-out server (the peer "raw broadcast floor"): the same SSE framing,
                the same endpoints for the client, no database and no per-subscriber work but a
                write of pre-built bytes
  report        print the Markdown tables from the JSON files in a work directory

Only loopback addresses are accepted as targets; every loop is bounded by a count and a deadline.
"""

import argparse
import array
import asyncio
import datetime
import errno
import http.client
import json
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import resource
import select
import socket
import sys
import time

from common import loopback, percentile, request


def receive(sock, eof):
    """One read from a socket that polled ready: (bytes, None); (None, None) when nothing had
    arrived after all; (None, why) when the connection failed or the server closed it (`eof`)."""
    try:
        data = sock.recv(65536)
    except BlockingIOError:
        return None, None
    except OSError as e:
        return None, f"recv: {e}"
    return (data, None) if data else (None, eof)


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, need)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < need:
        sys.exit(f"fanout: need {need} file descriptors, the limit is {soft} (hard {hard}); "
                 f"raise it (ulimit -Hn) or use fewer subscribers")


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Api:
    """One keep-alive HTTP/1.1 connection to a node, for setup and publishing."""

    def __init__(self, host, port, token=None, timeout=60.0):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def call(self, method, path, body=None, token=None):
        try:
            status, payload = request(self.conn, method, path, token or self.token, body)
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            raise
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload
        return status, parsed, payload

    def expect(self, status, method, path, body=None, token=None):
        got, parsed, raw = self.call(method, path, body, token)
        if got != status:
            raise SystemExit(f"fanout: {method} {path} answered {got} (expected {status}): {raw[:400]!r}")
        return parsed


def metrics_sse_clients(host, port):
    api = Api(host, port, timeout=10)
    try:
        _, _, raw = api.call("GET", "/metrics")
    except OSError:
        return None
    finally:
        api.conn.close()
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("kriseservice_sse_clients "):
            return int(float(line.split()[1]))
    return None


# ---------------------------------------------------------------------------------------------
# setup


def cmd_setup(a):
    api = Api(a.host, a.port)
    body = {"title": "Benchmark: SSE fan-out", "kind": "it_breakdown", "affected": ["0250"],
            "channels": ["phone"], "exercise": True}
    inc = api.expect(201, "POST", "/api/v1/incidents", body, token=a.leader)["id"]
    api.expect(200, "POST", f"/api/v1/incidents/{inc}/status", {"status": "active", "note": "Aktiveret"}, token=a.leader)
    api.expect(200, "GET", f"/api/v1/incidents/{inc}/guide/draft", token=a.lead)
    print(json.dumps({"incident": inc}))
    return 0


def guide_for(template, k):
    """A complete guide (every section filled, next update in the future) that differs per k."""
    now = datetime.datetime.now(datetime.timezone.utc)
    g = dict(template)
    g.update({
        "banner": f"Omstillingen er nede – brug kriselinjen (opdatering {k})",
        "scope": "Kommunens omstilling kan ikke tage imod opkald siden kl. 7.40. "
                 "Berørt: Frederikssund Kommune. Kanaler: telefon.",
        "short_status": f"Opdatering {k}: leverandøren arbejder på fejlen.",
        "started_at": rfc3339(now - datetime.timedelta(hours=1)),
        "expected_duration": "Resten af dagen",
        "next_update_at": rfc3339(now + datetime.timedelta(hours=2)),
        "callback_email": "callback@frederikssund.invalid",
        "citizen_summary": "Kommunens telefoner virker ikke. Ring til kriselinjen på 70 10 20 30.",
    })
    return g


# ---------------------------------------------------------------------------------------------
# the subscribers (worker processes)
#
# A hand-written epoll loop over non-blocking sockets rather than asyncio: on this machine asyncio
# spends ~45 µs per readable socket in its own machinery, a plain epoll loop ~6 µs, and the
# client's cost per delivery is part of every figure measured here.

HEAD, LIVE, DEAD = 1, 2, 3


class Sub:
    """One SSE stream: the HTTP/1.1 response head, the chunked body, SSE frames."""

    __slots__ = ("idx", "node", "sock", "state", "head", "body", "sse", "chunked", "cstate",
                 "cneed", "deadline")

    def __init__(self, idx, node, sock, deadline):
        self.idx, self.node, self.sock, self.deadline = idx, node, sock, deadline
        self.state = 0  # 0 connecting, HEAD, LIVE, DEAD
        self.head = bytearray()
        self.body = bytearray()
        self.sse = bytearray()
        self.chunked = False
        self.cstate = 0  # 0 size line, 1 data, 2 CRLF after data, 3 last chunk seen
        self.cneed = 0

    def feed(self, w, data):
        """Returns None, or why the stream cannot be used."""
        if self.state == HEAD:
            self.head += data
            i = self.head.find(b"\r\n\r\n")
            if i < 0:
                return "response head over 64 KiB" if len(self.head) > 65536 else None
            lines = bytes(self.head[:i]).decode("latin-1").split("\r\n")
            rest = bytes(self.head[i + 4:])
            self.head = bytearray()
            parts = lines[0].split(" ", 2)
            status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            hdrs = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            ctype = hdrs.get("content-type", "")
            if status != 200 or not ctype.startswith("text/event-stream"):
                return f"HTTP {status} {ctype or '(no content-type)'}: {rest[:160]!r}"
            self.chunked = "chunked" in hdrs.get("transfer-encoding", "").lower()
            self.state = LIVE
            w.became_live(self)
            if not rest:
                return None
            data = rest
        if self.chunked:
            if self.cstate == 0 and not self.body and not self.sse and self.whole(w, data):
                return None
            self.dechunk(data)
        else:
            self.sse += data
        s = self.sse
        while True:
            i = s.find(b"\n\n")
            if i < 0:
                return None
            frame = bytes(s[:i])
            del s[:i + 2]
            w.frame(self.idx, frame)

    def whole(self, w, data):
        """The usual case, done cheaply: `data` is whole chunks, each holding whole SSE frames (the
        server writes one event per chunk). False, having consumed nothing, when it is not."""
        pos, n, spans = 0, len(data), []
        while pos < n:
            j = data.find(b"\r\n", pos)
            if j < 0:
                return False
            try:
                size = int(data[pos:j], 16)
            except ValueError:
                return False
            start, end = j + 2, j + 2 + size
            if size < 2 or end + 2 > n or data[end:end + 2] != b"\r\n" or data[end - 2:end] != b"\n\n":
                return False
            spans.append((start, end - 2))
            pos = end + 2
        for start, end in spans:
            for frame in data[start:end].split(b"\n\n"):
                w.frame(self.idx, frame)
        return True

    def dechunk(self, data):
        buf = self.body
        buf += data
        pos, n = 0, len(buf)
        while pos < n and self.cstate != 3:
            if self.cstate == 0:
                j = buf.find(b"\r\n", pos)
                if j < 0:
                    break
                size = int(bytes(buf[pos:j]).split(b";")[0], 16)
                pos = j + 2
                if size == 0:
                    self.cstate = 3
                    break
                self.cstate, self.cneed = 1, size
            elif self.cstate == 1:
                take = min(self.cneed, n - pos)
                self.sse += buf[pos:pos + take]
                pos += take
                self.cneed -= take
                if self.cneed == 0:
                    self.cstate, self.cneed = 2, 2
            else:
                take = min(self.cneed, n - pos)
                pos += take
                self.cneed -= take
                if self.cneed == 0:
                    self.cstate = 0
        del buf[:pos]


GUIDE = b"event: guide.published\n"
DECODE = json.JSONDecoder().decode


class Worker:
    def __init__(self, conn, wid, subs, a):
        self.conn, self.wid, self.subs, self.a = conn, wid, subs, a
        self.n = len(subs)
        self.incident = a.incident
        self.arrivals = {}  # version -> array('q') of monotonic ns, 0 = not (yet) delivered
        self.count = {}
        self.dups = 0
        self.foreign = 0
        self.other = {}
        self.closed = []
        self.alive = 0
        self.done_sent = set()

    def became_live(self, sub):
        self.alive += 1

    def frame(self, idx, frame):
        if frame.startswith(b":"):  # a comment: the server's keep-alive
            self.other["(keep-alive)"] = self.other.get("(keep-alive)", 0) + 1
            return
        if GUIDE not in frame:
            k = frame.find(b"event: ")
            name = frame[k + 7:frame.find(b"\n", k)].decode("latin-1") if k >= 0 else "(none)"
            self.other[name] = self.other.get(name, 0) + 1
            return
        data = [line[6:] if line[5:6] == b" " else line[5:]
                for line in frame.split(b"\n") if line.startswith(b"data:")]
        try:
            e = DECODE(b"\n".join(data).decode())
            now = time.monotonic_ns()
            v = e["payload"]["version"]
        except (ValueError, KeyError, TypeError):
            key = "(unreadable guide.published)"
            self.other[key] = self.other.get(key, 0) + 1
            return
        if e.get("incident_id") != self.incident:
            self.foreign += 1
            return
        arr = self.arrivals.get(v)
        if arr is None:
            arr = self.arrivals[v] = array.array("q", bytes(8 * self.n))
            self.count[v] = 0
        if arr[idx]:
            self.dups += 1
            return
        arr[idx] = now
        c = self.count[v] = self.count[v] + 1
        if c >= self.alive and v not in self.done_sent:
            self.done_sent.add(v)
            self.conn.send(("done", self.wid, v, c))

    def lost(self, sub, why):
        if sub.state == LIVE:
            self.alive -= 1
            gidx, node = self.subs[sub.idx][0], sub.node
            self.closed.append((gidx, node, why))
            self.conn.send(("closed", self.wid, gidx, node, why))
        sub.state = DEAD

    def main(self):
        a = self.a
        request = (f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {a.token}\r\nAccept: text/event-stream\r\n"
                   f"Cache-Control: no-cache\r\n\r\n").encode()
        ep = select.epoll(self.n + 8)
        by_fd = {}
        failures = []
        nfail = 0

        def fail(sub, why):
            nonlocal nfail
            nfail += 1
            if len(failures) < 5:
                failures.append(f"node {sub.node}: {why}")
            drop(sub)

        def drop(sub):
            fd = sub.sock.fileno()
            if fd >= 0:
                by_fd.pop(fd, None)
                try:
                    ep.unregister(fd)
                except OSError:
                    pass
            sub.sock.close()
            sub.state = DEAD

        # 1. Open every stream, at most `connect_concurrency` at a time, each within its deadline.
        t0 = time.monotonic()
        todo = list(range(self.n - 1, -1, -1))
        opening = set()
        subs = [None] * self.n
        while todo or opening:
            now = time.monotonic()
            while todo and len(opening) < a.connect_concurrency:
                i = todo.pop()
                _, node, host, port = self.subs[i]
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                sub = subs[i] = Sub(i, node, s, now + a.connect_timeout)
                err = s.connect_ex((host, port))
                if err not in (0, errno.EINPROGRESS):
                    fail(sub, f"connect: {os.strerror(err)}")
                    continue
                by_fd[s.fileno()] = sub
                ep.register(s.fileno(), select.EPOLLOUT)
                opening.add(sub)
            for fd, ev in ep.poll(0.2):
                sub = by_fd.get(fd)
                if sub is None:
                    continue
                if sub.state == 0:
                    err = sub.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        opening.discard(sub)
                        fail(sub, f"connect: {os.strerror(err)}")
                        continue
                    sub.sock.send(request)  # ~200 bytes into an empty socket buffer
                    sub.state = HEAD
                    ep.modify(fd, select.EPOLLIN)
                    continue
                data, gone = receive(sub.sock, "closed by the server before the response head")
                if gone:
                    opening.discard(sub)
                    fail(sub, gone)
                    continue
                if data is None:
                    continue
                bad = sub.feed(self, data)
                if bad:
                    opening.discard(sub)
                    fail(sub, bad)
                elif sub.state == LIVE:
                    opening.discard(sub)
            now = time.monotonic()
            for sub in [s for s in opening if s.deadline < now]:
                opening.discard(sub)
                fail(sub, f"no response head within {a.connect_timeout:.0f} s")
        self.conn.send(("ready", self.wid, self.alive, nfail, failures, time.monotonic() - t0))

        # 2. Read until told to finish.
        pipe = self.conn.fileno()
        ep.register(pipe, select.EPOLLIN)
        finishing = False
        while not finishing:
            for fd, ev in ep.poll(1.0):
                if fd == pipe:
                    if self.conn.recv() == "finish":
                        finishing = True
                    continue
                sub = by_fd.get(fd)
                if sub is None:
                    continue
                data, gone = receive(sub.sock, "closed by the server (EOF)")
                if gone:
                    self.lost(sub, gone)
                    drop(sub)
                    continue
                if data is None:
                    continue
                bad = sub.feed(self, data)
                if bad:
                    self.lost(sub, bad)
                    drop(sub)
        live_at_end = sum(1 for s in subs if s is not None and s.state == LIVE)
        for s in subs:
            if s is not None and s.state != DEAD:
                s.sock.close()
        ru = resource.getrusage(resource.RUSAGE_SELF)
        self.conn.send(("result", self.wid, {
            "subs": [(g, node) for g, node, _, _ in self.subs],
            "arrivals": {v: arr.tobytes() for v, arr in self.arrivals.items()},
            "dups": self.dups, "foreign": self.foreign, "other": self.other,
            "closed": self.closed, "live_at_end": live_at_end,
            "cpu_s": ru.ru_utime + ru.ru_stime,
        }))


def worker_main(conn, wid, subs, a):
    raise_nofile(len(subs) + 64)
    try:
        Worker(conn, wid, subs, a).main()
    except BaseException:
        import traceback
        traceback.print_exc()
        sys.stderr.flush()
        raise


# ---------------------------------------------------------------------------------------------
# CPU accounting from /proc (read only)

HZ = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / HZ
    except OSError:
        return 0.0


def postgres_cpu():
    total = 0.0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
            except OSError:
                continue
            total += proc_cpu(d)
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def system_cpu():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) / HZ, (sum(v[:8]) - idle) / HZ


# ---------------------------------------------------------------------------------------------
# run


def cmd_run(a):
    nodes = []
    for spec in a.node:
        host, _, port = spec.rpartition(":")
        nodes.append((loopback(host or "127.0.0.1"), int(port)))
    if not (1 <= a.subscribers <= 50_000 and 1 <= a.publishes <= 1000 and 1 <= a.procs <= 16):
        sys.exit("subscribers must be 1..50,000, publishes 1..1,000, procs 1..16")
    pub_host, pub_port = nodes[0]
    raise_nofile(64)
    # Subscriber i listens on node i mod len(nodes); worker i mod procs holds it.
    shares = [[] for _ in range(a.procs)]
    for i in range(a.subscribers):
        node = i % len(nodes)
        shares[i % a.procs].append((i, node, *nodes[node]))
    ctx = mp.get_context("fork")
    conns, procs = [], []
    for w in range(a.procs):
        parent, child = ctx.Pipe()
        p = ctx.Process(target=worker_main, args=(child, w, shares[w], a), daemon=True)
        p.start()
        child.close()
        conns.append(parent)
        procs.append(p)

    api = Api(pub_host, pub_port, a.lead)
    pending = []  # messages from workers, in order

    listening = list(conns)
    results = {}

    def pump(timeout):
        for c in mpc.wait(listening, timeout):
            try:
                pending.append(c.recv())
            except EOFError:
                listening.remove(c)
                if conns.index(c) not in results:
                    sys.exit("fanout: a worker process died (see above)")

    closed = []
    done = {}

    def absorb(kind):
        out = []
        for m in pending:
            if m[0] == kind:
                out.append(m)
            elif m[0] == "closed":
                closed.append(m[2:])
                if len(closed) <= 10:
                    print(f"fanout: !!! STREAM CLOSED: subscriber {m[2]} on node {m[3]}: {m[4]}",
                          file=sys.stderr)
                elif len(closed) in (100, 1000, 10000):
                    print(f"fanout: !!! {len(closed)} STREAMS CLOSED so far", file=sys.stderr)
            elif m[0] == "done":
                done.setdefault(m[2], set()).add(m[1])
        pending.clear()
        return out

    # 1. Open every stream; all must be live before the first publish.
    t_open = time.monotonic()
    ready = {}
    deadline = t_open + a.open_deadline
    while len(ready) < a.procs and time.monotonic() < deadline:
        pump(1.0)
        for m in absorb("ready"):
            ready[m[1]] = m
    if len(ready) < a.procs:
        sys.exit(f"fanout: the streams were not all open within {a.open_deadline:.0f} s")
    open_s = time.monotonic() - t_open
    t_live = time.monotonic()
    live = sum(m[2] for m in ready.values())
    failed = sum(m[3] for m in ready.values())
    samples = [s for m in ready.values() for s in m[4]][:8]
    server_side = [metrics_sse_clients(h, p) for h, p in nodes]
    print(f"fanout: {live:,} of {a.subscribers:,} streams answered 200 text/event-stream in "
          f"{open_s:.1f} s; the nodes count {server_side} open SSE clients", file=sys.stderr)
    if failed or live != a.subscribers:
        print(f"fanout: !!! {failed:,} streams FAILED to open; samples: {samples}", file=sys.stderr)
        for c in conns:
            c.send("finish")
        sys.exit(1)

    # 2. Publish: one warm-up (not counted), then the measured ones.
    status, got, raw = api.call("GET", f"/api/v1/incidents/{a.incident}/guide/draft")
    template = (got or {}).get("draft") if status == 200 and isinstance(got, dict) else None
    if template is None:
        sys.exit(f"fanout: reading the draft answered {status}: {raw[:300]!r}")
    pids = [int(x) for x in a.server_pid]
    cpu0 = None
    pubs = []
    for k in range(a.publishes + a.warmup):
        api.expect(200, "PUT", f"/api/v1/incidents/{a.incident}/guide",
                   guide_for(template, f"{a.label} {k}"))
        time.sleep(a.gap)
        if k == a.warmup:
            cpu0 = (system_cpu(), [proc_cpu(p) for p in pids], [proc_cpu(p.pid) for p in procs],
                    proc_cpu(os.getpid()), postgres_cpu(), time.monotonic())
        c0 = [proc_cpu(p) for p in pids], [proc_cpu(p.pid) for p in procs]
        t0 = time.monotonic_ns()
        status, got, raw = api.call("POST", f"/api/v1/incidents/{a.incident}/guide/publish")
        t1 = time.monotonic_ns()
        if status != 201:
            sys.exit(f"fanout: publish {k} answered {status}: {raw[:300]!r}")
        v = got["version"]
        end = time.monotonic() + a.deliver_timeout
        while len(done.get(v, ())) < a.procs and time.monotonic() < end:
            pump(0.05)
            absorb("-")
        t_done = time.monotonic_ns()
        c1 = [proc_cpu(p) for p in pids], [proc_cpu(p.pid) for p in procs]
        complete = len(done.get(v, ())) == a.procs
        if not complete:
            print(f"fanout: !!! publish {k} (version {v}): not every stream had it after "
                  f"{a.deliver_timeout:.0f} s", file=sys.stderr)
        pubs.append({"k": k, "version": v, "t0": t0, "t1": t1, "t_done": t_done,
                     "warmup": k < a.warmup, "complete": complete,
                     # seconds since every stream was open (the server re-checks each stream's
                     # credential every 30 s after it opened)
                     "at_s": t0 / 1e9 - t_live,
                     "server_cpu_ms": 1000 * sum(y - x for x, y in zip(c0[0], c1[0])),
                     "client_cpu_ms": 1000 * sum(y - x for x, y in zip(c0[1], c1[1]))})
    cpu1 = (system_cpu(), [proc_cpu(p) for p in pids], [proc_cpu(p.pid) for p in procs],
            proc_cpu(os.getpid()), postgres_cpu(), time.monotonic())

    # 3. Collect.
    server_side_end = [metrics_sse_clients(h, p) for h, p in nodes]
    for c in conns:
        c.send("finish")
    end = time.monotonic() + 120
    while len(results) < a.procs and time.monotonic() < end:
        pump(1.0)
        for m in absorb("result"):
            results[m[1]] = m[2]
    for p in procs:
        p.join(10)
    if len(results) < a.procs:
        sys.exit("fanout: not every worker returned its results")

    measured = [p for p in pubs if not p["warmup"]]
    lat_all, lat_node = [], [[] for _ in nodes]
    per_pub = []
    missing = 0
    dups = sum(r["dups"] for r in results.values())
    for p in measured:
        v, t0 = p["version"], p["t0"]
        lat_p = []
        for r in results.values():
            raw_arr = r["arrivals"].get(v)
            arr = array.array("q")
            if raw_arr is not None:
                arr.frombytes(raw_arr)
            for j, (_, node) in enumerate(r["subs"]):
                t = arr[j] if raw_arr is not None else 0
                if t == 0:
                    missing += 1
                    continue
                d = (t - t0) / 1e6
                lat_p.append(d)
                lat_node[node].append(d)
        lat_all.extend(lat_p)
        lat_p.sort()
        per_pub.append({"version": v, "at_s": p["at_s"], "server_cpu_ms": p["server_cpu_ms"],
                        "client_cpu_ms": p["client_cpu_ms"],
                        "wall_ms": (p["t_done"] - t0) / 1e6,
                        "publish_ms": (p["t1"] - t0) / 1e6, "delivered": len(lat_p),
                        "first_ms": lat_p[0] if lat_p else None,
                        "p50_ms": percentile(lat_p, 50), "p99_ms": percentile(lat_p, 99),
                        "max_ms": lat_p[-1] if lat_p else None})
    lat_all.sort()
    for l in lat_node:
        l.sort()
    pub_lat = sorted((p["t1"] - p["t0"]) / 1e6 for p in measured)
    expected = a.subscribers * len(measured)

    (sys0, busy0), srv0, wk0, me0, pg0, w0 = cpu0
    (sys1, busy1), srv1, wk1, me1, pg1, w1 = cpu1
    wall = w1 - w0
    server_cpu = [b - c for b, c in zip(srv1, srv0)]
    client_cpu = sum(b - c for b, c in zip(wk1, wk0)) + (me1 - me0)
    pg_cpu = pg1 - pg0
    busy = busy1 - busy0
    other = busy - sum(server_cpu) - client_cpu - pg_cpu

    def stats(l):
        return {"n": len(l), "p50_ms": percentile(l, 50), "p99_ms": percentile(l, 99),
                "max_ms": l[-1] if l else float("nan"),
                "mean_ms": sum(l) / len(l) if l else float("nan")}

    out = {
        "label": a.label, "nodes": [f"{h}:{p}" for h, p in nodes], "subscribers": a.subscribers,
        "procs": a.procs, "publishes": len(measured), "warmup": a.warmup, "gap_s": a.gap,
        "open_s": open_s, "sse_clients_reported": server_side,
        "sse_clients_reported_end": server_side_end,
        "expected": expected, "delivered": len(lat_all), "missing": missing, "duplicates": dups,
        "foreign": sum(r["foreign"] for r in results.values()),
        "closed": [list(c) for r in results.values() for c in r["closed"]],
        "other_events": {k: sum(r["other"].get(k, 0) for r in results.values())
                         for k in {k for r in results.values() for k in r["other"]}},
        "delivery": stats(lat_all),
        "delivery_by_node": [stats(l) for l in lat_node],
        "publish": {"p50_ms": percentile(pub_lat, 50), "p99_ms": percentile(pub_lat, 99),
                    "max_ms": pub_lat[-1], "min_ms": pub_lat[0]},
        "per_publish": per_pub,
        "cpu": {"wall_s": wall, "cpus": os.cpu_count(), "server_s": server_cpu,
                "client_s": client_cpu, "postgres_s": pg_cpu, "other_s": other,
                "busy_share": busy / (wall * os.cpu_count()) if wall > 0 else None},
        "loadavg": loadavg(),
    }
    print(json.dumps(out))
    d = out["delivery"]
    print(f"fanout: {a.label}: {len(lat_all):,}/{expected:,} deliveries; p50 {d['p50_ms']:.1f} ms, "
          f"p99 {d['p99_ms']:.1f} ms, max {d['max_ms']:.1f} ms; publish request p50 "
          f"{out['publish']['p50_ms']:.1f} ms", file=sys.stderr)
    bad = missing or dups or out["closed"] or out["foreign"] or not all(p["complete"] for p in pubs)
    if bad:
        print(f"fanout: !!! {a.label}: {missing:,} MISSING deliveries, {dups} duplicates, "
              f"{len(out['closed'])} streams closed, {out['foreign']} foreign events — the run "
              f"FAILED", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# the floor: a minimal fan-out server with the same framing


class Floor:
    def __init__(self):
        self.streams = set()
        self.version = 0
        self.seq = 1000


class FloorConn(asyncio.Protocol):
    def __init__(self, floor):
        self.f, self.t, self.buf, self.streaming = floor, None, bytearray(), False

    def connection_made(self, t):
        self.t = t

    def connection_lost(self, exc):
        self.f.streams.discard(self)

    def respond(self, status, body, ctype="application/json"):
        reason = {200: "OK", 201: "Created", 404: "Not Found"}[status]
        self.t.write(f"HTTP/1.1 {status} {reason}\r\ncontent-type: {ctype}\r\n"
                     f"content-length: {len(body)}\r\n\r\n".encode() + body)

    def data_received(self, data):
        if self.streaming:
            return
        self.buf += data
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                return
            lines = bytes(self.buf[:i]).decode("latin-1").split("\r\n")
            length = 0
            for line in lines[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
            if len(self.buf) < i + 4 + length:
                return
            del self.buf[:i + 4 + length]
            method, path = lines[0].split(" ")[:2]
            self.handle(method, path)
            if self.streaming:
                return

    def handle(self, method, path):
        f = self.f
        if method == "GET" and path.startswith("/api/v1/events"):
            self.t.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                         b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n")
            self.streaming = True
            f.streams.add(self)
        elif method == "GET" and path == "/healthz":
            self.respond(200, b"ok\n", "text/plain")
        elif method == "GET" and path == "/metrics":
            self.respond(200, f"kriseservice_sse_clients {len(f.streams)}\n".encode(), "text/plain")
        elif method == "GET" and path.endswith("/guide/draft"):
            self.respond(200, b'{"draft":{}}')
        elif method == "PUT" and path.endswith("/guide"):
            self.respond(200, b'{"draft":{}}')
        elif method == "POST" and path.endswith("/guide/publish"):
            incident = path.split("/")[4]
            f.version += 1
            self.respond(201, json.dumps({"version": f.version}).encode())
            asyncio.get_running_loop().call_soon(broadcast, f, incident, f.version)
        else:
            self.respond(404, b"{}")


def sse_chunk(seq, kind, incident, at, payload):
    data = json.dumps({"seq": seq, "kind": kind, "incident_id": incident, "affected": ["0250"],
                       "at": at, "payload": payload}, separators=(",", ":"), ensure_ascii=False,
                      sort_keys=True)
    ev = f"id: {seq}\nevent: {kind}\ndata: {data}\n\n".encode()
    return f"{len(ev):x}\r\n".encode() + ev + b"\r\n"


def broadcast(f, incident, version):
    """What the real server sends for one publish (its log entry, then the guide event, the same
    fields and about the same size), built once and written to every stream."""
    f.seq += 2
    at = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    entry = {"at": at, "author": {"name": "Bench Process Lead", "org": "DDH", "role": "process_lead",
                                  "user_id": "00000000-0000-4000-8000-000000000001"},
             "category": "information", "corrects": None, "hash": "f" * 64,
             "incident_id": incident, "prev_hash": "e" * 64, "seq": version + 2,
             "text": f"Beredskabsguiden offentliggjort som version {version}."}
    chunk = (sse_chunk(f.seq - 1, "log.appended", incident, at, entry)
             + sse_chunk(f.seq, "guide.published", incident, at,
                         {"banner": "Omstillingen er nede – brug kriselinjen (opdatering 1)",
                          "incident_id": incident, "version": version}))
    for s in list(f.streams):
        s.t.write(chunk)


def cmd_floor_server(a):
    raise_nofile(a.max_streams + 64)

    async def main():
        f = Floor()
        server = await asyncio.get_running_loop().create_server(
            lambda: FloorConn(f), a.host, a.port, backlog=4096)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0


# ---------------------------------------------------------------------------------------------
# report


def cmd_report(a):
    def load(name):
        p = os.path.join(a.work, name)
        if not os.path.exists(p):
            return None
        with open(p) as fh:
            return json.load(fh)

    meta = load("meta.json") or {}
    runs = [(c, n, load(f"{c}.{n}.json")) for c in ("sqlite", "floor", "postgres")
            for n in ("baseline", "main")]
    runs = [(c, n, r) for c, n, r in runs if r]
    names = {"sqlite": "1 node, SQLite", "postgres": "2 nodes, PostgreSQL",
             "floor": "raw broadcast floor (Python)"}
    print(f"Kriseservice SSE fan-out — {meta.get('date', '?')}, {meta.get('cpus', '?')} CPUs, "
          f"{meta.get('publishes', '?')} measured publishes per row ({meta.get('gap', '?')} s apart, "
          f"after 1 warm-up), client: {meta.get('procs', '?')} worker processes")
    print()
    print("| configuration | subscribers | deliveries | publish request p50 / p99 | delivery p50 "
          "| p99 | max | p99 < 1 s |")
    print("|---|---:|---:|---:|---:|---:|---:|:-:|")
    for c, n, r in runs:
        d, p = r["delivery"], r["publish"]
        ok = "yes" if d["p99_ms"] < 1000 else "**no**"
        dl = f"{r['delivered']:,} / {r['expected']:,}"
        if r["delivered"] != r["expected"]:
            dl = f"**{dl} MISSING {r['expected'] - r['delivered']:,}**"
        print(f"| {names[c]} | {r['subscribers']:,} | {dl} | {p['p50_ms']:.1f} / {p['p99_ms']:.1f} ms "
              f"| {d['p50_ms']:.1f} ms | {d['p99_ms']:.1f} ms | {d['max_ms']:.1f} ms | {ok} |")
        if len(r["nodes"]) > 1:
            for i, s in enumerate(r["delivery_by_node"]):
                role = "publisher's node" if i == 0 else "other node"
                print(f"| ↳ node {'AB'[i] if i < 2 else i} ({role}) | {s['n'] // max(1, r['publishes']):,} "
                      f"| {s['n']:,} | | {s['p50_ms']:.1f} ms | {s['p99_ms']:.1f} ms "
                      f"| {s['max_ms']:.1f} ms | |")
    print()
    by = {(c, n): r for c, n, r in runs}
    for c in ("sqlite", "postgres"):
        m, b = by.get((c, "main")), by.get((c, "baseline"))
        if m and b:
            dm, db = m["delivery"], b["delivery"]
            print(f"- {names[c]}: {m['subscribers']:,} vs {b['subscribers']:,} subscribers "
                  f"(peer, same servers, same run): p50 {dm['p50_ms'] / db['p50_ms']:.1f}×, "
                  f"p99 {dm['p99_ms'] / db['p99_ms']:.1f}×, max {dm['max_ms'] / db['max_ms']:.1f}×; "
                  f"the publish request itself: p50 {m['publish']['p50_ms'] / b['publish']['p50_ms']:.1f}×.")
    for c, n, r in runs:
        if n != "main" or not r["per_publish"]:
            continue
        srv = sorted(p["server_cpu_ms"] for p in r["per_publish"])
        cli = sorted(p["client_cpu_ms"] for p in r["per_publish"])
        k = r["subscribers"]
        print(f"- {names[c]}, {k:,} subscribers: CPU per publish (median over the publishes, "
              f"until the last delivery): server {percentile(srv, 50):.0f} ms "
              f"({1000 * percentile(srv, 50) / k:.0f} µs per subscriber), client "
              f"{percentile(cli, 50):.0f} ms ({1000 * percentile(cli, 50) / k:.0f} µs per subscriber).")
    f, s = by.get(("floor", "main")), by.get(("sqlite", "main"))
    if f and s:
        print(f"- 1 node, SQLite vs the raw broadcast floor at {f['subscribers']:,} subscribers "
              f"(same client): p50 {s['delivery']['p50_ms'] / f['delivery']['p50_ms']:.1f}×, "
              f"p99 {s['delivery']['p99_ms'] / f['delivery']['p99_ms']:.1f}×.")
    pg = by.get(("postgres", "main"))
    if pg and s:
        print(f"- 2 nodes, PostgreSQL ÷ 1 node, SQLite at {pg['subscribers']:,} subscribers: "
              f"p50 {pg['delivery']['p50_ms'] / s['delivery']['p50_ms']:.2f}×, "
              f"p99 {pg['delivery']['p99_ms'] / s['delivery']['p99_ms']:.2f}×.")
    print()
    print("CPU during the measured publishes (CPU-seconds, from /proc; wall = the publish phase):")
    print()
    print("| run | wall | server(s) | client | PostgreSQL | everything else | machine busy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for c, n, r in runs:
        u = r["cpu"]
        print(f"| {names[c]}, {r['subscribers']:,} | {u['wall_s']:.0f} s | "
              f"{' + '.join(f'{x:.2f}' for x in u['server_s']) or '–'} s | {u['client_s']:.2f} s "
              f"| {u['postgres_s']:.2f} s | {u['other_s']:.2f} s "
              f"| {100 * (u['busy_share'] or 0):.0f} % |")
    print()
    print("Per publish, main runs: seconds since all streams were open — delivery p50 / p99 / max "
          "(ms) — CPU of the server(s) / of the client from just before the publish until the last "
          "delivery (ms, 10 ms ticks)")
    print()
    for c, n, r in runs:
        if n != "main":
            continue
        rows = ", ".join(f"{p['at_s']:.0f} s: {p['p50_ms']:.0f}/{p['p99_ms']:.0f}/{p['max_ms']:.0f} "
                         f"({p['server_cpu_ms']:.0f}/{p['client_cpu_ms']:.0f})"
                         for p in r["per_publish"])
        print(f"- {names[c]}: {rows}")
    print()
    if meta.get("duration_s") is not None:
        print(f"Total run time: {meta['duration_s']} s, of which {meta.get('build_s', 0)} s build; "
              f"load average before the run: {meta.get('load_before', '?')}")
    return 0


# ---------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--leader", required=True, help="a crisis leader's token (create, activate)")
    s.add_argument("--lead", required=True, help="a process lead's token (the guide)")
    r = sub.add_parser("run")
    r.add_argument("--node", action="append", required=True,
                   help="host:port of a node; repeat for several; the first one is published to")
    r.add_argument("--label", required=True)
    r.add_argument("--incident", required=True)
    r.add_argument("--token", required=True, help="the subscribers' bearer token")
    r.add_argument("--lead", required=True, help="the publisher's (process lead's) token")
    r.add_argument("--subscribers", type=int, default=10_000)
    r.add_argument("--publishes", type=int, default=20)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--gap", type=float, default=3.0, help="seconds before each publish")
    r.add_argument("--procs", type=int, default=2, help="subscriber worker processes")
    r.add_argument("--connect-concurrency", type=int, default=100, help="per worker")
    r.add_argument("--connect-timeout", type=float, default=60.0)
    r.add_argument("--open-deadline", type=float, default=300.0)
    r.add_argument("--deliver-timeout", type=float, default=30.0)
    r.add_argument("--server-pid", action="append", default=[], help="for CPU accounting")
    f = sub.add_parser("floor-server")
    f.add_argument("--host", default="127.0.0.1")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--max-streams", type=int, default=10_000)
    rep = sub.add_parser("report")
    rep.add_argument("work")
    a = p.parse_args()
    if getattr(a, "host", None):
        loopback(a.host)
    return {"setup": cmd_setup, "run": cmd_run, "floor-server": cmd_floor_server,
            "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
