"""The review queue: pages, order, filters, the reviewer's own work marked, the next item."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import selectors, workflow
from tracker.models import Claim, ModerationStatus, Revision, Statistic

pytestmark = pytest.mark.django_db
S = ModerationStatus
QUEUE_URL = "/en/review/"
QUEUE_QUERIES = 21
OWN = "Your own: another reviewer must decide"


def waiting_since(item, days: int) -> None:
    """Make ``item`` wait in the queue for ``days`` days."""
    when = timezone.now() - datetime.timedelta(days=days)
    if isinstance(item, Revision):
        Revision.objects.filter(pk=item.pk).update(created_at=when)
    else:
        type(item).objects.filter(pk=item.pk).update(updated_at=when)


def revision_of(entry, by):
    return workflow.propose_revision(
        entry, by=by, expected_version=entry.version, data={"fields": {"private_notes": "New"}}
    )


def rows(response) -> list:
    return [row.item for row in response.context["items"]]


def test_queue_shows_25_items_a_page(client, reviewer, contributor):
    claims = [ClaimFactory(status=S.SUBMITTED, created_by=contributor) for _ in range(30)]
    for age, claim in enumerate(reversed(claims)):
        waiting_since(claim, age)
    client.force_login(reviewer)
    first = client.get(QUEUE_URL)
    second = client.get(QUEUE_URL, {"page": 2})
    assert rows(first) == claims[:25]
    assert rows(second) == claims[25:]
    assert "Page 1 of 2" in first.content.decode()
    assert "30 items await review · page 2 of 2" in second.content.decode()


def test_queue_page_links_keep_the_filters(client, reviewer, contributor):
    for _ in range(26):
        ClaimFactory(status=S.SUBMITTED, created_by=contributor, country="GT")
    client.force_login(reviewer)
    body = client.get(QUEUE_URL, {"type": "claim", "country": "GT", "sort": "newest"})
    assert 'href="?type=claim&amp;country=GT&amp;sort=newest&amp;page=2"' in body.content.decode()


def test_queue_answers_a_bad_page_number_with_the_nearest_page(client, reviewer, contributor):
    ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    client.force_login(reviewer)
    response = client.get(QUEUE_URL, {"page": "9"})
    assert response.status_code == 200
    assert len(response.context["items"]) == 1
    assert "There is no page 9" in response.content.decode()


def test_queue_sorts_oldest_first_newest_first_or_by_type(client, reviewer, contributor):
    revision = revision_of(ClaimFactory(), contributor)
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    for days, item in ((3, revision), (2, statistic), (1, claim)):
        waiting_since(item, days)
    client.force_login(reviewer)
    assert rows(client.get(QUEUE_URL)) == [revision, statistic, claim]
    assert rows(client.get(QUEUE_URL, {"sort": "newest"})) == [claim, statistic, revision]
    assert rows(client.get(QUEUE_URL, {"sort": "type"})) == [claim, statistic, revision]


def test_queue_filters_by_country_through_entries_and_revisions(client, reviewer, contributor):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, country="GT")
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor, country="GT")
    placed = StatisticFactory(
        status=S.SUBMITTED, created_by=contributor, location=LocationFactory(country="GT")
    )
    revision = revision_of(ClaimFactory(country="GT"), contributor)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, country="SV")
    StatisticFactory(status=S.SUBMITTED, created_by=contributor, country="SV")
    revision_of(ClaimFactory(country="SV"), contributor)
    client.force_login(reviewer)
    found = rows(client.get(QUEUE_URL, {"country": "GT"}))
    assert set(found) == {claim, statistic, placed, revision}


def test_queue_filters_by_category_through_entries_and_revisions(client, reviewer, contributor):
    torture = CategoryFactory(name="Torture")
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, categories=[torture])
    statistic = StatisticFactory(
        status=S.SUBMITTED, created_by=contributor, indicator=IndicatorFactory(category=torture)
    )
    revision = revision_of(ClaimFactory(categories=[torture]), contributor)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, categories=[CategoryFactory()])
    StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    revision_of(ClaimFactory(), contributor)
    client.force_login(reviewer)
    found = rows(client.get(QUEUE_URL, {"category": torture.pk}))
    assert set(found) == {claim, statistic, revision}


def test_queue_filters_by_organisation_through_entries_and_revisions(client, reviewer, contributor):
    organization = OrganizationFactory()
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    CitationFactory(claim=claim, source=SourceFactory(organization=organization))
    statistic = StatisticFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        source=SourceFactory(organization=organization),
    )
    revision = revision_of(statistic_published := StatisticFactory(), contributor)
    Statistic.objects.filter(pk=statistic_published.pk).update(organization=organization)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, cited=True)
    client.force_login(reviewer)
    found = rows(client.get(QUEUE_URL, {"organization": organization.pk}))
    assert set(found) == {claim, statistic, revision}


def test_queue_filters_by_author(client, reviewer, contributor):
    other = make_user("contributor")
    claim = ClaimFactory(status=S.SUBMITTED, created_by=other)
    revision = revision_of(ClaimFactory(), other)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    revision_of(ClaimFactory(), contributor)
    client.force_login(reviewer)
    response = client.get(QUEUE_URL, {"author": other.pk})
    assert set(rows(response)) == {claim, revision}
    options = response.context["filter"].form.fields["author"].queryset
    assert set(options) == {other, contributor}


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("public_tip", {"tip"}),
        ("import", {"imported"}),
        ("staff", {"staff", "figure", "revision"}),
    ],
)
def test_queue_filters_by_origin(client, reviewer, contributor, origin, expected):
    items = {
        "tip": ClaimFactory(
            status=S.SUBMITTED, created_by=contributor, origin=Claim.Origin.PUBLIC_TIP
        ),
        "imported": ClaimFactory(
            status=S.SUBMITTED, created_by=contributor, origin=Claim.Origin.IMPORT
        ),
        "staff": ClaimFactory(status=S.SUBMITTED, created_by=contributor),
        "figure": StatisticFactory(status=S.SUBMITTED, created_by=contributor),
        "revision": revision_of(ClaimFactory(), contributor),
    }
    client.force_login(reviewer)
    found = set(rows(client.get(QUEUE_URL, {"origin": origin})))
    assert found == {items[name] for name in expected}


def test_queue_names_how_a_claim_came_in(client, reviewer, contributor):
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, origin=Claim.Origin.PUBLIC_TIP)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, origin=Claim.Origin.IMPORT)
    client.force_login(reviewer)
    body = client.get(QUEUE_URL).content.decode()
    assert "<strong>Sent by the public</strong>" in body
    assert "<strong>Imported from a spreadsheet</strong>" in body


def test_queue_filters_by_age_and_type_together(client, reviewer, contributor):
    old = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    waiting_since(old, 10)
    ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    old_figure = StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    waiting_since(old_figure, 10)
    client.force_login(reviewer)
    assert rows(client.get(QUEUE_URL, {"age": "7", "type": "claim"})) == [old]


def test_queue_reports_a_bad_filter_value_and_keeps_the_others(client, reviewer, contributor):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, country="GT")
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, country="SV")
    client.force_login(reviewer)
    response = client.get(QUEUE_URL, {"country": "GT", "category": "nope", "sort": "sideways"})
    assert response.status_code == 200
    assert rows(response) == [claim]
    body = response.content.decode()
    assert "The filter “category” was ignored" in body
    assert "The filter “sort by” was ignored" in body


def test_queue_marks_the_reviewers_own_work(client, reviewer, contributor):
    created = ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    edited = StatisticFactory(status=S.SUBMITTED, created_by=contributor, last_edited_by=reviewer)
    proposed = revision_of(ClaimFactory(), reviewer)
    others = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    client.force_login(reviewer)
    response = client.get(QUEUE_URL)
    own = {row.item for row in response.context["items"] if row.own}
    assert own == {created, edited, proposed}
    assert others not in own
    assert response.content.decode().count(OWN) == 3


def test_queue_marks_nothing_for_another_reviewer(client, reviewer, second_reviewer):
    ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    client.force_login(second_reviewer)
    assert OWN not in client.get(QUEUE_URL).content.decode()


def test_queue_says_when_nothing_matches_the_filters(client, reviewer):
    client.force_login(reviewer)
    assert "Nothing awaits review." in client.get(QUEUE_URL).content.decode()
    body = client.get(QUEUE_URL, {"type": "claim"}).content.decode()
    assert "Nothing awaiting review matches these filters." in body


def test_queue_escapes_titles(client, reviewer, contributor):
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, title="<script>alert(1)</script>")
    client.force_login(reviewer)
    body = client.get(QUEUE_URL).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_next_in_queue_is_the_oldest_item_the_reviewer_may_decide(reviewer, contributor):
    own = ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    own_revision = revision_of(ClaimFactory(), reviewer)
    current = StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    oldest_other = revision_of(ClaimFactory(), contributor)
    newer = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    for days, item in ((5, own), (5, own_revision), (4, current), (3, oldest_other), (1, newer)):
        waiting_since(item, days)
    following = selectors.next_in_queue(reviewer, after=("statistic", current.pk))
    assert following.item == oldest_other
    assert following.url == reverse("review:revision", args=[oldest_other.pk])


def test_next_in_queue_is_none_when_only_own_work_is_left(reviewer):
    ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    assert selectors.next_in_queue(reviewer) is None


def fill_queue(per_kind: int, contributor, reviewer) -> None:
    category = CategoryFactory()
    for number in range(per_kind):
        by = reviewer if number % 4 == 0 else contributor
        claim = ClaimFactory(status=S.SUBMITTED, created_by=by, categories=[category])
        CitationFactory(claim=claim)
        StatisticFactory(status=S.SUBMITTED, created_by=by, country="SV")
        revision_of(ClaimFactory(), by)
        revision_of(StatisticFactory(), by)


def count_queue_queries(client, params: dict) -> int:
    client.get(QUEUE_URL, params)  # warm: the content types are cached once per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE_URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("per_kind", [3, 40])
def test_queue_query_count_is_pinned_whatever_its_length(
    client, reviewer, contributor, per_kind, django_assert_num_queries
):
    fill_queue(per_kind, contributor, reviewer)
    client.force_login(reviewer)
    client.get(QUEUE_URL)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE_URL)
    assert len(response.context["items"]) == min(25, 4 * per_kind)


@pytest.mark.parametrize("per_kind", [3, 40])
def test_filtered_queue_page_query_count_is_pinned_whatever_its_length(
    client, reviewer, contributor, per_kind, django_assert_num_queries
):
    fill_queue(per_kind, contributor, reviewer)
    params = {
        "country": "SV",
        "category": "",
        "author": contributor.pk,
        "origin": "staff",
        "sort": "newest",
        "page": "2",
    }
    client.force_login(reviewer)
    client.get(QUEUE_URL, params)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE_URL, params)
    assert response.status_code == 200


def test_queue_query_count_does_not_grow_with_the_queue(client, reviewer, contributor):
    client.force_login(reviewer)
    fill_queue(2, contributor, reviewer)
    small = count_queue_queries(client, {})
    fill_queue(30, contributor, reviewer)
    assert count_queue_queries(client, {}) == small
