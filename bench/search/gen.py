"""A deterministic corpus of Danish everyday guides and agent queries for bench/search.

The text is real: the demo's everyday guides (crates/cli/demo/everyday) and the chatbot's crisis
scenarios (bench/chat-eval/scenarios), cut into sentences and headings. Each synthetic guide is a
real title plus a variant, and 18-45 sentences and headings mostly from guides of the same topic, so documents
have a topic and term statistics look like real guides rather than uniform noise.

Usage: python3 gen.py ROOT OUTDIR [DOCS] [QUERIES]
Writes corpus.jsonl / corpus.csv ({id, municipality, title, body}) and queries.jsonl /
queries.csv ({qid, q, municipality}); the JSONL for the Rust program, the CSV for PostgreSQL.
"""

import collections
import csv
import html
import json
import random
import re
import sys
from pathlib import Path

SEED = 20_000
VARIANTS = [
    "", "", "", "– vejledning", "– spørgsmål og svar", "for pensionister", "for børnefamilier",
    "for nye borgere", "– ofte stillede spørgsmål", "(opdateret)", "– hjælp til borgeren",
    "for virksomheder", "– regler og frister", "– digital selvbetjening", "for pårørende",
    "– åbningstider og kontakt", "i weekenden", "for studerende",
]
# A full stop, then a capital: "kl. 10" and "ca. 2 uger" stay whole.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"])")


def municipalities(root):
    rows = csv.DictReader(open(root / "crates/domain/data/organisations.csv", encoding="utf-8"), delimiter=";")
    return {r["code"]: r["name"] for r in rows if r["kind"] == "municipality"}


def sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.split()) >= 3]


def guide_units(path):
    """(title, [headings and sentences]) of one markdown or HTML guide."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        raw = re.sub(r"<h1>(.*?)</h1>", r"\n# \1\n", raw)
        raw = re.sub(r"<h[2-6]>(.*?)</h[2-6]>", r"\n## \1\n", raw)
        raw = re.sub(r"<title>.*?</title>", "", raw)
        raw = html.unescape(re.sub(r"<[^>]+>", "\n", raw))
    raw = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)  # markdown links: keep the text
    title, units = None, []
    for line in raw.splitlines():
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).replace("**", "").strip()
        if not line:
            continue
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("#"):
            units.append(line.lstrip("#").strip())
        else:
            units.extend(sentences(line))
    return title, units


def load_pool(root, names):
    """topic -> {"titles": [...], "units": [...]} with the home municipality's name as {M}."""
    pool = collections.defaultdict(lambda: {"titles": [], "units": []})
    for path in sorted((root / "crates/cli/demo/everyday").glob("*/*")):
        home = names[path.parent.name]
        title, units = guide_units(path)
        topic = pool[path.stem.split("-")[0]]
        # Guides name their municipality; the synthetic copy names its own.
        mark = lambda s: re.sub(rf"\b{re.escape(home)}", "{M}", s)
        topic["titles"].append(mark(title))
        topic["units"].extend(mark(u) for u in units)
    for path in sorted((root / "bench/chat-eval/scenarios").glob("*.json")):
        s = json.loads(path.read_text(encoding="utf-8"))
        g = s["guide"]
        topic = pool[s["name"]]
        topic["titles"].append(s["title"])
        for text in [g["banner"], g["scope"], g["short_status"], g.get("citizen_summary", "")]:
            topic["units"].extend(sentences(text))
        for sit in g["situations"]:
            topic["titles"].append(sit["situation"])
            topic["units"].append(sit["situation"])
            topic["units"].extend(sentences(sit["action"]) + sentences(sit["citizen_text"]))
    return pool


def corpus(pool, names, n, rng):
    codes = sorted(names)
    topics = sorted(pool)
    everything = [u for t in topics for u in pool[t]["units"]]
    for i in range(n):
        code = rng.choice(codes)
        topic = pool[rng.choice(topics)]
        title = f"{rng.choice(topic['titles'])} {rng.choice(VARIANTS)}".strip()
        k = rng.randint(18, 45)  # sentences and headings: ~300 words
        own = min(len(topic["units"]), round(k * 0.8))
        # The topic's own sentences in their original order read like a guide; a fifth from elsewhere.
        idx = sorted(rng.sample(range(len(topic["units"])), own))
        units = [topic["units"][j] for j in idx] + rng.sample(everything, k - own)
        body = "\n".join(units)
        yield {"id": f"g{i:05d}", "municipality": code, "title": title.replace("{M}", names[code]),
               "body": body.replace("{M}", names[code])}


def typo(word, rng):
    j = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:j] + word[j + 1] + word[j] + word[j + 2:]  # swap two letters
    return word[:j] + word[j + 1:]  # drop one


def queries(root, docs, names, n, rng):
    codes = sorted(names)
    out = []
    for line in open(root / "bench/chat-eval/questions.jsonl", encoding="utf-8"):
        q = json.loads(line)
        out.append((q["q"], q.get("municipality") or rng.choice(codes)))
    words = lambda s: [w for w in re.findall(r"[^\W\d_]+", s.lower()) if len(w) >= 3]
    freq = collections.Counter(w for d in docs for w in words(d["title"] + " " + d["body"]))
    common = {w for w, _ in freq.most_common(150)}  # stop words and the like
    content = lambda s: [w for w in dict.fromkeys(words(s)) if w not in common]
    while len(out) < n:
        d = rng.choice(docs)
        k = rng.choices([1, 2, 3, 4], weights=[30, 35, 20, 15])[0]
        title, body = content(d["title"]), content(d["body"])
        picked = [rng.choice(title)] if title and rng.random() < 0.7 else []
        picked += rng.sample(body, min(len(body), k - len(picked)))
        if rng.random() < 0.1:  # agents mistype
            j = rng.randrange(len(picked))
            if len(picked[j]) >= 5:
                picked[j] = typo(picked[j], rng)
        muni = d["municipality"] if rng.random() < 0.8 else rng.choice(codes)
        out.append((" ".join(picked), muni))
    rng.shuffle(out)
    return [{"qid": i, "q": q, "municipality": m} for i, (q, m) in enumerate(out[:n])]


def write(rows, out, stem, fields):
    with open(out / f"{stem}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(out / f"{stem}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        w.writerows(rows)


def main():
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    n_docs = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
    n_queries = int(sys.argv[4]) if len(sys.argv) > 4 else 2_000
    rng = random.Random(SEED)
    names = municipalities(root)
    pool = load_pool(root, names)
    docs = list(corpus(pool, names, n_docs, rng))
    qs = queries(root, docs, names, n_queries, rng)
    write(docs, out, "corpus", ["id", "municipality", "title", "body"])
    write(qs, out, "queries", ["qid", "q", "municipality"])
    n_units = sum(len(t["units"]) for t in pool.values())
    n_words = sum(len(d["title"].split()) + len(d["body"].split()) for d in docs)
    print(json.dumps({"docs": len(docs), "queries": len(qs), "topics": len(pool), "source_units": n_units,
                      "avg_words": round(n_words / len(docs)), "municipalities": len(names)}))


if __name__ == "__main__":
    main()
