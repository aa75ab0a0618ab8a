"""Similarity benchmark: the groups ``propose_groups`` proposes for the forum's test set, against
its labels, and the time for the set and for 2,000 synthetic problems.

The test set (``bench/data/forum-problemes.json``) holds problems posted in six territories, each
labelled with the problem it states. A *pair* is two statements in one group: precision is the
share of the proposed pairs that the labels pair too, recall the share of the labelled pairs
proposed (issue 16's goal: both ≥ 0.8). A sweep of the threshold shows where the default sits.
The set's ``held_out`` part was written after the first version of the code and never used to
tune the lexicon or the threshold: its score says what the method does on problems it has not
seen. The 2,000 synthetic problems are the set's words recombined (seeded), with typos; their
time and peak memory (tracemalloc) are printed. Nothing is asserted here
(``tests/session_engine/test_similarity.py`` asserts the quality on the set).

    .venv/bin/python bench/bench_similarity.py [--repeat 3] [--synthetic 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tracemalloc
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench_opinions: one BLAS thread

from bench_replay import best_of  # bench/ is on the path when run as a script

from session_engine.programme.similarity import DEFAULT_THRESHOLD, Problem, propose_groups

DATA = Path(__file__).resolve().parent / "data" / "forum-problemes.json"
SWEEP = (0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)


class Scores(NamedTuple):
    precision: float
    recall: float
    f1: float
    groups: int
    shared: int  # groups spanning two territories or more


def load(part: str = "problems", path: Path = DATA) -> tuple[list[Problem], dict[str, str]]:
    """The set's problems (``held_out``: those never used to tune) and each one's label."""
    rows = json.loads(path.read_text(encoding="utf-8"))[part]
    problems = [Problem(row["key"], row["territory"], row["text"]) for row in rows]
    return problems, {row["key"]: row["group"] for row in rows}


def score(problems: list[Problem], labels: dict[str, str], threshold: float) -> Scores:
    """Pairwise precision, recall and F1 of the proposed groups against the labels."""
    return score_among([], problems, labels, threshold)


def score_among(
    forum: list[Problem], scored: list[Problem], labels: dict[str, str], threshold: float
) -> Scores:
    """``scored`` grouped among ``forum`` + ``scored``, scored on the pairs of ``scored`` only
    (the held-out part's labels are not the same vocabulary as the set's)."""
    groups = propose_groups(forum + scored, threshold=threshold)
    mine = {p.key for p in scored}
    inside = [tuple(k for k in g.keys if k in mine) for g in groups]
    proposed = {frozenset(pair) for keys in inside for pair in combinations(keys, 2)}
    truth = {
        frozenset((a.key, b.key))
        for a, b in combinations(scored, 2)
        if labels[a.key] == labels[b.key]
    }
    right = len(proposed & truth)
    precision = right / len(proposed) if proposed else 1.0
    recall = right / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    shared = sum(1 for g in groups if len({p.territory for p in scored if p.key in g.keys}) > 1)
    return Scores(precision, recall, f1, sum(1 for keys in inside if keys), shared)


def synthetic(problems: list[Problem], count: int, seed: int = 16) -> list[Problem]:
    """``count`` problems made of the set's words: each a set text's words, some swapped for
    words of another text, some with a letter dropped or doubled (seeded, reproducible)."""
    rng = random.Random(seed)
    vocabulary = [w for p in problems for w in p.text.split()]
    made = []
    for n in range(count):
        words = rng.choice(problems).text.split()
        words = [rng.choice(vocabulary) if rng.random() < 0.3 else w for w in words]
        words = [_typo(rng, w) if rng.random() < 0.1 else w for w in words]
        made.append(Problem(f"x{n}", f"t{n % 6 + 1}", " ".join(words)))
    return made


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(len(word))
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=2000)
    args = parser.parse_args()
    problems, labels = load()
    territories = len({p.territory for p in problems})
    labelled = len(set(labels.values()))
    print(
        f"similarity benchmark: {DATA.name}, {len(problems)} problems, {territories} territories,"
        f" {labelled} labelled problems (best of {args.repeat} runs; goal: precision and recall"
        " >= 0.8)"
    )
    best = score(problems, labels, DEFAULT_THRESHOLD)
    print(
        f"  threshold {DEFAULT_THRESHOLD:.2f} (default): precision {best.precision:.3f}"
        f"  recall {best.recall:.3f}  F1 {best.f1:.3f}  {best.groups} groups"
        f" ({best.shared} across territories)"
    )
    held, held_labels = load("held_out")
    other = score(held, held_labels, DEFAULT_THRESHOLD)
    print(
        f"  held out ({len(held)} problems, never used to tune): precision {other.precision:.3f}"
        f"  recall {other.recall:.3f}  F1 {other.f1:.3f}  {other.groups} groups"
    )
    among = score_among(problems, held, held_labels, DEFAULT_THRESHOLD)
    print(
        f"  held out among the {len(problems)} (its own pairs only): precision"
        f" {among.precision:.3f}  recall {among.recall:.3f}  F1 {among.f1:.3f}"
    )
    print("  threshold sweep (the set of " + str(len(problems)) + "):")
    for threshold in SWEEP:
        s = score(problems, labels, threshold)
        mark = "  <- default" if abs(threshold - DEFAULT_THRESHOLD) < 1e-9 else ""
        print(
            f"    {threshold:.2f}  precision {s.precision:.3f}  recall {s.recall:.3f}"
            f"  F1 {s.f1:.3f}  {s.groups:3d} groups{mark}"
        )
    line(f"propose_groups({len(problems)})", best_of(args.repeat, lambda: propose_groups(problems)))
    many = synthetic(problems, args.synthetic)
    seconds = best_of(args.repeat, lambda: propose_groups(many))
    line(f"propose_groups({len(many):,} synthetic)", seconds)
    tracemalloc.start()
    found = propose_groups(many)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"    {len(found):,} groups, the largest of {max(len(g.keys) for g in found)};"
        f" peak memory {peak / 1e6:.0f} MB"
    )


def line(name: str, seconds: float) -> None:
    print(f"  {name:<36}{seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
