"""Which person records are likely the same person: blocking, scoring, proposals.

recordlinkage (``recordlinkage.Index``) makes the candidate pairs, so that a record is compared
with a few neighbours rather than with every other record:

- a sorted neighbourhood over the name's words in alphabetical order (accents and case folded),
  which brings together spellings that differ late in the name, lost accents and swapped
  surnames ("López Pérez" and "Pérez López" sort to the same words);
- blocks of the same place and the same first two letters of every name word, and
- blocks of the same place and a span of ``SPAN`` days of death, on two grids offset by half a
  span (two dates up to half a span apart share a span on one of them), which catch a typo
  early in a name.

rapidfuzz scores the names of each pair on folded names, in C and in bulk (``process.cpdist``):
the better of ``token_sort_ratio`` (word order does not count) and, a little discounted,
``token_set_ratio`` (a second given name one source leaves out does not count). A pair is
proposed when its names agree well enough, its dates of death or last sighting are within
``DAY_TOLERANCE`` days (or one is missing), and its places agree (or one is missing, or the
names agree so well that a source's wrong facility is the likelier story). Reviewers decide
every proposal (``tracker.workflow.linkage``); the score only orders them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import recordlinkage
from rapidfuzz import fuzz, process

from tracker.models.base import normalize_search_text

DAY_TOLERANCE = 10
NAME_THRESHOLD = 86.0
# Names this alike are linked across places: a source can name the wrong facility.
NAME_ALONE = 93.0
SUBSET_DISCOUNT = 0.9
WINDOW = 9
SPAN = 16


@dataclass(frozen=True)
class Candidate:
    left: int
    right: int
    score: float
    reasons: dict


def frame_of(rows) -> pd.DataFrame:
    """Records as the linkage reads them: ``rows`` of (key, name, date of death, place)."""
    frame = pd.DataFrame.from_records(list(rows), columns=["key", "name", "died_on", "place"])
    frame["name"] = [normalize_search_text(name) for name in frame["name"]]
    frame["sorted_name"] = [" ".join(sorted(name.split())) for name in frame["name"]]
    frame["initials"] = [
        " ".join(sorted(word[:2] for word in name.split())) for name in frame["name"]
    ]
    days = pd.to_datetime(frame["died_on"], errors="coerce")
    frame["day"] = (days - pd.Timestamp("1970-01-01")).dt.days
    day = frame["day"]
    for grid, offset in (("span_a", 0), ("span_b", SPAN // 2)):
        frame[grid] = ((day + offset) // SPAN).astype("Int64").astype(str).replace("<NA>", "")
    frame["place"] = frame["place"].fillna(-1).astype(int)
    return frame.set_index("key")


def candidate_pairs(frame: pd.DataFrame) -> pd.MultiIndex:
    """The pairs worth scoring (each once, the lower key first)."""
    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood("sorted_name", window=WINDOW)
    indexer.block(["place", "initials"])
    indexer.block(["place", "span_a"])
    indexer.block(["place", "span_b"])
    pairs = indexer.index(frame)
    left = pairs.get_level_values(0).to_numpy()
    right = pairs.get_level_values(1).to_numpy()
    low, high = np.minimum(left, right), np.maximum(left, right)
    keep = low != high
    unique = pd.MultiIndex.from_arrays([low[keep], high[keep]]).unique()
    return unique


def score(frame: pd.DataFrame, pairs: pd.MultiIndex) -> pd.DataFrame:
    """Each pair's name similarity (0–100), days apart and whether the places agree."""
    left = frame.loc[pairs.get_level_values(0)]
    right = frame.loc[pairs.get_level_values(1)]
    queries, choices = left["name"].tolist(), right["name"].tolist()
    names = np.maximum(
        process.cpdist(queries, choices, scorer=fuzz.token_sort_ratio, workers=1),
        SUBSET_DISCOUNT * process.cpdist(queries, choices, scorer=fuzz.token_set_ratio, workers=1),
    )
    days = np.abs(left["day"].to_numpy() - right["day"].to_numpy())
    place_known = (left["place"].to_numpy() >= 0) & (right["place"].to_numpy() >= 0)
    same_place = left["place"].to_numpy() == right["place"].to_numpy()
    return pd.DataFrame(
        {"name": names, "days": days, "same_place": same_place, "place_known": place_known},
        index=pairs,
    )


def decide(scores: pd.DataFrame) -> pd.Series:
    """Which scored pairs are proposed."""
    dates_agree = scores["days"].isna() | (scores["days"] <= DAY_TOLERANCE)
    places_agree = scores["same_place"] | ~scores["place_known"] | (scores["name"] >= NAME_ALONE)
    return (scores["name"] >= NAME_THRESHOLD) & dates_agree & places_agree


def combined_score(scores: pd.DataFrame) -> pd.Series:
    """One number to order proposals by: names first, then dates and places."""
    days = scores["days"].fillna(DAY_TOLERANCE)
    return (
        0.7 * scores["name"] / 100
        + 0.2 * (1 - days.clip(upper=DAY_TOLERANCE) / DAY_TOLERANCE)
        + 0.1 * scores["same_place"].astype(float)
    ).round(4)


def likely_pairs(frame: pd.DataFrame) -> list[Candidate]:
    """The pairs of records likely to be the same person, best first."""
    if len(frame) < 2:
        return []
    scores = score(frame, candidate_pairs(frame))
    chosen = scores[decide(scores)]
    totals = combined_score(chosen)
    found = [
        Candidate(
            int(left),
            int(right),
            float(total),
            {
                "name": round(float(row.name), 1),
                "days_apart": None if pd.isna(row.days) else int(row.days),
                "same_place": bool(row.same_place),
            },
        )
        for (left, right), row, total in zip(
            chosen.index, chosen.itertuples(index=False), totals, strict=True
        )
    ]
    return sorted(found, key=lambda candidate: -candidate.score)


def people_frame(queryset) -> pd.DataFrame:
    """The linkage's frame of person records (names are read here, on the staff side only)."""
    rows = queryset.order_by().values_list("pk", "name", "died_on", "place_id").iterator(2000)
    return frame_of(rows)


def propose(queryset) -> int:
    """Score ``queryset``'s records and store the new proposals; how many were new."""
    from tracker.workflow.linkage import store_proposals

    pairs = likely_pairs(people_frame(queryset))
    return store_proposals(
        (candidate.left, candidate.right, candidate.score, candidate.reasons) for candidate in pairs
    )
