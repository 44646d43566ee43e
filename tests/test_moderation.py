import pytest

from tests.factories import ClaimFactory, StatisticFactory
from tracker import moderation
from tracker.models import Claim, ModerationEvent, ModerationStatus, Statistic, VerificationGrade

pytestmark = pytest.mark.django_db
S = ModerationStatus


def draft_by(user, model=Claim):
    entry = ClaimFactory.build() if model is Claim else StatisticFactory.build()
    if model is Statistic:
        entry.indicator.save()
        entry.source.organization.save()
        entry.source.organization_id = entry.source.organization.pk
        entry.source.save()
        entry.source_id = entry.source.pk
        entry.indicator_id = entry.indicator.pk
        entry.organization_id = entry.source.organization.pk
    return moderation.create_draft(entry, by=user)


def test_create_draft_records_author_and_event(contributor):
    claim = draft_by(contributor)
    assert claim.status == S.DRAFT
    assert claim.created_by == contributor
    assert [e.action for e in moderation.history(claim)] == ["create"]


def test_full_path_submit_then_approve(contributor, reviewer):
    claim = draft_by(contributor)
    moderation.submit(claim, by=contributor)
    moderation.approve(claim, by=reviewer, comment="Checked the sources.")
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    assert claim.published_at is not None
    events = list(moderation.history(claim))
    assert [(e.action, e.from_value, e.to_value) for e in events] == [
        ("create", "", S.DRAFT),
        ("submit", S.DRAFT, S.SUBMITTED),
        ("approve", S.SUBMITTED, S.PUBLISHED),
    ]
    assert events[-1].actor == reviewer
    assert events[-1].comment == "Checked the sources."


def test_statistic_goes_through_the_same_workflow(contributor, reviewer):
    statistic = draft_by(contributor, Statistic)
    moderation.submit(statistic, by=contributor)
    moderation.approve(statistic, by=reviewer)
    assert Statistic.objects.public().filter(pk=statistic.pk).exists()


def test_four_eyes_reviewer_cannot_approve_own_entry(reviewer):
    claim = draft_by(reviewer)
    moderation.submit(claim, by=reviewer)
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_four_eyes_last_editor_cannot_approve(contributor, reviewer):
    claim = draft_by(contributor)
    Claim.objects.filter(pk=claim.pk).update(last_edited_by=reviewer)
    claim.refresh_from_db()
    moderation.submit(claim, by=contributor)
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(claim, by=reviewer)


def test_contributor_cannot_approve(contributor):
    other = ClaimFactory(status=S.SUBMITTED)
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(other, by=contributor)


@pytest.mark.parametrize("action", ["request_changes", "reject", "withdraw"])
def test_decisions_need_a_comment(reviewer, action):
    state = S.PUBLISHED if action == "withdraw" else S.SUBMITTED
    claim = ClaimFactory(status=state)
    with pytest.raises(moderation.TransitionRefused, match="comment"):
        getattr(moderation, action)(claim, by=reviewer, comment="  ")
    claim.refresh_from_db()
    assert claim.status == state


def test_transition_from_wrong_state_is_refused(reviewer):
    claim = ClaimFactory(status=S.DRAFT)
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(claim, by=reviewer)
    assert not ModerationEvent.objects.exists()


def test_stale_copy_cannot_make_a_second_decision(reviewer, second_reviewer):
    claim = ClaimFactory(status=S.SUBMITTED)
    stale = Claim.objects.get(pk=claim.pk)
    moderation.reject(claim, by=reviewer, comment="No source.")
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(stale, by=second_reviewer)
    claim.refresh_from_db()
    assert claim.status == S.REJECTED


def test_set_verification_requires_rationale_and_records_it(reviewer):
    claim = ClaimFactory()
    with pytest.raises(moderation.TransitionRefused):
        moderation.set_verification(claim, by=reviewer, grade="verified", rationale="")
    moderation.set_verification(
        claim, by=reviewer, grade=VerificationGrade.DISPUTED, rationale="The ministry denies it."
    )
    claim.refresh_from_db()
    assert claim.verification == VerificationGrade.DISPUTED
    assert claim.verification_rationale == "The ministry denies it."
    event = moderation.history(claim).get()
    assert (event.kind, event.from_value, event.to_value) == (
        "verification",
        "unverified",
        "disputed",
    )


def test_contributor_cannot_set_verification(contributor):
    claim = ClaimFactory()
    with pytest.raises(moderation.TransitionRefused):
        moderation.set_verification(claim, by=contributor, grade="verified", rationale="Sure.")
