"""Cached counts and facets: every decision of the workflow shows on the very next request."""

import datetime

import pytest
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse

from tests.factories import ClaimFactory
from tracker import public_cache, workflow
from tracker.models import ModerationStatus, PublicDataVersion

pytestmark = pytest.mark.django_db

LIST = "public:claim_list"

TWO_PROCESSES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "one"},
    "process-a": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
    "process-b": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
}


def listed_count(client, query: str = "") -> int:
    return client.get(reverse(LIST) + query).context["paginator"].count


def grade_count(client, grade: str) -> int:
    facets = client.get(reverse(LIST)).context["facets"]
    values = next(facet for facet in facets if facet.param == "grade").values
    return next((value.count for value in values if value.value == grade), 0)


def test_public_cache_serves_the_count_without_counting_again(client):
    ClaimFactory.create_batch(3)
    assert listed_count(client) == 3
    ClaimFactory()  # written behind the workflow's back: the cached count stands
    assert listed_count(client) == 3


def test_public_cache_approve_shows_the_new_count(client, contributor, reviewer):
    ClaimFactory.create_batch(2)
    claim = ClaimFactory(status=ModerationStatus.SUBMITTED, created_by=contributor, cited=True)
    assert listed_count(client) == 2
    workflow.approve(claim, by=reviewer)
    assert listed_count(client) == 3


def test_public_cache_withdraw_shows_the_new_count(client, reviewer):
    claim, _other = ClaimFactory.create_batch(2)
    assert listed_count(client) == 2
    workflow.withdraw(
        claim,
        by=reviewer,
        comment="The source retracted it.",
        public_note="Withdrawn: the source retracted it.",
    )
    assert listed_count(client) == 1


def test_public_cache_grade_change_shows_in_the_facets(client, reviewer):
    claim = ClaimFactory()
    assert grade_count(client, "disputed") == 0
    workflow.set_verification(claim, by=reviewer, grade="disputed", rationale="Denied.")
    assert grade_count(client, "disputed") == 1


def test_public_cache_revision_approval_shows_the_new_count(client, contributor, reviewer):
    claim = ClaimFactory(country="SV", cited=True)
    assert listed_count(client, "?country=HN") == 0
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=claim.version, data={"fields": {"country": "HN"}}
    )
    assert listed_count(client, "?country=HN") == 0
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected as proposed.")
    assert listed_count(client, "?country=HN") == 1


def listed_titles(client, query: str = "") -> list[str]:
    return [claim.title for claim in client.get(reverse(LIST) + query).context["claims"]]


def test_public_cache_serves_the_page_rows_without_sorting_again(client):
    ClaimFactory(title="Only")
    assert listed_titles(client) == ["Only"]
    ClaimFactory(title="Behind the workflow's back")  # not on the cached page: no decision
    assert listed_titles(client) == ["Only"]


def test_public_cache_approve_shows_the_entry_on_the_page(client, contributor, reviewer):
    ClaimFactory(title="Older", event_start=datetime.date(2020, 1, 1))
    claim = ClaimFactory(
        title="Newer",
        event_start=datetime.date(2024, 1, 1),
        status=ModerationStatus.SUBMITTED,
        created_by=contributor,
        cited=True,
    )
    assert listed_titles(client) == ["Older"]
    workflow.approve(claim, by=reviewer)
    assert listed_titles(client) == ["Newer", "Older"]


def test_public_cache_withdraw_takes_the_entry_off_the_page(client, reviewer):
    claim = ClaimFactory(title="Withdrawn later")
    ClaimFactory(title="Stays")
    assert sorted(listed_titles(client)) == ["Stays", "Withdrawn later"]
    workflow.withdraw(
        claim,
        by=reviewer,
        comment="The source retracted it.",
        public_note="Withdrawn: the source retracted it.",
    )
    assert listed_titles(client) == ["Stays"]


def test_public_cache_revision_shows_the_new_text_on_the_page(client, contributor, reviewer):
    claim = ClaimFactory(title="Before", cited=True)
    assert listed_titles(client) == ["Before"]
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=claim.version, data={"fields": {"title": "After"}}
    )
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected as proposed.")
    assert listed_titles(client) == ["After"]


def test_public_cache_grade_change_of_a_draft_keeps_the_version(reviewer):
    claim = ClaimFactory(status=ModerationStatus.DRAFT)
    before = public_cache.public_version()
    workflow.set_verification(claim, by=reviewer, grade="disputed", rationale="Denied.")
    assert public_cache.public_version() == before


def test_public_cache_version_is_bumped_inside_the_decision_transaction(reviewer):
    claim = ClaimFactory()
    before = public_cache.public_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.withdraw(
            claim,
            by=reviewer,
            comment="Retracted.",
            public_note="Withdrawn: the source retracted it.",
        )
        raise RuntimeError("the decision fails after the withdrawal")
    assert public_cache.public_version() == before


def test_public_cache_two_processes_never_serve_a_stale_count(
    client, settings, monkeypatch, reviewer
):
    settings.CACHES = TWO_PROCESSES
    claim, _other = ClaimFactory.create_batch(2)

    def served_by(alias: str) -> int:
        monkeypatch.setattr(public_cache, "CACHE_ALIAS", alias)
        return listed_count(client)

    assert (served_by("process-a"), served_by("process-b")) == (2, 2)
    workflow.withdraw(
        claim, by=reviewer, comment="Retracted.", public_note="Withdrawn: the source retracted it."
    )
    assert (served_by("process-a"), served_by("process-b")) == (1, 1)
    assert caches["process-a"] is not caches["process-b"]


def test_public_cache_reads_the_version_with_one_query(django_assert_num_queries):
    PublicDataVersion.objects.update_or_create(pk=1, defaults={"value": 41})
    with django_assert_num_queries(1):
        assert public_cache.public_version() == 41


def test_public_cache_bump_creates_the_row_when_missing():
    PublicDataVersion.objects.all().delete()
    public_cache.bump_public_version()
    assert public_cache.public_version() == 1
