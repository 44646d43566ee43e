"""The benchmark's varied claim-list addresses: distinct, reproducible, valid parameters only."""

from urllib.parse import parse_qsl

from tests.bench.urls import Vocabulary, claim_list_queries, list_url, search_words

VOCABULARY = Vocabulary(
    category=["arbitrary-detention", "torture"],
    country=["SV", "HN", "GT"],
    grade=["verified", "disputed"],
    place=["synthetic-place-1"],
    organization=["synthetic-organisation-1"],
    year=["2023", "2024"],
    q=["hunger", "strike", "checkpoint"],
)
PARAMETERS = {"q", "category", "country", "grade", "place", "organization", "year", "sort", "page"}


def test_queries_are_distinct_and_reproducible():
    queries = claim_list_queries(VOCABULARY, 200, seed=3)
    assert len(queries) == len(set(queries)) == 200
    assert queries[0] == ""  # the unfiltered list is one of them
    assert queries == claim_list_queries(VOCABULARY, 200, seed=3)
    assert queries != claim_list_queries(VOCABULARY, 200, seed=4)


def test_queries_use_only_the_lists_parameters_and_the_vocabulary():
    for query in claim_list_queries(VOCABULARY, 200):
        for name, value in parse_qsl(query):
            assert name in PARAMETERS
            if name == "q":
                assert set(value.split()) <= set(VOCABULARY.q)
            elif name == "sort":
                assert value != "relevance" or "q=" in query
            elif name != "page":
                assert value in VOCABULARY.values(name)


def test_search_words_leave_out_the_words_of_every_entry():
    texts = [f"[synthetic] {word} report" for word in ("hunger", "strike", "raid")] * 3
    words = search_words(texts)
    assert "synthetic" not in words and "report" not in words
    assert set(words) == {"hunger", "strike", "raid"}


def test_list_url():
    assert list_url("") == "/en/claims/"
    assert list_url("q=x", "/claims.json") == "/claims.json?q=x"
