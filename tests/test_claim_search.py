"""Claims' search vectors live in a narrow table of their own on PostgreSQL (``ClaimSearch``,
migration 0025), kept by a trigger on the claims: after any way of writing a claim, every claim
has exactly the vector of its texts, and a search finds it by its current words."""

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from tests.factories import ClaimFactory
from tracker.filters import ClaimFilter
from tracker.kept_columns import SEARCH_VECTOR, refresh_kept_columns
from tracker.models import Claim, ClaimSearch, ModerationStatus

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def stale_vectors() -> list:
    """Claims whose kept vector is missing or not their texts' vector, and vectors left of
    claims that are gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, s.claim_id FROM (SELECT c.id, {SEARCH_VECTOR} AS v "
            "FROM tracker_claim c) c FULL JOIN tracker_claimsearch s ON s.claim_id = c.id "
            "WHERE c.id IS NULL OR s.claim_id IS NULL OR s.vector IS DISTINCT FROM c.v"
        )
        return cursor.fetchall()


def found(words: str) -> set[str]:
    return set(ClaimFilter(QueryDict(f"q={words}")).qs.values_list("title", flat=True))


@pytest.mark.skipif(not POSTGRESQL, reason="the vectors are PostgreSQL's")
def test_every_way_of_writing_claims_keeps_their_vectors_exact():
    first = ClaimFactory(title="Overcrowding in Izalco", title_es="Hacinamiento en Izalco")
    second = ClaimFactory(title="Hunger strike")
    Claim.objects.bulk_create(
        [
            Claim(title=f"Bulk claim {n}", slug=f"bulk-{n}", country="SV", search_text=f"bulk {n}")
            for n in range(3)
        ]
    )
    assert stale_vectors() == []
    first.title = "Deaths in Izalco"
    first.save()  # recomputes its search texts
    Claim.objects.filter(pk=second.pk).update(search_text="torture", search_text_es="tortura")
    Claim.objects.filter(slug="bulk-0").delete()
    assert stale_vectors() == []
    assert ClaimSearch.objects.count() == Claim.objects.count() == 4
    assert refresh_kept_columns() == 0  # the trigger and the refresh write the same vectors


@pytest.mark.skipif(not POSTGRESQL, reason="the vectors are PostgreSQL's")
def test_refresh_stores_the_vectors_of_claims_written_with_the_triggers_off():
    claim = ClaimFactory(title="Overcrowding in Izalco")
    with transaction.atomic(), connection.cursor() as cursor:
        # As a bulk load writes (generate_synthetic): no trigger runs.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE tracker_claim SET search_text = 'hunger strike' WHERE id = %s", [claim.pk]
        )
        Claim.objects.bulk_create(
            [
                Claim(
                    title="Loaded",
                    slug="loaded",
                    country="SV",
                    search_text="loaded in bulk",
                    status=ModerationStatus.PUBLISHED,
                )
            ]
        )
    assert len(stale_vectors()) == 2
    # The two vectors, and the loaded claim's counts (its country, grade and timeline bucket).
    assert refresh_kept_columns() == 2 + 3
    assert stale_vectors() == []
    assert found("bulk") == {"Loaded"}
    assert found("hunger") == {claim.title}


def test_a_search_finds_a_claim_by_its_current_words():
    claim = ClaimFactory(title="Overcrowding in Izalco", status=ModerationStatus.PUBLISHED)
    assert found("overcrowding") == {"Overcrowding in Izalco"}
    claim.title = "Hunger strike in Izalco"
    claim.save()
    assert found("overcrowding") == set()
    assert found("hunger") == {"Hunger strike in Izalco"}
    # Spanish words, stemmed by the Spanish configuration on PostgreSQL.
    claim.title_es = "Huelga de hambre en Izalco"
    claim.save()
    assert found("huelga") == {"Hunger strike in Izalco"}


@pytest.mark.skipif(not POSTGRESQL, reason="the vectors are PostgreSQL's")
def test_a_decision_that_leaves_the_texts_alone_leaves_the_vector_row_alone():
    """A decision saves the claim (its search texts included): the vector's row is not written
    again, so decisions leave no dead rows for searches to read past."""
    from tracker.workflow import set_verification

    claim = ClaimFactory(title="Overcrowding in Izalco", cited=True)

    def row_version() -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ctid::text FROM tracker_claimsearch WHERE claim_id = %s", [claim.pk]
            )
            return cursor.fetchone()[0]

    before = row_version()
    set_verification(claim, by=None, grade="corroborated", rationale="Two sources agree.")
    claim.save()
    assert row_version() == before
    claim.title = "Deaths in Izalco"
    claim.save()
    assert row_version() != before
    assert stale_vectors() == []
