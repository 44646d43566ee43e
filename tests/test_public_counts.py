"""The counts of published claims by facet value (``PublicClaimCount``), kept by triggers on both
databases, whatever writes the claims and their links; and the unfiltered claim list's facets and
timeline read from them, equal to the counts of the claims themselves.

The workflow's operations in any order are replayed in ``test_public_organizations``."""

import dataclasses
import datetime

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
)
from tracker import facets
from tracker.filters import NO_DATE, ClaimFilter
from tracker.lists import CLAIM_FACETS
from tracker.models import Claim, ModerationStatus, PublicClaimCount
from tracker.public_cache import bump_public_version
from tracker.public_counts import fresh_counts, kept_counts, refresh_public_counts
from tracker.timeline import CLAIM_COUNTS
from tracker.workflow.public_organizations import refresh_public_organizations

pytestmark = pytest.mark.django_db

S = ModerationStatus


def some_claims():
    places = [LocationFactory(), LocationFactory()]
    categories = [CategoryFactory(), CategoryFactory()]
    organizations = [OrganizationFactory(), OrganizationFactory()]
    claims = []
    for number in range(8):
        claim = ClaimFactory(
            country=["SV", "HN", "GT"][number % 3],
            location=places[number % 2] if number % 4 else None,
            event_start=[datetime.date(2022, 3, 27), datetime.date(2019, 1, 5), None][number % 3],
            date_precision=["day", "month", "year"][number % 3],
            verification=["unverified", "corroborated"][number % 2],
            status=S.PUBLISHED if number % 5 else S.DRAFT,
        )
        claim.categories.set(categories[: number % 3])
        source = SourceFactory(organization=organizations[number % 2])
        CitationFactory(claim=claim, source=source)
        claims.append(claim)
    refresh_public_organizations()
    return claims


def assert_exact():
    assert kept_counts() == fresh_counts()


def test_counts_follow_every_kind_of_write():
    claims = some_claims()
    assert kept_counts() and {key[0] for key in kept_counts()} == {
        "country",
        "place",
        "grade",
        "category",
        "organization",
        "tally",
    }
    assert_exact()
    # A bulk update of counted columns, of several claims in one statement.
    Claim.objects.filter(pk__in=[c.pk for c in claims[:5]]).update(
        country="NI", verification="disputed", event_start=datetime.date(2020, 7, 1)
    )
    assert_exact()
    # Published and unpublished in bulk.
    Claim.objects.filter(pk__in=[c.pk for c in claims[:3]]).update(status=S.WITHDRAWN)
    Claim.objects.filter(pk=claims[5].pk).update(status=S.PUBLISHED)
    assert_exact()
    # Links added and removed on a published claim.
    published = Claim.objects.filter(status=S.PUBLISHED).first()
    published.categories.add(CategoryFactory())
    assert_exact()
    published.categories.clear()
    assert_exact()
    # A claim deleted with its links, and one created already published.
    Claim.objects.filter(status=S.PUBLISHED).last().delete()
    assert_exact()
    ClaimFactory(status=S.PUBLISHED, country="SV", location=None, event_start=None)
    assert_exact()
    # Saved with nothing counted changed: no count moves.
    before = list(PublicClaimCount.objects.order_by("pk").values_list("pk", "n"))
    claim = Claim.objects.filter(status=S.PUBLISHED).first()
    claim.title = "Another title"
    claim.save()
    assert list(PublicClaimCount.objects.order_by("pk").values_list("pk", "n")) == before


def test_counts_emptied_before_their_claims_are_deleted_start_again_from_zero():
    """A flush as Django's on SQLite (each table emptied in turn, the counts before the claims,
    whose triggers then take away what is no longer there) leaves no count below zero to spoil
    the next ones."""
    some_claims()
    PublicClaimCount.objects.all().delete()
    for claim in Claim.objects.all():
        claim.delete()
    assert kept_counts() == fresh_counts() == {}
    some_claims()
    assert_exact()


def test_a_value_no_published_claim_has_leaves_the_facet():
    claim = ClaimFactory(status=S.PUBLISHED, country="BZ")
    assert kept_counts()[("country", "BZ", "", "")] == 1
    Claim.objects.filter(pk=claim.pk).update(status=S.WITHDRAWN)
    assert ("country", "BZ", "", "") not in kept_counts()
    assert_exact()


def test_refresh_writes_only_what_differs():
    some_claims()
    assert refresh_public_counts() == 0
    country = PublicClaimCount.objects.filter(facet="country", n__gt=0).first()
    PublicClaimCount.objects.filter(pk=country.pk).update(n=country.n + 7)
    PublicClaimCount.objects.create(facet="country", value="ZZ", n=3)
    assert refresh_public_counts() == 2
    assert_exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk loads: PostgreSQL")
def test_a_load_with_the_triggers_off_is_counted_by_the_refresh():
    from tracker.kept_columns import refresh_kept_columns

    some_claims()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        ClaimFactory(status=S.PUBLISHED, country="BZ")
    assert ("country", "BZ", "", "") not in kept_counts()
    assert refresh_kept_columns() > 0
    assert kept_counts()[("country", "BZ", "", "")] == 1
    assert_exact()


def counted_over_the_claims(spec):
    """The facet counted by its own SQL over its base, whatever the filters."""
    return dataclasses.replace(spec, sql_all="", from_tally=None)


@pytest.mark.parametrize(
    "query", ["", "country=SV", "grade=unverified", "year=2022", "year=none&country=HN", "q=a"]
)
def test_facets_read_from_the_counts_equal_the_facets_counted_over_the_claims(query):
    some_claims()
    params = QueryDict(query)

    def computed(specs, tally):
        found, tallied, _page = facets.facets_and_tally(ClaimFilter(params), params, specs, tally)
        return [facet.as_dict("/") for facet in found], sorted(tallied, key=repr)

    counted_specs = [counted_over_the_claims(spec) for spec in CLAIM_FACETS]
    counted_tally = dataclasses.replace(CLAIM_COUNTS, sql_all="")
    with CaptureQueriesContext(connection) as kept:
        from_counts = computed(CLAIM_FACETS, CLAIM_COUNTS)
    assert from_counts == computed(counted_specs, counted_tally)
    [statement] = [q["sql"] for q in kept.captured_queries if "UNION ALL" in q["sql"]]
    # A facet whose own filter is the only one reads the kept counts.
    assert ("tracker_publicclaimcount" in statement) == (len(params) <= 1 and "q" not in params)
    # With no year chosen, the years are the timeline's counts summed: no arm of their own.
    assert (f"'{NO_DATE}') AS key" in statement) == ("year" in params)
    if not query:
        # Nothing of the claims is read for the unfiltered list's counts.
        assert "tracker_claim" not in statement.replace("tracker_claim_count", "")


def test_the_unfiltered_list_shows_the_kept_counts(client):
    some_claims()
    bump_public_version()
    response = client.get("/en/claims/")
    published = Claim.objects.filter(status=S.PUBLISHED).count()
    assert response.context["paginator"].count == published
    countries = {v.value: v.count for v in response.context["facets"][1].values}
    assert countries == {
        country: Claim.objects.filter(status=S.PUBLISHED, country=country).count()
        for country in countries
    }
    assert sum(countries.values()) == published
