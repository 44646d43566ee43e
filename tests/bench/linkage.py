"""The linkage's benchmark: pairwise precision and recall against known duplicates, and time.

    .venv/bin/python -m tests.bench.linkage --people 100000

Made-up records (``tracker.synthetic_people``) with known clusters across three sources are
linked in memory, with no database: the proposals are joined into people (a proposal chain
makes one person), and every pair of records put in one person is checked against the truth.
Targets: precision >= 0.95, recall >= 0.90, 60 s and 2 GB for 100,000 records.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from collections import defaultdict

import django


def clusters_of(keys: list[int], pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Each key's group once the pairs are joined (union-find)."""
    parent = {key: key for key in keys}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {key: root(key) for key in keys}


def same_pairs(groups: dict[int, int]) -> set[tuple[int, int]]:
    members = defaultdict(list)
    for key, group in groups.items():
        members[group].append(key)
    return {(a, b) for keys in members.values() for a, b in itertools.combinations(sorted(keys), 2)}


def run(people: int, seed: int = 1) -> dict:
    from tracker import linkage
    from tracker.synthetic_people import generate

    records = generate(people, places=40, seed=seed)
    rows = [(key, r.name, r.died_on, r.place) for key, r in enumerate(records)]
    started = time.perf_counter()
    frame = linkage.frame_of(rows)
    pairs = linkage.candidate_pairs(frame)
    found = linkage.likely_pairs(frame)
    elapsed = time.perf_counter() - started
    keys = list(range(len(records)))
    truth = same_pairs({key: records[key].cluster for key in keys})
    predicted = same_pairs(clusters_of(keys, [(c.left, c.right) for c in found]))
    right = len(truth & predicted)
    return {
        "records": len(records),
        "candidate_pairs": len(pairs),
        "proposals": len(found),
        "true_pairs": len(truth),
        "precision": right / len(predicted) if predicted else 1.0,
        "recall": right / len(truth) if truth else 1.0,
        "seconds": round(elapsed, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="records to link")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings_test")
    django.setup()
    result = run(args.people, args.seed)
    for name, value in result.items():
        print(f"{name:>16}: {value:.4f}" if isinstance(value, float) else f"{name:>16}: {value}")


if __name__ == "__main__":
    main()
