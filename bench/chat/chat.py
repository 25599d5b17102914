"""Helper of bench/chat/run (Python 3.11, standard library only).

  setup   load the crisis scenarios of bench/chat-eval as live crises over the JSON API, wait
          for the chatbot to follow the publications, check sample answers and that every
          question is answered with 200, and write the wrk bodies (one JSON body a line)
  inquiries  the "not covered" inquiries recorded for those crises (background writes)
  report  the tables, from the wrk outputs of the rounds and the results of paced.py
"""

import argparse
import collections
import glob
import json
import re
import statistics
import sys
import time
import urllib.error
import urllib.request

# Five questions whose kind is known: a bench must not measure a broken service.
# (message, municipality, kind, scenario the answer must come from)
SAMPLES = [
    ("hvornår kommer strømmen igen", "0250", "answer", "power_cut"),
    ("hvad er der galt med vandet i odense syd", "0461", "answer", "water_supply"),
    ("hej", "0250", "greeting", None),
    ("kan jeg tale med et menneske", "0101", "person", None),
    ("hvordan søger jeg om byggetilladelse til en carport", "0250", "off_topic", None),
]


def fail(msg):
    sys.exit(f"bench/chat: {msg}")


def call(port, method, path, body=None, token=None, want=200):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if status != want:
        fail(f"{method} {path} answered {status}, expected {want}: {raw[:400]!r}")
    return json.loads(raw)


CHATS = 0  # chatbot requests of the set-up; each opens a new conversation, as wrk's do


def chat(port, message, municipality=None):
    global CHATS
    CHATS += 1
    body = {"message": message}
    if municipality:
        body["municipality"] = municipality
    return call(port, "POST", "/api/v1/chat", body)


def sample_problems(port, incidents):
    problems = []
    for message, municipality, kind, scenario in SAMPLES:
        r = chat(port, message, municipality)
        source = (r.get("source") or {}).get("incident")
        if r["kind"] != kind or (scenario and source != incidents[scenario]):
            problems.append(f"'{message}' ({municipality}): {r['kind']} from {source}, expected {kind}"
                            + (f" from the {scenario} crisis {incidents[scenario]}" if scenario else ""))
    return problems


def setup(a):
    incidents = {}
    for path in sorted(glob.glob(f"{a.scenarios}/*.json")):
        s = json.load(open(path, encoding="utf-8"))
        new = {"title": s["title"], "kind": s["kind"], "affected": s["affected"],
               "channels": ["phone", "chat"], "exercise": False}
        inc = call(a.port, "POST", "/api/v1/incidents", new, a.leader, want=201)["id"]
        call(a.port, "POST", f"/api/v1/incidents/{inc}/status", {"status": "active", "note": "Aktiveret"}, a.leader)
        guide = s["guide"]
        # Publishing needs the area and each row's question; the older scenarios have neither.
        guide.setdefault("affected_area", s["title"])
        for row in guide["situations"]:
            row.setdefault("question", row["situation"])
        call(a.port, "PUT", f"/api/v1/incidents/{inc}/guide", guide, a.lead)
        call(a.port, "POST", f"/api/v1/incidents/{inc}/guide/publish", None, a.lead, want=201)
        incidents[s["name"]] = inc
    if len(incidents) != 6:
        fail(f"expected 6 scenarios in {a.scenarios}, found {len(incidents)}")

    # The chatbot follows publications within a second: wait until every sample is as expected.
    deadline = time.monotonic() + 15
    while problems := sample_problems(a.port, incidents):
        if time.monotonic() > deadline:
            fail("wrong replies 15 s after publishing:\n  " + "\n  ".join(problems))
        time.sleep(0.2)
    for message, municipality, kind, _ in SAMPLES:
        print(f"  ok  {kind:12} {message} ({municipality})", file=sys.stderr)

    # Every question once (each must be 200); the bodies wrk cycles through.
    kinds = collections.Counter()
    with open(a.bodies, "w", encoding="utf-8") as out:
        for line in open(a.questions, encoding="utf-8"):
            q = json.loads(line)
            body = {"message": q["q"]}
            if q.get("municipality"):
                body["municipality"] = q["municipality"]
            kinds[chat(a.port, body["message"], body.get("municipality"))["kind"]] += 1
            out.write(json.dumps(body, ensure_ascii=False) + "\n")
    json.dump({"incidents": incidents, "kinds": dict(kinds.most_common()), "chats": CHATS}, sys.stdout)
    print()


def inquiries(a):
    incidents = json.load(open(a.setup))["incidents"]
    print(sum(call(a.port, "GET", f"/api/v1/incidents/{i}/inquiries/summary", token=a.leader)["total"]
              for i in incidents.values()))


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def ms(v):
    n, u = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * UNITS[u]


def requests(text):
    return int(re.search(r"(\d+) requests in", text).group(1))


def parse(work, name, r, hz):
    text = open(f"{work}/{name}.{r}.wrk").read()
    warmup = requests(open(f"{work}/{name}.{r}.warmup").read())
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", text, re.M))
    reqs = requests(text)
    ticks = sum(map(int, open(f"{work}/{name}.{r}.cpu").read().split()))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), "reqs": reqs,
            "p50": ms(lat["50"]), "p99": ms(lat["99"]), "cpu_us": ticks / hz * 1e6 / reqs,
            "warmup": warmup}


def report(a):
    s = json.load(open(a.setup))
    print(a.header.strip())
    print(f"replies to the 222 questions before the load: "
          + ", ".join(f"{k} {v}" for k, v in s["kinds"].items()))
    print(f"'not covered' inquiries recorded by the chatbot during the whole run: {a.inquiries}")
    if a.rounds:
        print()
        print("## Closed loop (wrk): as many answers/s as 64 connections get, p99 at saturation")
        print()
        report_wrk(a, s)
    if a.paced:
        print()
        print("## Open loop (paced.py): p99 when the 64 connections together offer a fixed rate")
        print()
        report_paced(a)


def lag(d):
    return "–" if d["lag_p99"] is None else f"{d['lag_p99']:.2f} ms"


def report_paced(a):
    c, f = (json.load(open(f"{a.work}/paced.{n}.json")) for n in ("chat", "floor"))
    print("Latency from each request's scheduled send time to the end of its response (an open loop:")
    print("a stall of the server delays the requests due meanwhile and counts against them).")
    print()
    print("| paced | offered | achieved | p50 | p90 | p99 | max | errors | server CPU | client CPU | client send lag p99 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for d, label in ((c, "POST /api/v1/chat"), (f, "GET /healthz (peer)")):
        print(f"| {label} | {d['offered']:,.0f}/s | {d['achieved']:,.0f}/s | {d['p50']:.2f} ms | {d['p90']:.2f} ms "
              f"| {d['p99']:.2f} ms | {d['max']:.2f} ms | {d['errors']} "
              f"| {d['server_cpu_share']:.0%} of a core, {d['server_cpu_per_request_us']:.0f} µs/request "
              f"| {d['client_cpu_share']:.0%} of a core | {lag(d)} |")
    print(f"| chat ÷ floor | | | {c['p50'] / f['p50']:.3g}× | {c['p90'] / f['p90']:.3g}× | {c['p99'] / f['p99']:.3g}× "
          f"| {c['max'] / f['max']:.3g}× | | | | |")
    print()
    for d, label in ((c, "chat"), (f, "floor")):
        if not d["kept"]:
            print(f"- **{label}: the offered rate was NOT kept**: {d['achieved']:,.0f}/s achieved of "
                  f"{d['offered']:,.0f}/s offered ({d['achieved'] / d['offered']:.1%} < 95 %); the figures above do "
                  f"not describe {d['offered']:,.0f}/s ({d['unfinished']:,} of {d['scheduled']:,} requests unfinished; "
                  f"client: {d['client_cpu_share']:.0%} of a core, send lag p99 {lag(d)}; "
                  f"server: {d['server_cpu_share']:.0%} of a core)")
    rate = c["offered"]
    if rate < 1000:
        verdict = f"not tested: {rate:,.0f}/s offered, below the goal's 1,000/s"
    elif not c["kept"]:
        verdict = f"no verdict: the offered {rate:,.0f}/s was not kept (above)"
    # Achieved within 1 % of the offered rate: the window's last answers may arrive just after it closed.
    elif c["achieved"] >= 0.99 * rate and c["errors"] == 0 and c["p99"] < 20:
        verdict = f"**met** ({c['achieved']:,.0f} answers/s achieved, p99 {c['p99']:.2f} ms)"
    else:
        verdict = f"**NOT met** ({c['achieved']:,.0f} answers/s achieved, p99 {c['p99']:.2f} ms)"
    print(f"- goal ≥ 1,000 answers/s with p99 < 20 ms, paced at {rate:,.0f}/s offered: {verdict}")


def report_wrk(a, s):
    runs = [{n: parse(a.work, n, r, a.hz) for n in ("floor", "chat")} for r in range(1, a.rounds + 1)]
    print("Conversations: every chatbot request opens a new one (kept in memory for 30 minutes); the column")
    print("counts those opened before the measured run began (set-up, earlier runs, its own warm-up).")
    print()
    print("| round | run | requests/s | p50 | p99 | server CPU/request | conversations before |")
    print("|---|---|---:|---:|---:|---:|---:|")
    opened = s["chats"]
    for r, run in enumerate(runs, 1):
        for n, label in (("floor", "GET /healthz (peer)"), ("chat", "POST /api/v1/chat")):
            d = run[n]
            before = "–"
            if n == "chat":
                opened += d["warmup"]
                before = f"{opened:,}"
                opened += d["reqs"]
            print(f"| {r} | {label} | {d['rps']:,.0f} | {d['p50']:.2f} ms | {d['p99']:.2f} ms | {d['cpu_us']:.0f} µs | {before} |")
    # The median round by chatbot throughput; its floor is the one measured next to it.
    order = sorted(range(len(runs)), key=lambda i: runs[i]["chat"]["rps"])
    m = order[len(order) // 2]
    c, f = runs[m]["chat"], runs[m]["floor"]
    print()
    print(f"Median round ({m + 1} of {len(runs)}, by answers/s):")
    print()
    print("| | answers/s | p50 | p99 |")
    print("|---|---:|---:|---:|")
    print(f"| chatbot, POST /api/v1/chat | {c['rps']:,.0f} | {c['p50']:.2f} ms | {c['p99']:.2f} ms |")
    print(f"| peer: HTTP floor, GET /healthz | {f['rps']:,.0f} | {f['p50']:.2f} ms | {f['p99']:.2f} ms |")
    print(f"| chat ÷ floor | {c['rps'] / f['rps']:.3g}× | {c['p50'] / f['p50']:.3g}× | {c['p99'] / f['p99']:.3g}× |")
    print()
    print(f"- goal ≥ 1,000 answers/s: {'met' if c['rps'] >= 1000 else 'NOT met'} ({c['rps']:,.0f}/s)")
    print(f"- goal p99 < 20 ms, here at saturation: {'met' if c['p99'] < 20 else 'NOT met'} ({c['p99']:.2f} ms)")
    print(f"- chat throughput over the rounds: {statistics.median(r['chat']['rps'] for r in runs):,.0f}/s median, "
          f"{min(r['chat']['rps'] for r in runs):,.0f}–{max(r['chat']['rps'] for r in runs):,.0f}/s")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    for arg in ("--port", "--leader", "--lead", "--scenarios", "--questions", "--bodies"):
        s.add_argument(arg, required=True)
    i = sub.add_parser("inquiries")
    for arg in ("--port", "--leader", "--setup"):
        i.add_argument(arg, required=True)
    r = sub.add_parser("report")
    for arg in ("--work", "--setup", "--header", "--inquiries"):
        r.add_argument(arg, required=True)
    r.add_argument("--rounds", type=int, required=True, help="wrk rounds (0: none)")
    r.add_argument("--paced", type=int, default=0, help="1: report the paced runs")
    r.add_argument("--hz", type=int, required=True)
    a = p.parse_args()
    {"setup": setup, "inquiries": inquiries, "report": report}[a.cmd](a)


if __name__ == "__main__":
    main()
