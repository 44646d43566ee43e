import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import ModerationStatus, Statistic
from tracker.workflow import approve

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]
# A withdrawn entry's page answers 410 Gone with its notice (see test_published_versions).
NEVER_PUBLISHED = [state for state in HIDDEN_STATES if state != ModerationStatus.WITHDRAWN]


@pytest.fixture(autouse=True)
def english():
    """Build URLs and compare wording in English, whatever an earlier request activated."""
    with translation.override("en"):
        yield


def test_home_shows_demo_claims_and_figures(client, demo_data):
    response = client.get(reverse("public:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Socorro Jurídico Humanitario" in body
    assert "at least 480" in body


def test_claim_list_shows_published_claims_only(client):
    ClaimFactory(title="Published allegation")
    for state in HIDDEN_STATES:
        ClaimFactory(title=f"Hidden allegation {state}", status=state)
    body = client.get(reverse("public:claim_list")).content.decode()
    assert "Published allegation" in body
    assert "Hidden allegation" not in body


@pytest.mark.parametrize("state", NEVER_PUBLISHED)
def test_unpublished_claim_page_is_not_found(client, state):
    claim = ClaimFactory(status=state)
    assert client.get(reverse("public:claim_detail", args=[claim.pk])).status_code == 404


@pytest.mark.parametrize("state", NEVER_PUBLISHED)
def test_unpublished_statistic_page_is_not_found(client, state):
    statistic = StatisticFactory(status=state)
    assert client.get(reverse("public:statistic_detail", args=[statistic.pk])).status_code == 404


def test_claim_page_shows_citation_and_hides_private_fields(client):
    claim = ClaimFactory(
        victim_identities="PRIVATE-VICTIM-NAME", private_notes="PRIVATE-NOTE-MARKER"
    )
    CitationFactory(claim=claim, quote="Quoted words", locator="p. 12", stance="contradicts")
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "Quoted words" in body
    assert "p. 12" in body
    assert "Contradicts" in body
    assert "PRIVATE-VICTIM-NAME" not in body
    assert "PRIVATE-NOTE-MARKER" not in body


def test_claim_page_shows_confidential_source_only_as_such(client):
    source = SourceFactory(
        confidential=True, title="SECRET-SOURCE-TITLE", url="https://secret.example/x"
    )
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=source)
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "Confidential source on file" in body
    assert "SECRET-SOURCE-TITLE" not in body
    assert "secret.example" not in body
    assert source.organization.name not in body


def test_source_page_of_unused_source_is_not_found(client):
    source = SourceFactory()
    assert client.get(reverse("public:source_detail", args=[source.pk])).status_code == 404


def test_location_page_of_place_with_only_drafts_is_not_found(client):
    location = LocationFactory()
    ClaimFactory(location=location, status=ModerationStatus.DRAFT)
    response = client.get(reverse("public:location_detail", args=[location.slug]))
    assert response.status_code == 404


def test_cecot_page_shows_capacity_and_claims(client, demo_data):
    body = client.get(reverse("public:location_detail", args=["cecot"])).content.decode()
    assert "at most 40,000" in body
    assert "65–70" in body
    assert "More than 200 Venezuelans" in body


def test_claim_page_query_count_is_bounded(client, django_assert_max_num_queries):
    claim = ClaimFactory()
    for _ in range(5):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


def test_unprefixed_url_redirects_to_a_language(client):
    response = client.get("/claims/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/claims/")


# Lists: filters, facets, chips, notices, exports.


def seed_claims(count: int) -> None:
    """Published claims with categories, a place and citations, so that an N+1 would show."""
    cecot = LocationFactory(slug="cecot", name="CECOT")
    category = CategoryFactory(slug="torture", name="Torture")
    for index in range(count):
        claim = ClaimFactory(
            location=cecot if index % 2 else None,
            categories=[category, CategoryFactory()],
            event_start=datetime.date(2022 + index % 3, 1, 1),
        )
        CitationFactory(claim=claim)


def seed_statistics(count: int) -> None:
    indicator = IndicatorFactory(slug="deaths")
    place = LocationFactory(slug="cecot-figures")
    for index in range(count):
        StatisticFactory(indicator=indicator, location=place, value=100 + index)


LIST_QUERIES = {
    "public:claim_list": 6,
    "public:statistic_list": 10,
    "public:source_list": 7,
    "public:organization_list": 6,
    "public:location_list": 6,
}
WARM_LIST_QUERIES = {
    "public:claim_list": 3,
    "public:statistic_list": 2,
    "public:source_list": 2,
    "public:organization_list": 2,
    "public:location_list": 2,
}


@pytest.mark.parametrize("url_name", LIST_QUERIES)
@pytest.mark.parametrize("rows", [3, 12])
def test_list_query_count_is_fixed(client, django_assert_num_queries, url_name, rows):
    seed_claims(rows)
    seed_statistics(rows)
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", WARM_LIST_QUERIES)
@pytest.mark.parametrize("rows", [3, 12])
def test_list_query_count_on_a_warm_cache_is_fixed(
    client, django_assert_num_queries, url_name, rows
):
    seed_claims(rows)
    seed_statistics(rows)
    client.get(reverse(url_name))
    with django_assert_num_queries(WARM_LIST_QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_claim_list_query_count_with_every_filter_is_fixed(client, django_assert_num_queries):
    seed_claims(12)
    query = (
        "?q=claim&category=torture&place=cecot&country=SV&grade=unverified&year=2023"
        "&event_from=2020-01-01&sort=most_cited"
    )
    # As without filters, plus place and category validated once (the facets use the page's
    # own FilterSet).
    with django_assert_num_queries(LIST_QUERIES["public:claim_list"] + 2):
        response = client.get(reverse("public:claim_list") + query)
    assert response.context["paginator"].count == 2


def test_claim_list_query_count_does_not_depend_on_page_size(
    client, django_assert_num_queries, monkeypatch
):
    from tracker.views.public import ClaimListView

    seed_claims(12)
    monkeypatch.setattr(ClaimListView, "paginate_by", 3)
    with django_assert_num_queries(LIST_QUERIES["public:claim_list"]):
        response = client.get(reverse("public:claim_list"))
    assert len(response.context["claims"]) == 3


def test_claim_list_filters_by_query_string(client):
    ClaimFactory(title="In Honduras", country="HN")
    ClaimFactory(title="In El Salvador", country="SV")
    body = client.get(reverse("public:claim_list") + "?country=HN").content.decode()
    assert "In Honduras" in body
    assert "In El Salvador" not in body


def test_claim_list_shows_total_count(client):
    seed_claims(30)
    response = client.get(reverse("public:claim_list"))
    assert "30 published claims match" in response.content.decode()
    assert len(response.context["claims"]) == 25


def test_claim_list_shows_facet_counts_with_toggle_links(client):
    seed_claims(4)
    body = client.get(reverse("public:claim_list") + "?grade=unverified").content.decode()
    assert 'href="?grade=unverified&amp;place=cecot"' in body
    assert 'class="facet-count">2<' in body


def test_claim_list_shows_active_filters_as_removable_chips(client):
    ClaimFactory(country="HN", verification="disputed")
    response = client.get(reverse("public:claim_list") + "?country=HN&grade=disputed&q=claim")
    chips = {chip.label: chip for chip in response.context["active_filters"]}
    assert chips["Country"].value == "Honduras"
    assert chips["Country"].remove_query == "grade=disputed&q=claim"
    assert chips["Search"].remove_query == "country=HN&grade=disputed"
    assert "Remove filter Grade: Disputed" in response.content.decode()


def test_claim_list_links_to_exports_of_the_same_view(client):
    body = client.get(reverse("public:claim_list") + "?country=HN&page=2").content.decode()
    assert 'href="/claims.csv?country=HN"' in body
    assert 'href="/claims.json?country=HN"' in body


def test_statistic_list_links_to_exports_of_the_same_view(client):
    body = client.get(reverse("public:statistic_list") + "?grade=verified").content.decode()
    assert 'href="/statistics.csv?grade=verified"' in body
    assert 'href="/statistics.json?grade=verified"' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("grade=bogus", "The filter “Grade” was ignored"),
        ("event_from=2024-99-01", "The filter “Happened on or after” was ignored"),
        ("published_to=yesterday", "The filter “Published on or before” was ignored"),
        ("page=abc", "“abc” is not a page number: showing the first page."),
        ("page=99999", "There is no page 99999: showing the last page, 1."),
        ("page=0", "Pages start at 1: showing the first page."),
        ("category=no-such-category", "The filter “Category” was ignored"),
        ("year=1066", "The filter “Year” was ignored"),
    ],
)
def test_claim_list_bad_input_gives_the_page_with_a_message(client, query, message):
    ClaimFactory(title="Still listed")
    response = client.get(reverse("public:claim_list") + "?" + query)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Still listed" in body


def test_claim_list_page_beyond_the_end_shows_the_last_page(client):
    seed_claims(30)
    response = client.get(reverse("public:claim_list") + "?page=99999")
    assert response.context["page_obj"].number == 2


def test_claim_list_pagination_links_keep_the_filters(client):
    for _ in range(30):
        ClaimFactory(country="HN")
    body = client.get(reverse("public:claim_list") + "?country=HN").content.decode()
    assert 'href="?country=HN&amp;page=2"' in body


def test_statistic_list_bad_input_gives_the_page_with_a_message(client):
    StatisticFactory()
    response = client.get(reverse("public:statistic_list") + "?grade=nope&page=x")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The filter “Grade” was ignored" in body
    assert "“x” is not a page number" in body


def test_claim_list_search_is_accent_insensitive(client):
    ClaimFactory(title="Socorro Jurídico Humanitario report")
    ClaimFactory(title="Unrelated")
    body = client.get(reverse("public:claim_list") + "?q=juridico").content.decode()
    assert "Socorro Jurídico Humanitario report" in body
    assert "Unrelated" not in body


# Detail pages.


def test_claim_page_shows_grade_history_with_rationale_but_not_who(client, reviewer):
    from tracker.workflow import set_verification

    claim = ClaimFactory()
    set_verification(claim, by=reviewer, grade="disputed", rationale="The ministry denies it.")
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "The ministry denies it." in body
    assert "Credible sources contradict it." in body
    assert reviewer.username not in body
    assert reviewer.email not in body


def test_claim_page_shows_date_at_its_precision(client):
    claim = ClaimFactory(event_start=datetime.date(2025, 6, 1), date_precision="year")
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "<dd>2025</dd>" in body


def test_claim_page_has_a_permanent_link_without_language(client):
    claim = ClaimFactory()
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert f"http://testserver/claims/{claim.pk}/" in body


def test_claim_page_shows_related_figures_of_the_same_place(client):
    place = LocationFactory()
    claim = ClaimFactory(location=place)
    StatisticFactory(location=place, value=40000)
    StatisticFactory(value=12345)
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "40,000" in body
    assert "12,345" not in body


def test_claim_page_without_place_does_not_relate_figures_without_place(client):
    claim = ClaimFactory(location=None)
    StatisticFactory(value=12345, location=None)
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "12,345" not in body


def test_claim_page_query_count_is_pinned(client, django_assert_num_queries, reviewer):
    from tracker.workflow import set_verification

    claim = ClaimFactory(location=LocationFactory(), categories=[CategoryFactory()])
    for _ in range(5):
        CitationFactory(claim=claim)
        StatisticFactory(location=claim.location)
    set_verification(claim, by=reviewer, grade="corroborated", rationale="Two sources.")
    # claim, public-data version, categories, tags, citations, grade changes, related figures,
    # published versions
    with django_assert_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


def test_claim_page_query_count_on_a_warm_cache_is_fixed(client, django_assert_num_queries):
    claim = ClaimFactory(title="Cached claim page")
    CitationFactory.create_batch(3, claim=claim)
    url = reverse("public:claim_detail", args=[claim.pk])
    client.get(url)
    # claim, public-data version; the page's body is cached
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content.decode().count('class="citation stance-') == 3


def test_claim_page_shows_a_grade_change_made_after_it_was_cached(client, reviewer):
    from tracker.workflow import set_verification

    claim = ClaimFactory()
    url = reverse("public:claim_detail", args=[claim.pk])
    client.get(url)
    set_verification(claim, by=reviewer, grade="disputed", rationale="The ministry denies it.")
    assert "The ministry denies it." in client.get(url).content.decode()


def test_indicator_page_shows_two_series_for_deaths_in_custody(client, demo_data):
    url = reverse(
        "public:indicator_detail", args=["deaths-in-state-custody-el-salvador-state-of-exception"]
    )
    response = client.get(url)
    series = {entry["label"]: entry["points"] for entry in response.context["chart_data"]}
    assert {name: len(points) for name, points in series.items()} == {
        "Socorro Jurídico Humanitario": 3,
        "Cristosal": 1,
    }
    assert [p["qualifier"] for p in series["Socorro Jurídico Humanitario"]] == [
        "at_least",
        "more_than",
        "at_least",
    ]


def test_indicator_page_passes_chart_data_without_inline_script(client):
    statistic = StatisticFactory(qualifier="at_least", value=301)
    body = client.get(statistic.indicator.get_absolute_url()).content.decode()
    assert '<script id="indicator-chart-data" type="application/json">' in body
    assert "/static/vendor/chart.js/chart.umd.min.js" in body
    assert "/static/js/indicator-chart.js" in body
    scripts = body.count("<script")
    assert scripts == body.count("<script src=") + 1
    assert "style=" not in body


def test_indicator_page_table_marks_the_qualifier(client):
    statistic = StatisticFactory(qualifier="more_than", value=430)
    body = client.get(statistic.indicator.get_absolute_url()).content.decode()
    assert "more than 430" in body


def test_indicator_page_draws_ranges_as_ranges(client):
    statistic = StatisticFactory(qualifier="range", value=65, value_high=70)
    response = client.get(statistic.indicator.get_absolute_url())
    point = response.context["chart_data"][0]["points"][0]
    assert (point["y"], point["high"], point["text"]) == (65.0, 70.0, "65–70")


def test_organization_page_shows_what_its_sources_support_and_contradict(client):
    org = OrganizationFactory()
    source = SourceFactory(organization=org)
    CitationFactory(claim=ClaimFactory(title="Backed claim"), source=source, stance="supports")
    CitationFactory(claim=ClaimFactory(title="Denied claim"), source=source, stance="contradicts")
    CitationFactory(
        claim=ClaimFactory(title="Draft claim", status=ModerationStatus.DRAFT), source=source
    )
    body = client.get(org.get_absolute_url()).content.decode()
    assert "Backed claim" in body
    assert "Denied claim" in body
    assert "Contradicts" in body
    assert "Draft claim" not in body


def test_organization_only_behind_confidential_sources_is_not_found(client):
    org = OrganizationFactory()
    CitationFactory(source=SourceFactory(organization=org, confidential=True))
    assert client.get(org.get_absolute_url()).status_code == 404


def test_methodology_page_explains_both_scales(client):
    body = client.get(reverse("public:methodology")).content.decode()
    assert "Two or more independent organisations report it." in body
    assert "The source withdrew it." in body
    assert "A: completely reliable" in body
    assert "F: reliability cannot be judged" in body


def test_home_page_has_a_search_box(client):
    body = client.get(reverse("public:home")).content.decode()
    assert 'role="search"' in body
    assert 'name="q"' in body


DETAIL_QUERIES = {
    "home": (lambda: reverse("public:home"), 3),
    # figure, published versions
    "statistic": (lambda: Statistic.objects.first().get_absolute_url(), 2),
    # indicator, public-data version, figures (cached afterwards: see the warm test)
    "indicator": (lambda: reverse("public:indicator_detail", args=["deaths"]), 3),
    "place": (lambda: reverse("public:location_detail", args=["cecot-figures"]), 3),
    "organization": (lambda: Statistic.objects.first().organization.get_absolute_url(), 5),
    "source": (lambda: Statistic.objects.first().source.get_absolute_url(), 3),
    "methodology": (lambda: reverse("public:methodology"), 0),
}


@pytest.mark.parametrize("page", DETAIL_QUERIES)
def test_page_query_count_is_pinned(client, django_assert_num_queries, page):
    seed_claims(6)
    seed_statistics(6)
    url_of, expected = DETAIL_QUERIES[page]
    url = url_of()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


def test_indicator_page_query_count_on_a_warm_cache_is_fixed(client, django_assert_num_queries):
    seed_statistics(6)
    url = reverse("public:indicator_detail", args=["deaths"])
    client.get(url)
    # indicator, public-data version; the figures' rendering is cached
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content.decode().count('data-label="Reported by"') == 6


def test_indicator_page_shows_a_figure_published_after_it_was_cached(client, reviewer):
    statistic = StatisticFactory(value=777, status=ModerationStatus.SUBMITTED)
    url = statistic.indicator.get_absolute_url()
    client.get(url)
    approve(statistic, by=reviewer, comment="")
    assert "777" in client.get(url).content.decode()


# Nothing unpublished and no private field on any public page.

PRIVATE = "PRIVATE-MARKER"


def public_urls(claim, statistic) -> list[str]:
    return [
        reverse("public:home"),
        reverse("public:claim_list"),
        reverse("public:claim_list") + "?q=marker",
        reverse("public:statistic_list"),
        reverse("public:source_list"),
        reverse("public:organization_list"),
        reverse("public:location_list"),
        reverse("public:methodology"),
        claim.get_absolute_url(),
        statistic.get_absolute_url(),
        statistic.indicator.get_absolute_url(),
        statistic.organization.get_absolute_url(),
        statistic.source.get_absolute_url(),
        claim.location.get_absolute_url(),
    ]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_no_public_page_shows_unpublished_entries_or_private_fields(client, reviewer, state):
    from tracker.workflow import set_verification

    place = LocationFactory()
    org = OrganizationFactory(private_notes=PRIVATE)
    source = SourceFactory(organization=org, private_notes=PRIVATE)
    claim = ClaimFactory(
        location=place, victim_identities=PRIVATE, private_notes=PRIVATE, title="Public marker"
    )
    CitationFactory(claim=claim, source=source)
    set_verification(claim, by=reviewer, grade="corroborated", rationale="Two sources.")
    statistic = StatisticFactory(source=source, location=place, private_notes=PRIVATE)
    hidden_source = SourceFactory(
        title="HIDDEN-SOURCE", organization=OrganizationFactory(name="HIDDEN-ORG")
    )
    hidden = ClaimFactory(title="HIDDEN-CLAIM marker", location=place, status=state)
    CitationFactory(claim=hidden, source=hidden_source)
    StatisticFactory(
        indicator=statistic.indicator,
        source=hidden_source,
        location=place,
        value=987654,
        status=state,
    )
    secret = SourceFactory(title="SECRET-SOURCE", confidential=True, url="https://secret.example")
    CitationFactory(claim=claim, source=secret)
    for url in public_urls(claim, statistic):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        for marker in (
            "HIDDEN-CLAIM",
            "HIDDEN-SOURCE",
            "HIDDEN-ORG",
            "987,654",
            PRIVATE,
            "SECRET-SOURCE",
            "secret.example",
            secret.organization.name,
            reviewer.username,
            reviewer.email,
        ):
            assert marker not in body, (url, marker)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_pages_of_entries_used_only_by_unpublished_ones_are_not_found(client, state):
    source = SourceFactory()
    statistic = StatisticFactory(source=source, location=LocationFactory(), status=state)
    expected = 410 if state == ModerationStatus.WITHDRAWN else 404
    assert client.get(statistic.get_absolute_url()).status_code == expected
    for url in (
        source.get_absolute_url(),
        source.organization.get_absolute_url(),
        statistic.location.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url


def test_methodology_names_each_reliability_grade_once(client):
    body = client.get(reverse("public:methodology")).content.decode()
    assert body.count("A: completely reliable") == 1
    assert "<strong>A</strong>" not in body
