"""Read-only queries for the staff pages: the review count and the tip count."""

import pytest

from tests.factories import ClaimFactory, PersonFactory, StatisticFactory
from tests.test_workflow import propose
from tracker.models import ModerationStatus, Tip
from tracker.selectors import awaiting_review_count, new_tip_count

pytestmark = pytest.mark.django_db
S = ModerationStatus


def test_awaiting_review_count_counts_entries_and_revisions(contributor, reviewer):
    ClaimFactory(status=S.SUBMITTED)
    StatisticFactory(status=S.SUBMITTED)
    propose(ClaimFactory(), contributor, title="T")
    assert awaiting_review_count(reviewer) == 3


def test_awaiting_review_count_leaves_out_the_reviewers_own_work(reviewer, second_reviewer):
    ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    ClaimFactory(status=S.SUBMITTED, created_by=second_reviewer, last_edited_by=reviewer)
    StatisticFactory(status=S.SUBMITTED, created_by=reviewer)
    propose(ClaimFactory(), reviewer, title="Mine")
    ClaimFactory(status=S.SUBMITTED, created_by=second_reviewer, last_edited_by=second_reviewer)
    assert awaiting_review_count(reviewer) == 1
    assert awaiting_review_count(second_reviewer) == 3


def test_awaiting_review_count_includes_submitted_person_records(reviewer, second_reviewer):
    PersonFactory(status=S.SUBMITTED, created_by=second_reviewer)
    PersonFactory(status=S.SUBMITTED, created_by=reviewer)
    PersonFactory(status=S.DRAFT, created_by=second_reviewer)
    assert awaiting_review_count(reviewer) == 1
    assert awaiting_review_count(second_reviewer) == 1


def test_new_tip_count_counts_only_unhandled_tips():
    Tip.objects.create(what="One thing happened.")
    Tip.objects.create(what="Another thing happened.", status=Tip.Status.ARCHIVED)
    assert new_tip_count() == 1
