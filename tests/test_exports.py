import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import exports, paging
from tracker.exports import neutralize
from tracker.facets import compute_facets
from tracker.filters import ClaimFilter, StatisticFilter
from tracker.lists import CLAIM_FACETS, LISTS, STATISTIC_FACETS
from tracker.models import Claim, ModerationStatus, Tag

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]
EXPORTS = [
    f"/{name}.{suffix}"
    for name in ("claims", "statistics", "sources", "organizations", "places")
    for suffix in ("csv", "json")
]
PRIVATE_MARKERS = [
    "PRIVATE-VICTIM",
    "PRIVATE-NOTE",
    "SECRET-SOURCE",
    "secret.example",
    "SECRET-ORG",
    "author-person",
    "private.example",
]
CLAIM_HEADER = [
    "id", "page", "title", "summary", "categories", "country", "place", "place_details",
    "event_start", "event_end", "ongoing", "date_precision", "victim_count",
    "victim_description", "alleged_perpetrator", "tags", "verification",
    "verification_rationale", "published_at", "citation_count", "source_titles", "source_urls",
    "citations", "corrected_at", "original_language", "title_es", "summary_es",
    "place_details_es", "victim_description_es", "alleged_perpetrator_es",
    "verification_rationale_es",
]  # fmt: skip


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body_of(response))))


@pytest.fixture
def seeded():
    """Published entries citing a confidential source, and hidden entries of every state."""
    user = make_user("contributor", username="author-person", email="author@private.example")
    secret_org = OrganizationFactory(
        name="SECRET-ORG", slug="secret-org", private_notes="PRIVATE-NOTE org"
    )
    secret = SourceFactory(
        title="SECRET-SOURCE", url="https://secret.example/x", confidential=True,
        organization=secret_org, private_notes="PRIVATE-NOTE source",
    )  # fmt: skip
    public_org = OrganizationFactory(name="Public Org", slug="public-org")
    place = LocationFactory(name="Public Place", slug="public-place")
    category = CategoryFactory(name="Torture", slug="torture")
    for n in range(3):
        claim = ClaimFactory(
            title=f"Public claim {n}",
            victim_identities="PRIVATE-VICTIM name",
            private_notes="PRIVATE-NOTE claim",
            created_by=user,
            last_edited_by=user,
            location=place,
            categories=[category],
            verification="verified" if n == 0 else "unverified",
        )
        CitationFactory(claim=claim, source=SourceFactory(organization=public_org))
        CitationFactory(claim=claim, source=secret, quote="words of a witness")
    hidden_place = LocationFactory(name="Hidden Place", slug="hidden-place")
    hidden_org = OrganizationFactory(name="Hidden Org", slug="hidden-org")
    for state in HIDDEN_STATES:
        hidden = ClaimFactory(title=f"Hidden claim {state}", status=state, location=hidden_place)
        CitationFactory(
            claim=hidden, source=SourceFactory(title="Hidden source", organization=hidden_org)
        )
        StatisticFactory(note=f"Hidden figure {state}", status=state, location=hidden_place)
    StatisticFactory(
        note="Public figure", private_notes="PRIVATE-NOTE figure", source=secret,
        organization=public_org, created_by=user, location=place,
    )  # fmt: skip


@pytest.mark.parametrize("path", EXPORTS)
def test_export_leaves_out_unpublished_entries(client, seeded, path):
    body = body_of(client.get(path))
    assert "Hidden" not in body


@pytest.mark.parametrize("path", EXPORTS)
def test_export_leaves_out_private_fields(client, seeded, path):
    body = body_of(client.get(path))
    for marker in PRIVATE_MARKERS:
        assert marker not in body


@pytest.mark.parametrize("path", EXPORTS)
def test_export_is_served_outside_the_language_prefix(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "text/csv" if path.endswith("csv") else "application/json"
    )


def test_claims_csv_header_is_the_documented_layout(client, seeded):
    body = body_of(client.get("/claims.csv"))
    assert body.splitlines()[0].split(",") == CLAIM_HEADER
    assert [column.name for column in LISTS["claims"].columns] == CLAIM_HEADER


def test_claims_csv_columns_are_documented():
    text = (Path(__file__).parents[1] / "docs" / "open-data.md").read_text(encoding="utf-8")
    for name in CLAIM_HEADER:
        assert f"`{name}`" in text


def test_claims_csv_is_streamed(client, seeded):
    assert client.get("/claims.csv").streaming


def test_claims_csv_has_one_row_per_published_claim(client, seeded):
    assert sorted(row["title"] for row in csv_rows(client.get("/claims.csv"))) == [
        "Public claim 0", "Public claim 1", "Public claim 2"
    ]  # fmt: skip


def test_claims_csv_obeys_the_filters(client, seeded):
    rows = csv_rows(client.get("/claims.csv?grade=verified"))
    assert [row["title"] for row in rows] == ["Public claim 0"]


def test_claims_csv_summarises_citations(client, seeded):
    row = csv_rows(client.get("/claims.csv?grade=verified"))[0]
    titles = row["source_titles"].split("\n")
    assert row["citation_count"] == "2"
    assert titles[1] == "confidential source on file"
    assert row["source_urls"].split("\n")[1] == ""
    # A confidential source's words and page could identify a witness: only its stance is public.
    assert json.loads(row["citations"])[1] == {"confidential": True, "stance": "supports"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_claims_csv_neutralises_formula_cells(client, start):
    ClaimFactory(title=f"{start}HYPERLINK(1)", summary=f"{start}1+1")
    row = csv_rows(client.get("/claims.csv"))[0]
    assert row["title"] == f"'{start}HYPERLINK(1)"
    assert row["summary"] == f"'{start}1+1"


def test_neutralize_leaves_ordinary_text_alone():
    assert neutralize("At least 480 people") == "At least 480 people"


def test_statistics_csv_shows_confidential_source_only_as_such(client, seeded):
    row = csv_rows(client.get("/statistics.csv"))[0]
    assert row["source_title"] == "confidential source on file"
    assert row["source_url"] == ""


def test_places_csv_lists_only_places_of_published_entries(client, seeded):
    assert [row["slug"] for row in csv_rows(client.get("/places.csv"))] == ["public-place"]


def test_organizations_csv_obeys_the_filters(client, seeded):
    rows = csv_rows(client.get("/organizations.csv?q=public"))
    assert [row["slug"] for row in rows] == ["public-org"]


def test_claims_csv_query_count_does_not_grow_with_rows(client, seeded, django_assert_num_queries):
    ClaimFactory.create_batch(5)
    # PostgreSQL: one COPY; elsewhere the claims with their places, then categories, tags and
    # citations with their sources (per chunk of rows)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        rows = csv_rows(client.get("/claims.csv"))
    assert len(rows) == 8


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=recently_published",
        "sort=most_cited",
        "q=claim&sort=relevance",
        "q=claim",
        "organization=public-org&sort=most_cited",
        "organization=public-org&q=claim",
    ],
)
def test_claims_csv_lists_what_the_json_lists_in_the_same_order(client, seeded, query):
    for n in range(4):
        claim = ClaimFactory(title=f"Another claim {n}", categories=[CategoryFactory()])
        for _ in range(n):
            CitationFactory(claim=claim, source=SourceFactory(organization=None))
    rows = csv_rows(client.get(f"/claims.csv?{query}"))
    results = client.get(f"/claims.json?{query}").json()["results"]
    assert rows and [int(row["id"]) for row in rows] == [claim["id"] for claim in results]
    for row, claim in zip(rows, results, strict=True):
        assert row["page"] == claim["url"] == f"http://testserver/en/claims/{claim['id']}/"
        assert row["title"] == claim["title"]
        assert int(row["citation_count"]) == len(claim["citations"])


def test_claims_csv_rows_span_chunks_with_their_own_relations(client, monkeypatch):
    monkeypatch.setattr("tracker.lists.CHUNK_SIZE", 2)
    category = CategoryFactory(slug="only-the-fourth")
    claims = [ClaimFactory(title=f"Claim {n}") for n in range(5)]
    claims[3].categories.add(category)
    CitationFactory(claim=claims[3], source=SourceFactory(title="Fourth source"))
    rows = {row["title"]: row for row in csv_rows(client.get("/claims.csv"))}
    assert len(rows) == 5
    assert rows["Claim 3"]["categories"] == "only-the-fourth"
    assert rows["Claim 3"]["source_titles"] == "Fourth source"
    assert all(rows[f"Claim {n}"]["categories"] == "" for n in (0, 1, 2, 4))
    assert all(rows[f"Claim {n}"]["citation_count"] == "0" for n in (0, 1, 2, 4))


def test_claims_json_has_results_count_and_problems(client, seeded):
    data = client.get("/claims.json?grade=verified&event_from=bogus").json()
    assert data["count"] == 1
    assert [row["title"] for row in data["results"]] == ["Public claim 0"]
    assert len(data["problems"]) == 1
    assert "Happened on or after" in data["problems"][0]


def test_claims_json_facets_equal_the_page_facets(client, seeded):
    query = "grade=verified&category=torture"
    data = client.get(f"/claims.json?{query}").json()
    expected = compute_facets(ClaimFilter(QueryDict(query)), QueryDict(query), CLAIM_FACETS)
    assert data["facets"] == [facet.as_dict("/claims.json") for facet in expected]


def test_statistics_json_facets_equal_the_page_facets(client, seeded):
    data = client.get("/statistics.json").json()
    expected = compute_facets(StatisticFilter(QueryDict("")), QueryDict(""), STATISTIC_FACETS)
    assert data["facets"] == [facet.as_dict("/statistics.json") for facet in expected]


def test_claims_json_facet_toggles_link_to_the_json_resource(client, seeded):
    facets = client.get("/claims.json").json()["facets"]
    grade = next(facet for facet in facets if facet["name"] == "grade")
    assert {value["toggle"] for value in grade["values"]} == {
        "/claims.json?grade=verified", "/claims.json?grade=unverified"
    }  # fmt: skip


def test_claims_json_links_next_and_previous_pages(client, seeded, monkeypatch):
    monkeypatch.setattr(paging.PublicPagination, "page_size", 2)
    first = client.get("/claims.json?country=SV").json()
    second = client.get("/claims.json?country=SV&page=2").json()
    assert first["next"] == "http://testserver/claims.json?country=SV&page=2"
    assert first["previous"] is None
    assert second["previous"] == "http://testserver/claims.json?country=SV"
    assert second["next"] is None


def test_claims_json_query_count(client, seeded, django_assert_num_queries):
    ClaimFactory.create_batch(5)
    # The public-data version, the facets with the total (one statement), the rows, their
    # categories, tags and citations.
    with django_assert_num_queries(6):
        data = client.get("/claims.json").json()
    assert data["count"] == 8


def test_statistics_json_query_count(client, seeded, django_assert_num_queries):
    StatisticFactory.create_batch(5)
    # The public-data version, the count, the rows, a grouped query per facet.
    with django_assert_num_queries(3 + len(STATISTIC_FACETS)):
        data = client.get("/statistics.json").json()
    assert data["count"] == 6


def test_sources_json_query_count(client, seeded, django_assert_num_queries):
    # The public-data version, the count, the rows, a grouped query per facet.
    with django_assert_num_queries(3 + len(LISTS["sources"].facets)):
        data = client.get("/sources.json").json()
    assert data["count"] == 3


@pytest.fixture
def awkward_claims():
    """Published claims with every kind of cell a CSV writer can get wrong."""
    org = OrganizationFactory(slug="=org")
    with_org = SourceFactory(title='Report, "quoted"', organization=org, author="A. Author")
    no_org = SourceFactory(title="Sin organización", organization=None, published_on=None)
    secret = SourceFactory(title="SECRET-SOURCE", url="https://secret.example", confidential=True)
    first = ClaimFactory(
        title="=HYPERLINK(1)",
        summary='Line one\r\nLine two\rthree\nfour, with "quotes" and ünïcödé ✓',
        place_details="+ near the gate",
        event_start=datetime.date(2022, 3, 27),
        event_end=datetime.date(2022, 4, 2),
        ongoing=True,
        victim_count=480,
        victim_description="-480",
        alleged_perpetrator="@state",
        verification_rationale="\ttabbed",
        location=LocationFactory(slug="cecot"),
        categories=[CategoryFactory(name="B", slug="-b"), CategoryFactory(name="A", slug="a")],
    )
    first.tags.add(
        Tag.objects.create(name="z tag", slug="z"), Tag.objects.create(name="a", slug="a")
    )
    CitationFactory(claim=first, source=with_org, quote='He said "no"\n', locator="p. 3")
    CitationFactory(claim=first, source=secret, quote="\u0001control")
    CitationFactory(claim=first, source=no_org, quote="")
    Claim.objects.filter(pk=first.pk).update(
        published_at=datetime.datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=datetime.UTC)
    )
    second = ClaimFactory(title="Plain", summary="", event_start=None, victim_count=None)
    Claim.objects.filter(pk=second.pk).update(
        published_at=datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    )
    ClaimFactory(title="Never cited", summary="claim")
    ClaimFactory(title="Hidden", status=ModerationStatus.SUBMITTED)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize(
    "query", ["", "sort=most_cited", "sort=recently_published", "q=claim", "organization==org"]
)
def test_claims_csv_from_postgresql_copy_is_byte_for_byte_the_python_rows(awkward_claims, query):
    claims = LISTS["claims"]
    params = QueryDict(query)
    origin = "https://tracker.example.org"
    copied = b"".join(exports.copy_csv(claims, claims.filterset(params).qs, origin))
    rows = claims.rows(claims.filterset(params), origin)
    written = "".join(exports.csv_rows(claims.columns, rows))
    assert copied.decode() == written
    assert f",{origin}/en/claims/" in written
    assert len(list(csv.reader(io.StringIO(written)))) > 1


def test_claims_csv_copy_writes_every_documented_column():
    expressions = [exports.copy_expression(name) for name in CLAIM_HEADER]
    assert all(expressions) and len(set(expressions)) == len(CLAIM_HEADER)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_claims_csv_is_written_by_copy_on_postgresql(client, awkward_claims, monkeypatch):
    def refuse(*args):
        raise AssertionError("the rows were written in Python")

    monkeypatch.setattr(exports, "csv_rows", refuse)
    rows = csv_rows(client.get("/claims.csv"))
    assert sorted(row["title"] for row in rows) == ["'=HYPERLINK(1)", "Never cited", "Plain"]


def test_places_exports_give_each_place_its_own_coordinates(client):
    mapped = LocationFactory(slug="cecot", latitude="13.5010", longitude="-88.6890")
    unmapped = LocationFactory(slug="somewhere")
    ClaimFactory(location=mapped)
    ClaimFactory(location=unmapped)
    rows = {row["slug"]: row for row in csv_rows(client.get("/places.csv"))}
    header = list(rows["cecot"])
    assert header.index("longitude") == header.index("latitude") + 1 > header.index("opened_year")
    assert (rows["cecot"]["latitude"], rows["cecot"]["longitude"]) == ("13.501", "-88.689")
    assert (rows["somewhere"]["latitude"], rows["somewhere"]["longitude"]) == ("", "")
    places = {place["slug"]: place for place in client.get("/places.json").json()["results"]}
    assert (places["cecot"]["latitude"], places["cecot"]["longitude"]) == (13.501, -88.689)
    assert places["somewhere"]["latitude"] is None
    api = {place["slug"]: place for place in client.get("/api/places/").json()["results"]}
    assert api["cecot"]["longitude"] == -88.689


@pytest.mark.parametrize("address", ["/statistics.csv", "/sources.csv", "/places.csv"])
def test_csv_page_column_is_the_absolute_address_the_json_gives(client, seeded, address):
    StatisticFactory()
    rows = csv_rows(client.get(address))
    results = client.get(address.replace(".csv", ".json")).json()["results"]

    key = "page" if address == "/sources.csv" else "url"
    assert rows and [row["page"] for row in rows] == [result[key] for result in results]
    assert all(row["page"].startswith("http://testserver/en/") for row in rows)
