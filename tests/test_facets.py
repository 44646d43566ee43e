import dataclasses
import datetime

import pytest
from django.http import QueryDict

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.facets import MAX_VALUES_PER_FACET, compute_facets, newest_first, toggle_query
from tracker.filters import ClaimFilter, StatisticFilter
from tracker.lists import CLAIM_FACETS, STATISTIC_FACETS
from tracker.models import Claim, ModerationStatus, VerificationGrade

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


def facets_of(filterset_class, query: str, specs):
    params = QueryDict(query)
    return compute_facets(filterset_class(params), params, specs)


def claim_facets(query: str = "") -> dict:
    facets = facets_of(ClaimFilter, query, CLAIM_FACETS)
    return {facet.param: {value.value: value for value in facet.values} for facet in facets}


def counts(facet: dict) -> dict:
    return {value: entry.count for value, entry in facet.items()}


def test_claim_facets_count_each_value():
    torture = CategoryFactory(slug="torture")
    death = CategoryFactory(slug="death")
    ClaimFactory(categories=[torture, death])
    ClaimFactory(categories=[torture])
    assert counts(claim_facets()["category"]) == {"torture": 2, "death": 1}


def test_claim_facets_leave_out_their_own_filter():
    ClaimFactory(verification=VerificationGrade.DISPUTED)
    ClaimFactory(verification=VerificationGrade.UNVERIFIED)
    grades = claim_facets("grade=disputed")["grade"]
    assert counts(grades) == {"disputed": 1, "unverified": 1}
    assert grades["disputed"].selected


def test_claim_facets_apply_the_other_filters():
    ClaimFactory(country="HN", verification=VerificationGrade.DISPUTED)
    ClaimFactory(country="SV", verification=VerificationGrade.UNVERIFIED)
    assert counts(claim_facets("grade=disputed")["country"]) == {"HN": 1}


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_claim_facets_never_count_unpublished_claims(state):
    category = CategoryFactory(slug="torture")
    place = LocationFactory(slug="cecot")
    ClaimFactory(categories=[category], location=place)
    hidden = ClaimFactory(categories=[category], location=place, country="HN", status=state)
    CitationFactory(claim=hidden, source=SourceFactory(organization=OrganizationFactory(slug="x")))
    facets = claim_facets()
    assert counts(facets["category"]) == {"torture": 1}
    assert counts(facets["place"]) == {"cecot": 1}
    assert counts(facets["country"]) == {"SV": 1}
    assert counts(facets["organization"]) == {}


def test_claim_facets_never_count_confidential_sources_organisations():
    secret_org = OrganizationFactory(slug="secret-org", name="Secret organisation")
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=SourceFactory(organization=secret_org, confidential=True))
    CitationFactory(claim=claim, source=SourceFactory(organization=OrganizationFactory(slug="ok")))
    assert counts(claim_facets()["organization"]) == {"ok": 1}


def test_claim_facets_count_a_claim_once_per_organisation():
    org = OrganizationFactory(slug="sjh")
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=SourceFactory(organization=org))
    CitationFactory(claim=claim, source=SourceFactory(organization=org))
    assert counts(claim_facets()["organization"]) == {"sjh": 1}


def test_claim_facets_year_counts_the_event_year():
    ClaimFactory(event_start=datetime.date(2022, 3, 27))
    ClaimFactory(event_start=datetime.date(2022, 5, 1))
    ClaimFactory(event_start=datetime.date(2025, 1, 1))
    assert counts(claim_facets()["year"]) == {"2022": 2, "2025": 1}


def test_claim_facets_ignore_invalid_values_like_the_list_does():
    ClaimFactory(country="SV", verification=VerificationGrade.DISPUTED)
    ClaimFactory(country="HN")
    assert counts(claim_facets("grade=bogus&place=nowhere")["country"]) == {"SV": 1, "HN": 1}


def test_claim_facets_validate_related_choices_once(django_assert_num_queries):
    CitationFactory(claim=ClaimFactory(location=LocationFactory(slug="cecot")))
    query = QueryDict("place=cecot&category=none&organization=none")
    # The chosen place, category and organisation are validated, then the facets counted.
    with django_assert_num_queries(4):
        compute_facets(ClaimFilter(query), query, CLAIM_FACETS)


def test_claim_facet_toggle_adds_and_removes_a_value():
    ClaimFactory(country="SV")
    ClaimFactory(country="HN")
    countries = claim_facets("country=SV&page=3")["country"]
    assert QueryDict(countries["SV"].toggle_query).getlist("country") == []
    assert QueryDict(countries["HN"].toggle_query).getlist("country") == ["SV", "HN"]
    assert "page" not in QueryDict(countries["HN"].toggle_query)


def test_claim_facet_keeps_a_selected_value_without_results():
    ClaimFactory(country="SV", verification=VerificationGrade.UNVERIFIED)
    grades = claim_facets("country=SV&grade=false")["grade"]
    assert grades["false"].count == 0
    assert grades["false"].selected
    assert grades["false"].label == "False"


def test_claim_facet_labels_are_names_not_slugs():
    ClaimFactory(location=LocationFactory(slug="cecot", name="CECOT"), country="SV")
    facets = claim_facets()
    assert facets["place"]["cecot"].label == "CECOT"
    assert facets["country"]["SV"].label == "El Salvador"


def test_facet_as_dict_gives_toggle_links():
    ClaimFactory(country="SV")
    facet = facets_of(ClaimFilter, "", CLAIM_FACETS)[1]
    assert facet.as_dict("/claims.json")["values"][0] == {
        "value": "SV",
        "label": "El Salvador",
        "count": 1,
        "selected": False,
        "toggle": "/claims.json?country=SV",
    }


def test_statistic_facets_count_published_figures_only():
    StatisticFactory(source=SourceFactory(organization=OrganizationFactory(slug="sjh")))
    StatisticFactory(
        source=SourceFactory(organization=OrganizationFactory(slug="draft-org")),
        status=ModerationStatus.DRAFT,
    )
    facets = facets_of(StatisticFilter, "", STATISTIC_FACETS)
    organizations = next(facet for facet in facets if facet.param == "organization")
    assert [(v.value, v.count) for v in organizations.values] == [("sjh", 1)]


def test_claim_facets_query_count_is_fixed(django_assert_num_queries):
    for index in range(6):
        claim = ClaimFactory(country="SV" if index % 2 else "HN", categories=[CategoryFactory()])
        CitationFactory(claim=claim)
    params = QueryDict("q=claim&grade=unverified")
    filterset = ClaimFilter(params)
    filterset.form.is_valid()
    with django_assert_num_queries(1):
        compute_facets(filterset, params, CLAIM_FACETS)


@pytest.fixture
def varied_claims():
    """Claims with ties, several organisations, a confidential source, missing places and
    dates, and hidden entries that no count may include."""
    categories = [CategoryFactory(slug=slug, name=slug.title()) for slug in ("b", "a", "c")]
    places = [LocationFactory(slug=slug) for slug in ("cecot", "izalco")]
    orgs = [OrganizationFactory(slug=slug, name=slug.upper()) for slug in ("sjh", "cristosal")]
    secret = SourceFactory(confidential=True, organization=OrganizationFactory(slug="hidden-org"))
    for n in range(12):
        claim = ClaimFactory(
            title=f"Claim {n} about detention" if n % 2 else f"Claim {n}",
            country=("SV", "HN", "GT")[n % 3],
            location=places[n % 2] if n % 4 else None,
            event_start=datetime.date(2020 + n % 3, 1, 1) if n % 5 else None,
            verification=("verified", "unverified", "disputed")[n % 3],
            categories=categories[: 1 + n % 3],
        )
        CitationFactory(claim=claim, source=SourceFactory(organization=orgs[n % 2]))
        CitationFactory(claim=claim, source=SourceFactory(organization=orgs[n % 2]))
        if n % 3 == 0:
            CitationFactory(claim=claim, source=secret)
    for state in HIDDEN_STATES:
        hidden = ClaimFactory(status=state, categories=categories, location=places[0])
        CitationFactory(claim=hidden, source=SourceFactory(organization=orgs[0]))


def values_of(claim: Claim, param: str) -> set[str]:
    """The values a claim counts under in a facet, read one claim at a time."""
    if param == "category":
        return {category.slug for category in claim.categories.all()}
    if param == "country":
        return {claim.country.code}
    if param == "place":
        return {claim.location.slug} if claim.location else set()
    if param == "grade":
        return {claim.verification}
    if param == "organization":
        return {
            citation.source.organization.slug
            for citation in claim.citations.all()
            if not citation.source.confidential and citation.source.organization
        }
    if param == "year":
        return {str(claim.event_start.year) if claim.event_start else "none"}
    raise AssertionError(param)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=detention",
        "country=SV&grade=verified",
        "category=a&country=SV&country=HN&grade=verified",
        "organization=sjh&year=2021",
        "place=cecot&q=claim&category=b",
        "grade=nonsense&organization=hidden-org",
        # a search with values of several facets: its matches found once, narrowed per base
        "q=detention&category=a&organization=sjh&year=2021&year=2022",
        "q=claim&grade=verified&grade=disputed&country=SV",
    ],
)
def test_claim_facets_in_one_statement_equal_a_count_claim_by_claim(varied_claims, query):
    params = QueryDict(query)
    facets = compute_facets(ClaimFilter(params), params, CLAIM_FACETS)
    specs = {spec.param: spec for spec in CLAIM_FACETS}
    for facet in facets:
        others = params.copy()
        others.pop(facet.param, None)
        counted: dict[str, int] = {}
        for claim in ClaimFilter(others).qs.prefetch_related(
            "categories", "citations__source__organization"
        ):
            for value in values_of(claim, facet.param):
                counted[value] = counted.get(value, 0) + 1
        expected = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
        expected = expected[:MAX_VALUES_PER_FACET]
        if specs[facet.param].newest_first:  # years: the most frequent, from the latest
            expected.sort(key=lambda item: newest_first({"key": item[0]}))
        got = [(value.value, value.count) for value in facet.values if value.count]
        assert got == expected, facet.param
    assert any(value.count for facet in facets for value in facet.values)


def test_claim_facets_are_one_query(varied_claims, django_assert_num_queries):
    params = QueryDict("country=SV&grade=verified&q=claim")
    filterset = ClaimFilter(params)
    filterset.form.is_valid()
    with django_assert_num_queries(1):
        compute_facets(filterset, params, CLAIM_FACETS)


ARRAY_QUERIES = [
    "",
    "country=SV",
    "category=torture",
    "organization=sjh",
    "category=torture&organization=sjh&grade=unverified",
    "q=custody",
    "q=custody&country=HN&year=2022",
]


@pytest.mark.parametrize("query", ARRAY_QUERIES)
def test_claim_facets_read_from_the_claims_arrays_equal_the_joins(query):
    """PostgreSQL counts categories and organisations from arrays its triggers keep on each
    claim; the joins of their link tables (SQLite's SQL) must give the very same facets."""
    torture, custody = CategoryFactory(slug="torture"), CategoryFactory(slug="custody")
    sjh, other = OrganizationFactory(slug="sjh"), OrganizationFactory(slug="other")
    secret = SourceFactory(organization=OrganizationFactory(slug="secret"), confidential=True)
    for number in range(12):
        claim = ClaimFactory(
            country=["SV", "HN", "GT"][number % 3],
            title=f"Death in custody {number}" if number % 2 else f"Raid {number}",
            event_start=datetime.date(2021 + number % 3, 1 + number % 12, 1),
            verification=["unverified", "corroborated"][number % 2],
        )
        claim.categories.set([torture, custody][: 1 + number % 3 // 2] if number % 4 else [])
        CitationFactory(
            claim=claim, source=SourceFactory(organization=sjh if number % 3 else other)
        )
        if number % 5 == 0:
            CitationFactory(claim=claim, source=secret)
    Claim.objects.filter(title="Raid 4").update(status=ModerationStatus.WITHDRAWN)
    from tracker.workflow.public_organizations import refresh_public_organizations

    refresh_public_organizations()
    joined = [
        dataclasses.replace(spec, sql_postgresql="", stored_columns=()) for spec in CLAIM_FACETS
    ]
    shown = [(f.param, [(v.value, v.count) for v in f.values]) for f in claim_facets_with(query)]
    expected = [
        (f.param, [(v.value, v.count) for v in f.values])
        for f in facets_of(ClaimFilter, query, joined)
    ]
    assert shown == expected
    assert "secret" not in str(shown)


def claim_facets_with(query: str):
    return facets_of(ClaimFilter, query, CLAIM_FACETS)


@pytest.mark.parametrize(
    ("query", "param", "value"),
    [
        ("", "country", "SV"),
        ("country=SV", "country", "SV"),
        ("country=SV&country=HN&page=3", "country", "HN"),
        ("q=tortura+%C3%A1rea&category=a&page=2&sort=most_cited", "category", "b"),
        ("q=a%26b%3Dc&year=none", "year", "none"),
        ("country=SV&country=SV", "country", "SV"),
        ("organization=%C3%B1&grade=", "organization", "ñ"),
    ],
)
def test_toggle_query_is_what_a_changed_copy_of_the_query_encodes(query, param, value):
    params = QueryDict(query)
    copy = params.copy()
    copy.pop("page", None)
    current = copy.getlist(param)
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    copy.setlist(param, current)
    assert toggle_query(params, param, value) == copy.urlencode()
