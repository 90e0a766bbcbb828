#!/usr/bin/env python3
"""Validate the markup of labelled.txt and print summary counts.

Usage: python3 check_labels.py [path/to/labelled.txt]

File format (one item per line):
  # comment                       ignored
  (blank line)                    ignored
  @anchor YYYY-MM-DD              document date for the following sentences
  sentence text                   '[surface|START..END]' marks a mention

Checks: every sentence follows a valid @anchor; brackets are balanced and not
nested; every mention has a non-empty surface without surrounding spaces and a
window of two valid ISO dates with START <= END; no stray '[', ']' or '|'
outside mentions.  Exits with status 1 if any error was found.
"""

import datetime
import os
import re
import sys

ANCHOR_RE = re.compile(r"^@anchor (\d{4}-\d{2}-\d{2})$")
WINDOW_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
# Words that make a sentence without mentions a "hard" negative.
TRICKY_WORDS = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|"
    r"february|march|april|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mondays|tuesdays|second|day|days|week|weeks|month|months|year|years|"
    r"weekly|daily|quarterly|ago|soon|recently|nowadays|date|calendar)\b",
    re.IGNORECASE,
)


def parse_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def parse_sentence(line):
    """Return (plain_text, mentions, errors) for one sentence line.

    mentions is a list of (surface, start_date, end_date, offset_in_plain).
    """
    plain = []
    mentions = []
    errors = []
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "[":
            close = line.find("]", i + 1)
            if close < 0:
                errors.append("unclosed '[' at column %d" % (i + 1))
                plain.append(line[i:])
                break
            body = line[i + 1:close]
            if "[" in body:
                errors.append("nested '[' at column %d" % (i + 1))
            if body.count("|") != 1:
                errors.append("mention %r must contain exactly one '|'" % body)
                plain.append(body)
                i = close + 1
                continue
            surface, window = body.split("|")
            if not surface:
                errors.append("empty surface in %r" % body)
            elif surface != surface.strip():
                errors.append("surface %r has leading/trailing space" % surface)
            m = WINDOW_RE.match(window)
            start = end = None
            if not m:
                errors.append("bad window %r (want YYYY-MM-DD..YYYY-MM-DD)" % window)
            else:
                start, end = parse_date(m.group(1)), parse_date(m.group(2))
                if start is None:
                    errors.append("invalid start date %r" % m.group(1))
                if end is None:
                    errors.append("invalid end date %r" % m.group(2))
                if start and end and start > end:
                    errors.append("window %r has START > END" % window)
            offset = len("".join(plain))
            mentions.append((surface, start, end, offset))
            plain.append(surface)
            i = close + 1
        elif ch == "]":
            errors.append("stray ']' at column %d" % (i + 1))
            i += 1
        elif ch == "|":
            errors.append("stray '|' at column %d" % (i + 1))
            i += 1
        else:
            plain.append(ch)
            i += 1
    return "".join(plain), mentions, errors


def main(argv):
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "labelled.txt")
    path = argv[1] if len(argv) > 1 else default
    errors = []
    anchor = None
    anchors = []
    sentences = 0
    with_mentions = 0
    mention_count = 0
    negatives = 0
    hard_negatives = 0
    multi = 0
    seen = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if line.endswith("\r"):
                errors.append("%d: CR line ending" % lineno)
                line = line.rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("@"):
                m = ANCHOR_RE.match(line)
                if not m or parse_date(m.group(1)) is None:
                    errors.append("%d: bad anchor line %r" % (lineno, line))
                    anchor = None
                    continue
                anchor = parse_date(m.group(1))
                anchors.append(anchor)
                continue
            if line != line.strip():
                errors.append("%d: leading/trailing whitespace" % lineno)
            if anchor is None:
                errors.append("%d: sentence without a valid @anchor before it" % lineno)
            plain, mentions, errs = parse_sentence(line)
            errors.extend("%d: %s" % (lineno, e) for e in errs)
            for surface, _s, _e, off in mentions:
                if plain[off:off + len(surface)] != surface:
                    errors.append("%d: internal offset error for %r" % (lineno, surface))
            if plain in seen:
                errors.append("%d: duplicate of line %d" % (lineno, seen[plain]))
            seen.setdefault(plain, lineno)
            sentences += 1
            mention_count += len(mentions)
            if mentions:
                with_mentions += 1
                if len(mentions) > 1:
                    multi += 1
            else:
                negatives += 1
                if re.search(r"\d", plain) or TRICKY_WORDS.search(plain):
                    hard_negatives += 1

    for e in errors:
        print("ERROR " + e)
    distinct = sorted(set(anchors))
    print("sentences: %d" % sentences)
    print("sentences with mentions: %d (%.1f%%)"
          % (with_mentions, 100.0 * with_mentions / max(sentences, 1)))
    print("mentions: %d" % mention_count)
    print("sentences with 2+ mentions: %d" % multi)
    print("negatives: %d (%.1f%%)" % (negatives, 100.0 * negatives / max(sentences, 1)))
    print("hard negatives (digits or date-like words): %d (%.1f%%)"
          % (hard_negatives, 100.0 * hard_negatives / max(sentences, 1)))
    print("anchors: %d distinct (%s)"
          % (len(distinct), ", ".join(d.isoformat() for d in distinct)))
    print("errors: %d" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
