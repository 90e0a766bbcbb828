#!/usr/bin/env python3
"""Check that the queries of bench/queries/unanswerable.txt have no answer in the 50K corpus.

    python3 bench/check_unanswerable.py [--queries FILE] [--corpus FILE.jsonl.zst|.jsonl]
                                        [--show N] [--verbose]

A query passes the mechanical test when no corpus document (title + text) contains ALL of
its content words: lowercased alphanumeric words, stop words and one-letter words removed,
plurals reduced by a simple rule (applied to the documents' words too). A document missing
even one content word cannot be about the query's subject in any useful sense; a document
that has them all might, so such queries must be inspected by hand and then either replaced
or annotated in the query file with a line

    # checked: <query, exactly as written> -> <why the matching documents do not answer it>

The query file: one query a line; lines starting with '#' are comments; a comment line
"## <name>" starts a section (counted separately in the summary, e.g. the near-miss queries).

Prints, for every query with matching documents, their ids, titles and a snippet around the
query's rarest word, then a summary. Exit status 1 if a query with matches has no
"# checked:" note (or if the file has duplicates or empty queries), 0 otherwise.
Standard library only; Python 3.11; needs `zstd` for a .zst corpus.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_QUERIES = HERE / "queries" / "unanswerable.txt"
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "bench" / "corpus50k.jsonl.zst"

# Function words and the filler words of questions ("how do I", "what is the best way to").
# Removing more words makes the test stricter, not looser: fewer words left to match means
# more documents match. So generic verbs/adjectives that say nothing of the subject are here
# too (best, good, make, get, use, ...).
STOP_WORDS = set("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each else ever
few for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom whose why will with would you your yours
yourself yourselves s t don didn doesn isn aren wasn weren shall may might must let
best good better way ways make making get getting use using need want like really much many
one two first new old long know tell explain explained mean means without near me please
vs versus ok right thing things someone something anyone anything every
""".split())
# "won" is NOT a stop word ("who won the 1998 world cup"): it carries the question's meaning.

WORD_RE = re.compile(r"[a-z0-9]+")


def norm(word: str) -> str:
    """Simple plural stripping, the same for queries and documents: berries -> berry,
    classes -> class, dishes -> dish, eggs -> egg. Words ending in -ss, -us, -is are left
    alone (glass, virus, analysis)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    out = []
    for w in WORD_RE.findall(text.lower()):
        if len(w) > 1 and w not in STOP_WORDS:
            n = norm(w)
            if n not in out:
                out.append(n)
    return out


def read_queries(path: Path) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """-> ([(section, query)], {query: note of its '# checked:' line})."""
    queries, checked, section = [], {}, "(none)"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("# checked:"):
            body = line[len("# checked:"):].strip()
            q, _, why = body.partition("->")
            checked[q.strip()] = why.strip()
        elif not line.startswith("#"):
            queries.append((section, line))
    return queries, checked


def corpus_lines(path: Path):
    """Yield the corpus's JSONL lines, decompressing a .zst on the fly (no temporary file)."""
    if path.suffix == ".zst":
        proc = subprocess.Popen(["zstd", "-dc", str(path)], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        for line in proc.stdout:
            yield line
        if proc.wait() != 0:
            sys.exit(f"zstd -dc {path} failed ({proc.returncode})")
    else:
        with open(path, "rb") as f:
            yield from f


def snippet(text: str, word: str, width: int = 90) -> str:
    """Text around the first occurrence of `word` (or its plural), for the inspection."""
    m = re.search(r"\b" + re.escape(word) + r"(e?s)?\b", text, re.IGNORECASE)
    if not m:
        return text[:width].replace("\n", " ")
    a = max(0, m.start() - width // 2)
    return ("..." if a else "") + text[a:a + width].replace("\n", " ") + "..."


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", default=str(DEFAULT_QUERIES))
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--show", type=int, default=5, help="matching documents shown a query")
    ap.add_argument("--verbose", action="store_true", help="also list the queries that pass")
    args = ap.parse_args()

    queries, checked = read_queries(Path(args.queries))
    words = {q: content_words(q) for _, q in queries}
    vocab = {w for ws in words.values() for w in ws}

    # One pass over the corpus; only the words some query uses are indexed (postings lists of
    # document numbers), which keeps memory small although the corpus has 50K documents.
    postings: dict[str, set[int]] = defaultdict(set)
    docs: list[tuple[str, str]] = []  # (id, title) by document number
    raw_texts: list[str] = []         # for the snippets of matching documents (~36 MB)
    for n, line in enumerate(corpus_lines(Path(args.corpus))):
        d = json.loads(line)
        text = d.get("title", "") + "\n" + d.get("text", "")
        docs.append((d.get("id", str(n)), d.get("title", "")))
        raw_texts.append(text)
        for w in {norm(t) for t in WORD_RE.findall(text.lower())} & vocab:
            postings[w].add(n)

    problems = 0
    by_section: dict[str, Counter] = defaultdict(Counter)
    seen: Counter = Counter(q for _, q in queries)
    for q, c in seen.items():
        if c > 1:
            print(f"DUPLICATE ({c}x): {q}")
            problems += 1
    for section, q in queries:
        ws = words[q]
        if not ws:
            print(f"NO CONTENT WORDS: {q}")
            problems += 1
            by_section[section]["bad"] += 1
            continue
        # Intersect from the rarest word up: cheap, and the rarest word is the best snippet
        # anchor.
        ws_sorted = sorted(ws, key=lambda w: len(postings.get(w, ())))
        hits = set(postings.get(ws_sorted[0], set()))
        for w in ws_sorted[1:]:
            if not hits:
                break
            hits &= postings.get(w, set())
        if not hits:
            by_section[section]["clean"] += 1
            # How close the nearest document comes: the most content words of the query any
            # one document holds. All but one of 3+ words is worth a look (the missing word
            # may have a synonym there), so the summary counts those too.
            cover: Counter = Counter()
            for w in ws:
                cover.update(postings.get(w, ()))
            best_n, best_k = cover.most_common(1)[0] if cover else (None, 0)
            if len(ws) >= 3 and best_k == len(ws) - 1:
                by_section[section]["all_but_one"] += 1
            if args.verbose:
                df = ", ".join(f"{w}:{len(postings.get(w, ()))}" for w in ws)
                near = "" if best_n is None else \
                    f" closest {docs[best_n][0]} has {best_k}/{len(ws)}: " + \
                    ",".join(w for w in ws if best_n in postings.get(w, ()))
                print(f"ok      {q}    [doc freq {df}]{near}")
            continue
        status = "checked" if q in checked else "INSPECT"
        by_section[section][status] += 1
        if status == "INSPECT":
            problems += 1
        print(f"{status} {q}    words={ws} docs={len(hits)}"
              + (f"\n        note: {checked[q]}" if q in checked else ""))
        for n in sorted(hits)[:args.show]:
            did, title = docs[n]
            print(f"        {did}  {title[:70]!r}\n            {snippet(raw_texts[n], ws_sorted[0])}")
    stale = [q for q in checked if q not in words]
    for q in stale:
        print(f"STALE '# checked:' note (no such query): {q}")

    total = Counter()
    print("\n| section | queries | no document has all content words (of which: one has all "
          "but one, 3+ words) | matched, inspected (# checked) | matched, NOT inspected |")
    print("|---|---|---|---|---|")
    for section, c in by_section.items():
        total.update(c)
        n = sum(c.values()) - c["all_but_one"]
        print(f"| {section} | {n} | {c['clean']} ({c['all_but_one']}) | {c['checked']} | "
              f"{c['INSPECT'] + c['bad']} |")
    n = sum(total.values()) - total["all_but_one"]
    print(f"| **all** | {n} | {total['clean']} ({total['all_but_one']}) | {total['checked']} | "
          f"{total['INSPECT'] + total['bad']} |")
    print(f"\n{len(docs)} documents scanned, {len(vocab)} distinct query words; "
          f"{'OK' if problems == 0 else f'{problems} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
