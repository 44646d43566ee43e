import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from tests.factories import ClaimFactory, IndicatorFactory, SourceFactory, StatisticFactory
from tracker.filters import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_TERMS,
    ClaimFilter,
    SourceFilter,
    StatisticFilter,
    search_queryset,
)
from tracker.models import Claim, ModerationStatus
from tracker.selectors import likely_duplicates

pytestmark = pytest.mark.django_db


def search(query: str) -> list[str]:
    return [claim.title for claim in ClaimFilter(QueryDict(f"q={query}")).qs]


def test_search_ignores_accents():
    ClaimFactory(title="Socorro Jurídico Humanitario counts deaths")
    ClaimFactory(title="Unrelated")
    assert search("juridico") == ["Socorro Jurídico Humanitario counts deaths"]


def test_search_ignores_case_and_accents_in_the_query():
    ClaimFactory(title="Deaths", summary="Hacinamiento en la cárcel de Izalco.")
    assert search("CARCEL") == ["Deaths"]
    assert search("Cárcel") == ["Deaths"]


def test_search_needs_every_word():
    ClaimFactory(title="Torture in prison")
    ClaimFactory(title="Torture elsewhere")
    assert search("torture prison") == ["Torture in prison"]


def test_search_never_finds_unpublished_claims():
    ClaimFactory(title="Published torture")
    ClaimFactory(title="Draft torture", status=ModerationStatus.DRAFT)
    assert search("torture") == ["Published torture"]


def test_search_ranks_the_more_relevant_claim_first():
    ClaimFactory(title="Deaths", summary="One mention of cecot among many other words here.")
    ClaimFactory(title="CECOT", summary="CECOT, CECOT and again CECOT: conditions in CECOT.")
    assert search("cecot") == ["CECOT", "Deaths"]


def test_search_with_an_explicit_sort_keeps_that_sort():
    import datetime

    ClaimFactory(title="Old cecot", event_start=datetime.date(2020, 1, 1), summary="cecot " * 5)
    ClaimFactory(title="New cecot", event_start=datetime.date(2025, 1, 1))
    titles = [c.title for c in ClaimFilter(QueryDict("q=cecot&sort=recent_event")).qs]
    assert titles == ["New cecot", "Old cecot"]


def test_search_of_only_punctuation_lists_everything():
    ClaimFactory(title="Anything")
    assert search("%20") == ["Anything"]


def test_statistic_search_finds_the_indicator_name_without_accents():
    StatisticFactory(indicator=IndicatorFactory(name="Muertes en custodia", name_es="Muertes"))
    StatisticFactory()
    found = StatisticFilter(QueryDict("q=MUERTES")).qs
    assert [s.indicator.name for s in found] == ["Muertes en custodia"]


def test_source_search_finds_the_organisation_name_without_accents():
    source = SourceFactory(title="Informe", organization__name="Socorro Jurídico Humanitario")
    StatisticFactory(source=source)
    assert [s.title for s in SourceFilter(QueryDict("q=juridico")).qs] == ["Informe"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text index on PostgreSQL")
def test_search_uses_the_gin_index_on_postgresql():
    rows = [
        Claim(
            title=f"Synthetic claim {n}",
            slug=f"synthetic-claim-{n}",
            summary="synthetic",
            country="SV",
            status=ModerationStatus.PUBLISHED,
            search_text=f"synthetic claim number {n} " + ("carcel" if n % 500 == 0 else "other"),
        )
        for n in range(4000)
    ]
    Claim.objects.bulk_create(rows)
    queryset = ClaimFilter(QueryDict("q=cárcel")).qs
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tracker_claim")
        cursor.execute("ANALYZE tracker_claimsearch")
        # With a stored vector a sequential scan of 4,000 rows is cheap too; forbid it, so the
        # plan shows whether the index can answer the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor walk the vectors' table in its keys' order (the list's order) checking each.
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = search_queryset(Claim.objects.all(), "cárcel").explain()
    assert "tracker_claimsearch_vector_gin" in plan
    assert "to_tsvector" not in plan  # neither the check nor the rank parses the text again
    assert queryset.count() == 8


def test_search_inside_a_subquery_of_the_same_table_reads_its_own_rows():
    ClaimFactory(title="Cárcel de máxima seguridad")
    ClaimFactory(title="Otra cosa")
    inner = ClaimFilter(QueryDict("q=carcel")).qs.values("pk")
    outer = Claim.objects.public().filter(pk__in=inner).exclude(title="")
    assert [claim.title for claim in outer] == ["Cárcel de máxima seguridad"]


# Search input is bounded on every database: an over-long search is reported, never a 500.
HUNDRED_WORDS = " ".join(f"word{n}" for n in range(100))
HOSTILE_SEARCHES = {
    "hundred-words": HUNDRED_WORDS,
    "five-thousand-characters": "x" * 5000,
    "punctuation-only": "!!! ,,, ... ;;; --- ¿? «»",
    "quotes": '"torture in" \'prison\' "unclosed',
    "operators": "torture & !prison | (cecot) <-> a:* -or OR AND NOT \\ %_",
}
OVER_THE_BOUNDS = {HOSTILE_SEARCHES["hundred-words"], HOSTILE_SEARCHES["five-thousand-characters"]}
SEARCHED_OUTPUTS = [
    "/en/claims/",
    "/claims.json",
    "/claims.csv",
    "/api/claims/",
    "/feeds/claims.atom",
    "/en/statistics/",
    "/statistics.json",
    "/api/statistics/",
    "/en/sources/",
    "/sources.csv",
    "/api/sources/",
    "/en/organizations/",
    "/organizations.json",
    "/api/organizations/",
    "/en/places/",
    "/places.json",
    "/api/places/",
]
TOO_MUCH = {
    "words": (" ".join(["torture"] * (SEARCH_MAX_TERMS + 1)), f"at most {SEARCH_MAX_TERMS} words"),
    "characters": ("t" * (SEARCH_MAX_LENGTH + 1), f"at most {SEARCH_MAX_LENGTH} characters"),
}


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.fixture
def searchable():
    claim = ClaimFactory(title="Torture in prison")
    StatisticFactory(source=SourceFactory(title="Prison report"), note="prison figure")
    return claim


@pytest.mark.parametrize("query", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
@pytest.mark.parametrize("path", SEARCHED_OUTPUTS)
def test_search_hostile_query_is_never_a_server_error(client, searchable, path, query):
    response = client.get(path, {"q": query})
    body(response)
    # The API answers a bad filter value with a 400 naming it; every other output with a 200.
    refused = path.startswith("/api/") and query in OVER_THE_BOUNDS
    assert response.status_code == (400 if refused else 200)


@pytest.mark.parametrize("query", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
def test_search_queryset_bounds_the_search_by_itself(searchable, query):
    assert len(search_queryset(Claim.objects.public(), query)) <= 1


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_reported_on_the_list_page(client, searchable, kind):
    ClaimFactory(title="Unrelated")
    query, reason = TOO_MUCH[kind]
    response = client.get("/en/claims/", {"q": query})
    assert response.status_code == 200
    assert reason in body(response)
    assert len(response.context["object_list"]) == 2  # the search was ignored, as it says


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_reported_in_the_json_export(client, searchable, kind):
    query, reason = TOO_MUCH[kind]
    problems = client.get("/claims.json", {"q": query}).json()["problems"]
    assert len(problems) == 1 and reason in problems[0]


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_reported_in_the_csv_export(client, searchable, kind):
    query, reason = TOO_MUCH[kind]
    response = client.get("/claims.csv", {"q": query})
    body(response)
    assert reason in response["X-Filter-Problems"]


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_refused_by_the_api_naming_the_filter(client, searchable, kind):
    query, reason = TOO_MUCH[kind]
    response = client.get("/api/claims/", {"q": query})
    assert response.status_code == 400
    assert reason in response.json()["q"][0]


def test_search_of_the_most_words_allowed_needs_every_word():
    words = [f"term{n}" for n in range(SEARCH_MAX_TERMS)]
    ClaimFactory(title="All of them", summary=" ".join(words))
    ClaimFactory(title="All but one", summary=" ".join(words[1:]))
    assert search(" ".join(words)) == ["All of them"]


def test_search_input_of_the_list_page_says_its_length_limit(client):
    page = body(client.get("/en/claims/"))
    assert f'maxlength="{SEARCH_MAX_LENGTH}"' in page


@pytest.mark.parametrize("query", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
def test_search_hostile_query_on_the_staff_source_list(client, contributor, query):
    SourceFactory(title="Prison report")
    client.force_login(contributor)
    response = client.get(reverse("workspace:source_list"), {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_reported_on_the_staff_source_list(client, contributor, kind):
    SourceFactory(title="Prison report")
    client.force_login(contributor)
    query, reason = TOO_MUCH[kind]
    response = client.get(reverse("workspace:source_list"), {"q": query})
    assert reason in body(response)
    assert [source.title for source in response.context["sources"]] == ["Prison report"]


def citation_search_post(query: str) -> dict:
    return {
        "title": "Detainee died in Izalco prison",
        "summary": "A man held since 2022 died in custody.",
        "country": "SV",
        "date_precision": "day",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "50",
        "citations-0-stance": "supports",
        "citations-0-new_source_kind": "report",
        "search_sources": "1",
        "source_query": query,
    }


@pytest.mark.parametrize("query", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
def test_search_hostile_query_in_the_citation_source_search(client, contributor, query):
    SourceFactory(title="Prison report")
    client.force_login(contributor)
    response = client.post(reverse("workspace:claim_create"), citation_search_post(query))
    assert response.status_code == 200


@pytest.mark.parametrize("kind", TOO_MUCH)
def test_search_too_long_is_reported_in_the_citation_source_search(client, contributor, kind):
    SourceFactory(title="Prison report")
    client.force_login(contributor)
    query, reason = TOO_MUCH[kind]
    response = client.post(reverse("workspace:claim_create"), citation_search_post(query))
    assert reason in body(response)
    choices = response.context["formset"].forms[0].fields["source"].queryset
    assert [source.title for source in choices] == ["Prison report"]  # not narrowed


@pytest.mark.parametrize("query", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
def test_search_hostile_title_in_the_duplicate_check(client, contributor, query):
    ClaimFactory(title="Torture in prison")
    assert isinstance(likely_duplicates(query, user=contributor), list)
    client.force_login(contributor)
    data = {**citation_search_post(""), "title": query}
    del data["search_sources"]
    assert client.post(reverse("workspace:claim_create"), data).status_code in (200, 302)


def test_search_too_long_is_reported_in_spanish(client, searchable):
    response = client.get("/es/claims/", {"q": "t" * (SEARCH_MAX_LENGTH + 1)})
    assert f"{SEARCH_MAX_LENGTH} caracteres como máximo" in body(response)
