import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import ClaimFactory, IndicatorFactory, SourceFactory, StatisticFactory
from tracker.filters import ClaimFilter, SourceFilter, StatisticFilter, search_queryset
from tracker.models import Claim, ModerationStatus

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
        # With a stored vector a sequential scan of 4,000 rows is cheap too; forbid it, so the
        # plan shows whether the index can answer the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search_queryset(Claim.objects.all(), "cárcel").explain()
    assert "tracker_claim_search_vector_gin" in plan
    assert "to_tsvector" not in plan  # neither the check nor the rank parses the text again
    assert queryset.count() == 8


def test_search_inside_a_subquery_of_the_same_table_reads_its_own_rows():
    ClaimFactory(title="Cárcel de máxima seguridad")
    ClaimFactory(title="Otra cosa")
    inner = ClaimFilter(QueryDict("q=carcel")).qs.values("pk")
    outer = Claim.objects.public().filter(pk__in=inner).exclude(title="")
    assert [claim.title for claim in outer] == ["Cárcel de máxima seguridad"]
