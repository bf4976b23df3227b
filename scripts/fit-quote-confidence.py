#!/usr/bin/env python3
"""Fits the quote confidence table: for each basis (kind, cue place, naming, entity type), the
share of predicted quotes whose span and speaker are right, and checks its calibration by
5-fold cross-validation by document.

usage: scripts/fit-quote-confidence.py SCORER GOLD PRED [--out models/quote-confidence.tsv]

PRED is `docsift eval quotes GOLD` (each quote carries its "basis"). A predicted quote is right
when its trimmed span equals a gold quote's (any kind) and its speaker matches that quote's
(PolNeAR's silver antecedent for a pronoun, as `--use-silver`); a predicted quote that equals no
gold span is wrong. Probabilities are smoothed ((right + 1) / (n + 2)); a basis seen fewer than
MIN_COUNT times backs off to a coarser key (dropping the entity type, then the naming, then the
cue place), whose share is counted over the quotes no finer key took. Deterministic: the folds are by the order of document ids.
"""
import argparse
import importlib.util
from collections import Counter, defaultdict

MIN_COUNT = 180
FOLDS = 5


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keys(basis):
    parts = basis.split("|")
    return ["|".join(parts[:n]) for n in range(len(parts), 0, -1)]


def fit(samples):
    """Finest keys first; a coarser key counts only the quotes no finer key kept took."""
    table = {}
    left = samples
    for level in range(4):
        counts = defaultdict(Counter)
        for basis, right in left:
            key = keys(basis)[level]
            counts[key]["n"] += 1
            counts[key]["right"] += right
        last = level == 3
        for key, c in counts.items():
            if c["n"] >= MIN_COUNT or last:
                table[key] = ((c["right"] + 1) / (c["n"] + 2), c["n"])
        left = [(b, r) for b, r in left if keys(b)[level] not in table]
    return table


def predict(table, basis):
    for key in keys(basis):
        if key in table:
            return table[key][0]
    return 0.5


def calibration(pairs):
    deciles = defaultdict(list)
    for p, right in pairs:
        deciles[min(int(p * 10), 9)].append((p, right))
    rows = []
    for d in sorted(deciles):
        items = deciles[d]
        mean = sum(p for p, _ in items) / len(items)
        share = sum(r for _, r in items) / len(items)
        rows.append((d, len(items), mean, share))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scorer")
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sq = load_scorer(a.scorer)
    sq.USE_SILVER = True
    gold = sq.read_jsonl(a.gold)
    pred = sq.read_jsonl(a.pred)
    by_doc = {}
    for did in sorted(gold):
        text = gold[did]["text"]
        G, _, _ = sq.prepare(text, gold[did].get("quotes", []), True, "gold")
        P, _, _ = sq.prepare(text, pred.get(did, {}).get("quotes") or [], True, "pred")
        pairs = {pi: gi for gi, pi in sq.match_exact(G, P)}
        samples = []
        for pi, p in enumerate(P):
            basis = p["q"].get("basis")
            if basis is None:
                continue
            right = pi in pairs and sq.speaker_match(p["q"].get("speaker"),
                                                     sq.gold_speaker(G[pairs[pi]]["q"]))
            samples.append((basis, int(right)))
        by_doc[did] = samples

    docs = sorted(by_doc)
    held_out = []
    for fold in range(FOLDS):
        train = [s for i, d in enumerate(docs) if i % FOLDS != fold for s in by_doc[d]]
        table = fit(train)
        held_out += [(predict(table, b), r) for i, d in enumerate(docs) if i % FOLDS == fold
                     for b, r in by_doc[d]]
    print("calibration, %d-fold cross-validation by document (%d predicted quotes)"
          % (FOLDS, len(held_out)))
    print("  %-9s %6s %9s %7s %7s" % ("decile", "n", "mean conf", "right", "gap"))
    for d, n, mean, share in calibration(held_out):
        print("  %.1f-%.1f   %6d %9.3f %7.3f %+7.3f" % (d / 10, (d + 1) / 10, n, mean, share,
                                                      share - mean))
    table = fit([s for d in docs for s in by_doc[d]])
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            fh.write("# quote confidence: basis key, share right (smoothed), quotes seen; "
                     "made by scripts/fit-quote-confidence.py on PolNeAR train\n")
            for key in sorted(table):
                fh.write("%s\t%.4f\t%d\n" % (key, table[key][0], table[key][1]))
        print("wrote %d keys to %s" % (len(table), a.out))


if __name__ == "__main__":
    main()
