"""Sets of varied claim-list addresses for the benchmark, drawn from the data's own vocabulary.

Readers combine filters, facets, search words, sort orders and pages that nobody asked for
before; a benchmark that times one fixed address times a cache. ``claim_list_queries`` draws
distinct query strings from what the data holds (categories, countries, grades, places,
organisations, years, words of the claims' own text), reproducibly for one seed.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

LIST_PATH = "/en/claims/"
# The filters a reader combines, with how often each is picked (the search box and the
# country and category facets most, as on the site).
FILTER_WEIGHTS = {
    "q": 5,
    "category": 4,
    "country": 4,
    "grade": 3,
    "place": 2,
    "organization": 2,
    "year": 2,
}
# How many filters one address combines.
FILTER_COUNTS = {0: 1, 1: 5, 2: 5, 3: 2}
SORTS = ("recent_event", "recently_published", "most_cited")
PAGES = (2, 3, 4, 5, 10)
MULTI_VALUE = {"category", "country", "grade", "place", "organization", "year"}


@dataclass
class Vocabulary:
    """The values readers can pick: each a list of the parameter's valid values."""

    category: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    organization: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    q: list[str] = field(default_factory=list)

    def values(self, name: str) -> list[str]:
        return getattr(self, name)


def search_words(texts: list[str], *, limit: int = 60, seed: int = 1) -> list[str]:
    """Words of the claims' own (folded) text that a reader might search for.

    Words in more than half of the texts (the synthetic marker) and short or numeric words are
    left out; the rest are sampled, common and rare alike.
    """
    counts = Counter()
    for text in texts:
        counts.update(set(re.findall(r"[^\W\d_]{4,}", text)))
    common = len(texts) / 2
    words = sorted(word for word, n in counts.items() if n <= common)
    rng = random.Random(seed)
    return rng.sample(words, min(limit, len(words)))


def claim_list_queries(vocabulary: Vocabulary, count: int, *, seed: int = 1) -> list[str]:
    """``count`` distinct query strings of the claim list ("" is the unfiltered list).

    Each combines 0 to 3 filters (sometimes two values of one, or two search words), sometimes
    a sort order (relevance only with a search) and sometimes a page beyond the first.
    """
    rng = random.Random(seed)
    names = [name for name in FILTER_WEIGHTS if vocabulary.values(name)]
    if not names:
        raise ValueError("the vocabulary is empty")
    weights = [FILTER_WEIGHTS[name] for name in names]
    seen: dict[str, None] = {"": None}
    attempts = 0
    while len(seen) < count:
        attempts += 1
        if attempts > count * 100:
            raise ValueError(f"only {len(seen)} distinct addresses can be drawn")
        wanted = rng.choices(list(FILTER_COUNTS), weights=list(FILTER_COUNTS.values()))[0]
        chosen: list[str] = []
        while len(chosen) < min(wanted, len(names)):
            name = rng.choices(names, weights=weights)[0]
            if name not in chosen:
                chosen.append(name)
        params: list[tuple[str, str]] = []
        for name in chosen:
            values = vocabulary.values(name)
            if name == "q":
                words = rng.sample(values, 2 if rng.random() < 0.2 and len(values) > 1 else 1)
                params.append(("q", " ".join(words)))
            elif name in MULTI_VALUE and rng.random() < 0.1 and len(values) > 1:
                params += [(name, value) for value in sorted(rng.sample(values, 2))]
            else:
                params.append((name, rng.choice(values)))
        if rng.random() < 0.3:
            sorts = SORTS + (("relevance",) if "q" in chosen else ())
            params.append(("sort", rng.choice(sorts)))
        if rng.random() < 0.25:
            params.append(("page", str(rng.choice(PAGES))))
        seen.setdefault(urlencode(sorted(params)), None)
    return list(seen)[:count]


def list_url(query: str, path: str = LIST_PATH) -> str:
    return f"{path}?{query}" if query else path
