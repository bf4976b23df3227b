#!/usr/bin/env python3
"""Where the speaker errors are: speaker accuracy by how the text names the speaker, the kinds
of error, and how well `confidence` is calibrated.

usage: scripts/quote-breakdown.py SCORER GOLD PRED [--kinds direct] [--use-silver] [--examples N]

SCORER is the project's score_quotes.py, whose span matching and speaker matching this reuses,
so the figures here add up to its "speaker acc on exact". Matched quotes (exact trimmed spans)
are grouped by the gold speaker as written in the text:
  named        "…," Jane Doe said
  continued    no attribution in the quote's sentence (gold speaker null, resolved by a reader)
  pronoun      "…," she said
  description  "the spokeswoman said"
An error is one of:
  no speaker          nothing predicted
  pronoun left        a pronoun predicted as the name
  description left    a description predicted where the gold is a name
  another speaker     the name of someone else the document quotes
  not a speaker       a name that speaks nowhere in the document ("But", "Colorado")
  speaker for nobody  a speaker predicted where the gold has none
Calibration: matched quotes and predicted quotes with no gold match (a wrong quote is wrong),
by tenth of the predicted confidence, with the share whose quote and speaker are right.
"""
import argparse
import importlib.util
import json
from collections import Counter, defaultdict


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def how_named(sq, quote):
    written = quote.get("speaker")
    if written is None or str(written).strip() == "":
        return "continued"
    kind = sq.speaker_class(written)
    return {"pronoun": "pronoun", "named": "named"}.get(kind, "description")


def error_kind(sq, pred, gold, doc_speakers):
    if gold is None or str(gold).strip() == "":
        return "speaker for nobody"
    if pred is None or str(pred).strip() == "":
        return "no speaker"
    if sq.speaker_class(pred) == "pronoun":
        return "pronoun left"
    if sq.speaker_class(pred) == "descriptive" and sq.speaker_class(gold) == "named":
        return "description left"
    if any(sq.speaker_match(pred, other) for other in doc_speakers):
        return "another speaker"
    return "not a speaker"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scorer")
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--kinds", default=None)
    ap.add_argument("--use-silver", action="store_true")
    ap.add_argument("--examples", type=int, default=0)
    a = ap.parse_args()
    sq = load_scorer(a.scorer)
    sq.USE_SILVER = a.use_silver
    kinds = set(a.kinds.split(",")) if a.kinds else None
    gold = sq.read_jsonl(a.gold)
    pred = sq.read_jsonl(a.pred)

    by_way = defaultdict(Counter)
    errors = Counter()
    errors_by_way = defaultdict(Counter)
    examples = defaultdict(list)
    deciles = defaultdict(Counter)
    for did, gd in gold.items():
        text = gd["text"]
        G, _, _ = sq.prepare(text, gd.get("quotes", []), True, "gold")
        P, _, _ = sq.prepare(text, pred.get(did, {}).get("quotes") or [], True, "pred")
        doc_speakers = {sq.gold_speaker(g["q"]) for g in G} - {None}
        keep = [gi for gi, g in enumerate(G) if kinds is None or g["q"].get("kind") in kinds]
        pairs = dict(sq.match_exact(G, P))
        matched_p = set(pairs.values())
        for gi in keep:
            if gi not in pairs:
                continue
            g, p = G[gi]["q"], P[pairs[gi]]["q"]
            way = how_named(sq, g)
            want, got = sq.gold_speaker(g), p.get("speaker")
            right = sq.speaker_match(got, want)
            by_way[way]["n"] += 1
            by_way[way]["right"] += right
            if "confidence" in p:
                d = deciles[min(int(float(p["confidence"]) * 10), 9)]
                d["n"] += 1
                d["right"] += right
                d["sum"] += float(p["confidence"])
            if not right:
                kind = error_kind(sq, got, want, doc_speakers)
                errors[kind] += 1
                errors_by_way[way][kind] += 1
                examples[kind].append((did, text[G[gi]["s"]:G[gi]["e"]][:60], got, want))
        # A predicted quote that matches no gold quote is wrong, unless it lies on a gold quote
        # of a kind left out.
        for pi, p in enumerate(P):
            if pi in matched_p or "confidence" not in p["q"]:
                continue
            if any(min(G[gi]["e"], p["e"]) > max(G[gi]["s"], p["s"])
                   for gi in range(len(G)) if gi not in keep):
                continue
            d = min(int(float(p["q"]["confidence"]) * 10), 9)
            deciles[d]["n"] += 1
            deciles[d]["sum"] += float(p["q"]["confidence"])

    total = sum(c["n"] for c in by_way.values())
    right = sum(c["right"] for c in by_way.values())
    print("speaker accuracy by how the text names the speaker (exact quote matches)")
    print("  %-12s %6s %6s %7s" % ("named as", "share", "n", "right"))
    for way in ("named", "continued", "pronoun", "description"):
        c = by_way.get(way, Counter())
        if c["n"]:
            print("  %-12s %6.2f %6d %7.3f" % (way, c["n"] / total, c["n"], c["right"] / c["n"]))
    if total:
        print("  %-12s %6.2f %6d %7.3f" % ("all", 1.0, total, right / total))
    print("speaker errors by kind")
    for kind, n in errors.most_common():
        ways = ", ".join("%s %d" % (w, c[kind]) for w, c in sorted(errors_by_way.items()) if c[kind])
        print("  %-20s %5d  (%s)" % (kind, n, ways))
        for did, quote, got, want in examples[kind][:a.examples]:
            print("      %s  %r  predicted %r  gold %r" % (did, quote, got, want))
    if deciles:
        print("confidence calibration (predicted quotes with a confidence; unmatched ones count as wrong)")
        print("  %-9s %6s %9s %7s" % ("decile", "n", "mean conf", "right"))
        for d in sorted(deciles):
            c = deciles[d]
            print("  %.1f-%.1f   %6d %9.3f %7.3f" % (d / 10, (d + 1) / 10, c["n"], c["sum"] / c["n"],
                                                  c["right"] / c["n"]))


if __name__ == "__main__":
    main()
