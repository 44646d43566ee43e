"""The public detail pages: what a claim, an organisation and the home page show."""

import datetime
import re

import pytest
from django.urls import reverse

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
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db


def test_unprefixed_url_redirects_to_a_language(client):
    response = client.get("/claims/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/claims/")


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


def test_claim_page_shows_a_grade_change_made_after_it_was_cached(client, reviewer):
    from tracker.workflow import set_verification

    claim = ClaimFactory()
    url = reverse("public:claim_detail", args=[claim.pk])
    client.get(url)
    set_verification(claim, by=reviewer, grade="disputed", rationale="The ministry denies it.")
    assert "The ministry denies it." in client.get(url).content.decode()


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


def test_home_page_has_a_search_box(client):
    body = client.get(reverse("public:home")).content.decode()
    assert 'role="search"' in body
    assert 'name="q"' in body


def headline_labels(client) -> list[str]:
    body = client.get(reverse("public:home")).content.decode()
    return re.findall(r'class="figure-label">[^<]*· ([^<]*)</span>', body)


def test_home_leads_with_the_indicators_with_the_most_figures(client):
    busy = IndicatorFactory(name="Deaths in custody")
    for value in (100, 200, 300):
        StatisticFactory(indicator=busy, value=value, as_of=datetime.date(2024, 1, value // 100))
    StatisticFactory(indicator=IndicatorFactory(name="Cellblocks"), as_of=datetime.date(2026, 1, 1))
    assert headline_labels(client) == ["Deaths in custody", "Cellblocks"]


def test_home_leads_with_the_featured_indicators(client):
    busy = IndicatorFactory(name="Deaths in custody")
    for value in (100, 200, 300):
        StatisticFactory(indicator=busy, value=value)
    StatisticFactory(indicator=IndicatorFactory(name="Detentions", featured=True))
    assert headline_labels(client) == ["Detentions", "Deaths in custody"]


def test_claim_page_related_figures_are_those_of_its_categories_indicators_or_its_place(client):
    torture, hunger = CategoryFactory(slug="torture"), CategoryFactory(slug="hunger")
    place, elsewhere = LocationFactory(slug="cecot"), LocationFactory(slug="izalco")
    claim = ClaimFactory(location=place, categories=[torture])
    by_category = StatisticFactory(indicator=IndicatorFactory(category=torture), location=elsewhere)
    by_place = StatisticFactory(indicator=IndicatorFactory(category=hunger), location=place)
    StatisticFactory(indicator=IndicatorFactory(category=hunger), location=elsewhere)
    StatisticFactory(
        indicator=by_category.indicator, location=elsewhere, status=ModerationStatus.SUBMITTED
    )
    response = client.get(claim.get_absolute_url())
    assert {figure.pk for figure in response.context["related_figures"]} == {
        by_category.pk,
        by_place.pk,
    }
    unrelated = ClaimFactory(location=None, categories=[CategoryFactory(slug="other")])
    assert list(client.get(unrelated.get_absolute_url()).context["related_figures"]) == []


def test_claim_page_related_figures_are_the_newest_twenty(client):
    place = LocationFactory(slug="cecot")
    claim = ClaimFactory(location=place)
    figures = [
        StatisticFactory(location=place, as_of=datetime.date(2022, 1, 1) + datetime.timedelta(d))
        for d in range(25)
    ]
    shown = list(client.get(claim.get_absolute_url()).context["related_figures"])
    assert [figure.pk for figure in shown] == [figure.pk for figure in reversed(figures)][:20]
