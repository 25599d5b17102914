#!/usr/bin/python3
"""Call-out benchmark client for Kriseservice (Debian's Python 3.11 with its aiosmtpd).

Sub-commands:
  sink PORT FILE   an SMTP server on 127.0.0.1:PORT (aiosmtpd) that appends one JSON line per
                   mail to FILE: `time.monotonic_ns()` when the mail's DATA was accepted, the
                   recipients and the subject. It is the "gateway" the server hands messages to.
  run              sets up a crisis staff and shift contacts who verify their e-mail with the code
                   they were mailed, then measures (1) activate -> every primary's first message
                   handed to the SMTP server, 4 roles, and (2) a staffing call -> the message to
                   every one of N shift contacts handed over; peer: the same server's GET /healthz
                   round trip, in the same run. Prints one JSON object.

`CLOCK_MONOTONIC` is one clock for the whole machine, so the sink's timestamps and the client's
are comparable. Only loopback addresses are accepted; every wait has a deadline.
"""

import argparse
import email
import email.policy
import http.client
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import loopback, percentile, request  # noqa: E402

ROLES = ["crisis_leader", "log_keeper", "process_lead", "staffing_lead"]
MEMBERS = ["0250", "0253", "0330", "0840", "1085"]
PASSWORD = "bench-blaa-cykel-ved-havnen"


def sink(port, path):
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            at = time.monotonic_ns()
            msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            body = msg.get_body(("plain",))
            line = {"t": at, "to": list(envelope.rcpt_tos), "subject": str(msg["Subject"]), "body": body.get_content() if body else ""}
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


class Mails:
    """What the sink received, read as it grows."""

    def __init__(self, path):
        self.path, self.offset, self.all = path, 0, []

    def poll(self):
        if not os.path.exists(self.path):
            return self.all
        with open(self.path, encoding="utf-8") as f:
            f.seek(self.offset)
            chunk = f.read()
            # Only whole lines: the sink may be half-way through one.
            whole = chunk[: chunk.rfind("\n") + 1]
            self.offset += len(whole.encode("utf-8"))
        self.all.extend(json.loads(line) for line in whole.splitlines() if line)
        return self.all

    def wait(self, what, pick, count, deadline_s):
        deadline = time.monotonic() + deadline_s
        while True:
            got = [m for m in self.poll() if pick(m)]
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                sys.exit(f"bench/callout: {what}: {len(got)} of {count} mails after {deadline_s} s")
            time.sleep(0.002)


class Api:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, token=None, body=None, session=None, expect=(200, 201, 202)):
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if session:
            headers["Cookie"], headers["X-CSRF-Token"] = session
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status not in expect:
            sys.exit(f"bench/callout: {method} {path}: HTTP {resp.status} {raw[:300]!r}")
        cookie = resp.getheader("Set-Cookie")
        return (json.loads(raw) if raw else None), cookie

    def login(self, addr):
        v, cookie = self.call("POST", "/api/v1/session", body={"email": addr, "password": PASSWORD})
        return (cookie.split(";")[0], v["csrf"])


def code_in(mail):
    for w in mail["body"].split():
        w = w.rstrip(".")
        if len(w) == 6 and w.isdigit():
            return w
    sys.exit(f"bench/callout: no code in {mail['body']!r}")


def setup(api, mails, sec, shift_contacts):
    for code in MEMBERS:
        api.call("PUT", f"/api/v1/organisations/{code}", sec, {"member": True})
    people = []
    for role in ROLES:
        for n in (1, 2):
            people.append((f"{role}{n}@bench.invalid", role, "DDH"))
    for n in range(shift_contacts):
        people.append((f"vagt{n}@bench.invalid", "shift_contact", MEMBERS[n % len(MEMBERS)]))
    t = time.monotonic()
    for i, (addr, role, org) in enumerate(people):
        api.call("POST", "/api/v1/users", sec, {"email": addr, "name": f"Person {i}", "org": org, "role": role, "password": PASSWORD})
        session = api.login(addr)
        m, _ = api.call("POST", "/api/v1/account/contact-methods", body={"channel": "email", "address": addr}, session=session)
        code = code_in(mails.wait(f"code to {addr}", lambda x, a=addr: a in x["to"] and x["subject"].startswith("Din kode"), 1, 30)[0])
        api.call("POST", f"/api/v1/account/contact-methods/{m['id']}/verify", body={"code": code}, session=session)
        if i % 25 == 24:
            print(f"  {i + 1} of {len(people)} people verified", file=sys.stderr)
    for role in ROLES:
        api.call("PUT", f"/api/v1/roster/{role}", sec, {"primary": f"{role}1@bench.invalid", "deputy": f"{role}2@bench.invalid"})
    print(f"  set-up took {time.monotonic() - t:.1f} s", file=sys.stderr)
    return {"crisis_leader": api.login("crisis_leader1@bench.invalid"), "staffing_lead": api.login("staffing_lead1@bench.invalid")}


def new_incident(api, leader, title):
    v, _ = api.call("POST", "/api/v1/incidents", body={"title": title, "kind": "it_breakdown", "affected": ["0250"], "channels": ["phone"]}, session=leader)
    return v["id"]


def activate(api, leader, incident):
    api.call("POST", f"/api/v1/incidents/{incident}/status", body={"status": "active", "note": "Aktiveret"}, session=leader)


def healthz(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    out = []
    for _ in range(n):
        t = time.monotonic_ns()
        status, _ = request(conn, "GET", "/healthz")
        out.append((time.monotonic_ns() - t) / 1e6)
        if status != 200:
            sys.exit(f"bench/callout: /healthz answered {status}")
    return sorted(out)


def summary(ms):
    ms = sorted(ms)
    return {"n": len(ms), "median_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "max_ms": ms[-1]}


def run(args):
    loopback(args.host)
    api = Api(args.port)
    mails = Mails(args.mails)
    sessions = setup(api, mails, args.secretariat_token, args.shift_contacts)
    leader, lead = sessions["crisis_leader"], sessions["staffing_lead"]
    floor = healthz(args.port, 500)

    activation = []
    primaries = {f"{r}1@bench.invalid" for r in ROLES}
    for r in range(args.activations):
        title = f"Bench-udkald {r}"
        incident = new_incident(api, leader, title)
        t0 = time.monotonic_ns()
        activate(api, leader, incident)
        got = mails.wait(title, lambda m, s=f"Udkald: {title}": m["subject"] == s, len(primaries), 60)
        reached = {a for m in got for a in m["to"]}
        if not primaries <= reached:
            sys.exit(f"bench/callout: activation {r} reached {reached}, not every primary")
        activation.append((max(m["t"] for m in got) - t0) / 1e6)

    staffing = []
    for r in range(args.staffing_calls):
        title = f"Bench-bemanding {r}"
        incident = new_incident(api, leader, title)
        activate(api, leader, incident)
        mails.wait(title, lambda m, s=f"Udkald: {title}": m["subject"] == s, len(primaries), 60)
        t0 = time.monotonic_ns()
        api.call("POST", f"/api/v1/incidents/{incident}/staffing-call", body={"need": "12 agenter 14.00-22.00"}, session=lead)
        got = mails.wait(title, lambda m, s=f"Bemandingskald: {title}": m["subject"] == s, args.shift_contacts, 120)
        if len({a for m in got for a in m["to"]}) != args.shift_contacts:
            sys.exit(f"bench/callout: staffing call {r} did not reach {args.shift_contacts} distinct shift contacts")
        staffing.append((max(m["t"] for m in got) - t0) / 1e6)

    print(json.dumps({
        "healthz": summary(floor),
        "activation_4_roles": summary(activation),
        "staffing_call": dict(summary(staffing), recipients=args.shift_contacts),
    }))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sink")
    s.add_argument("port", type=int)
    s.add_argument("file")
    r = sub.add_parser("run")
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--mails", required=True)
    r.add_argument("--secretariat-token", required=True)
    r.add_argument("--shift-contacts", type=int, default=200)
    r.add_argument("--activations", type=int, default=10)
    r.add_argument("--staffing-calls", type=int, default=3)
    a = p.parse_args()
    if a.cmd == "sink":
        sink(a.port, a.file)
    else:
        run(a)


if __name__ == "__main__":
    main()
