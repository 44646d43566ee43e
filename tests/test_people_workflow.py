"""Person records go through the claims' workflow; links between them through the linkage's."""

import re

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, PersonSourceFactory, SourceFactory, make_user
from tracker import workflow
from tracker.models import (
    LinkProposal,
    ModerationEvent,
    ModerationStatus,
    Person,
    Privacy,
    PublishedVersion,
    Withdrawal,
)

pytestmark = pytest.mark.django_db

S = ModerationStatus


@pytest.fixture
def people_staff(db):
    return {
        "author": make_user("contributor"),
        "reviewer": make_user("reviewer"),
        "second": make_user("reviewer"),
    }


def draft(by, **kwargs) -> Person:
    person = Person(name="Zacarías Quintanilla", privacy=Privacy.ANONYMOUS, **kwargs)
    workflow.create_draft(person, by=by)
    return person


def test_person_moderation_draft_submitted_published(people_staff):
    person = draft(people_staff["author"])
    PersonSourceFactory(person=person)
    workflow.submit(person, by=people_staff["author"])
    workflow.approve(person, by=people_staff["reviewer"])
    person.refresh_from_db()
    assert person.status == S.PUBLISHED and person.published_at is not None
    actions = list(workflow.history(person).values_list("action", flat=True))
    assert actions == ["create", "submit", "approve"]
    assert person.history.count() >= 3


def test_person_moderation_refuses_the_author_approving_their_own_record(people_staff):
    person = draft(people_staff["reviewer"])
    PersonSourceFactory(person=person)
    workflow.submit(person, by=people_staff["reviewer"])
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(person, by=people_staff["reviewer"])
    person.refresh_from_db()
    assert person.status == S.SUBMITTED


def test_person_moderation_refuses_a_record_without_a_traceable_source(people_staff):
    person = draft(people_staff["author"])
    PersonSourceFactory(person=person, source=SourceFactory(url="", archived_url=""))
    workflow.submit(person, by=people_staff["author"])
    with pytest.raises(workflow.TransitionRefused, match="cannot be published"):
        workflow.approve(person, by=people_staff["reviewer"])


def test_person_moderation_refuses_contributors_deciding(people_staff):
    person = draft(people_staff["author"])
    PersonSourceFactory(person=person)
    workflow.submit(person, by=people_staff["author"])
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(person, by=make_user("contributor"))


def test_person_withdrawal_keeps_no_public_version_or_notice(people_staff):
    person = PersonFactory(status=S.SUBMITTED)
    workflow.approve(person, by=people_staff["reviewer"])
    workflow.withdraw(person, by=people_staff["reviewer"], comment="dup", public_note="Duplicate.")
    person.refresh_from_db()
    assert person.status == S.WITHDRAWN
    assert not PublishedVersion.objects.for_entry(person).exists()
    assert not Withdrawal.objects.for_entry(person).exists()


def proposal_of(a: Person, b: Person) -> LinkProposal:
    workflow.store_proposals([(a.pk, b.pk, 0.97, {"name": 0.97})])
    return LinkProposal.objects.get()


def test_linkage_confirm_makes_one_person_and_keeps_every_source(people_staff):
    a = PersonFactory(privacy=Privacy.NAMED)
    b = PersonFactory(privacy=Privacy.NAMED)
    proposal = proposal_of(a, b)
    workflow.confirm_link(proposal, by=people_staff["reviewer"])
    b.refresh_from_db()
    assert b.same_as_id == a.pk
    assert Person.objects.public().people_count() == 1
    assert list(Person.objects.listed()) == [a]
    assert a.reports.count() == 1 and b.reports.count() == 1
    events = ModerationEvent.objects.filter(kind=ModerationEvent.Kind.LINKAGE)
    assert {event.object_id for event in events} == {a.pk, b.pk}
    decision = proposal.history.latest()
    assert decision.history_user == people_staff["reviewer"]
    assert decision.history_change_reason == "confirm_link"


def test_linkage_confirm_gives_linked_records_the_most_protective_privacy(people_staff):
    named = PersonFactory(privacy=Privacy.NAMED)
    anonymous = PersonFactory(privacy=Privacy.ANONYMOUS)
    workflow.confirm_link(proposal_of(named, anonymous), by=people_staff["reviewer"])
    named.refresh_from_db()
    assert named.privacy == Privacy.ANONYMOUS
    assert "synthetic" not in named.search_text


def test_linkage_head_is_a_published_record(people_staff):
    unpublished = PersonFactory(status=S.DRAFT)
    published = PersonFactory()
    workflow.confirm_link(proposal_of(unpublished, published), by=people_staff["reviewer"])
    unpublished.refresh_from_db()
    assert unpublished.same_as_id == published.pk


def test_linkage_undo_separates_the_records_again(people_staff):
    a, b = PersonFactory(), PersonFactory()
    proposal = workflow.confirm_link(proposal_of(a, b), by=people_staff["reviewer"])
    with pytest.raises(workflow.TransitionRefused):
        workflow.undo_link(proposal, by=people_staff["second"], comment="")
    workflow.undo_link(proposal, by=people_staff["second"], comment="Two brothers.")
    b.refresh_from_db()
    assert b.same_as_id is None
    assert Person.objects.public().people_count() == 2
    assert LinkProposal.objects.get().status == LinkProposal.Status.UNDONE


def test_linkage_undo_of_one_link_keeps_the_others_of_a_chain(people_staff):
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    first = workflow.confirm_link(proposal_of(a, b), by=people_staff["reviewer"])
    workflow.store_proposals([(b.pk, c.pk, 0.9, {})])
    workflow.confirm_link(LinkProposal.objects.get(left=b, right=c), by=people_staff["reviewer"])
    assert Person.objects.public().people_count() == 1
    workflow.undo_link(first, by=people_staff["reviewer"], comment="Not the same.")
    assert Person.objects.public().people_count() == 2
    c.refresh_from_db()
    assert c.same_as_id == b.pk


def test_linkage_rejected_pair_is_never_proposed_again(people_staff):
    a, b = PersonFactory(), PersonFactory()
    workflow.reject_link(proposal_of(a, b), by=people_staff["reviewer"], comment="Different.")
    assert workflow.store_proposals([(b.pk, a.pk, 0.99, {})]) == 0
    assert LinkProposal.objects.get().status == LinkProposal.Status.REJECTED


def test_linkage_decisions_are_for_reviewers_only(people_staff):
    proposal = proposal_of(PersonFactory(), PersonFactory())
    for decide in (workflow.confirm_link, workflow.reject_link):
        with pytest.raises(workflow.TransitionRefused):
            decide(proposal, by=people_staff["author"], comment="x")
    assert LinkProposal.objects.get().status == LinkProposal.Status.PROPOSED


def test_linkage_a_decided_proposal_cannot_be_decided_again(people_staff):
    proposal = proposal_of(PersonFactory(), PersonFactory())
    workflow.reject_link(proposal, by=people_staff["reviewer"])
    with pytest.raises(workflow.TransitionRefused):
        workflow.confirm_link(proposal, by=people_staff["second"])


# The decisions each status of a proposal takes: what the workflow accepts and what the
# reviewers' page offers both follow this.
LINK_DECISIONS_BY_STATUS = {
    LinkProposal.Status.PROPOSED: ["confirm_link", "reject_link"],
    LinkProposal.Status.CONFIRMED: ["undo_link"],
    LinkProposal.Status.REJECTED: [],
    LinkProposal.Status.UNDONE: [],
}


def proposal_in(status: str) -> LinkProposal:
    left, right = sorted((PersonFactory().pk, PersonFactory().pk))
    return LinkProposal.objects.create(left_id=left, right_id=right, score=0.9, status=status)


@pytest.mark.parametrize("status", LinkProposal.Status.values)
def test_linkage_a_proposal_takes_exactly_its_status_decisions(people_staff, status):
    accepted = []
    for action in ("confirm_link", "reject_link", "undo_link"):
        try:
            getattr(workflow, action)(
                proposal_in(status), by=people_staff["reviewer"], comment="Checked."
            )
        except workflow.TransitionRefused:
            continue
        accepted.append(action)
    offered = [action for action, _label in workflow.allowed_link_actions(proposal_in(status))]
    assert accepted == offered == LINK_DECISIONS_BY_STATUS[status]


@pytest.mark.parametrize("status", LinkProposal.Status.values)
def test_review_people_page_offers_exactly_the_proposal_decisions(client, people_staff, status):
    proposal = proposal_in(status)
    client.force_login(people_staff["reviewer"])
    response = client.get(reverse("review:people"), {"links": status})
    assert response.status_code == 200
    select = re.search(
        rf'<select name="action" id="action-{proposal.pk}">(.*?)</select>',
        response.content.decode(),
        re.S,
    )
    offered = re.findall(r'<option value="([^"]+)">([^<]*)</option>', select[1]) if select else []
    expected = [(action, str(label)) for action, label in workflow.allowed_link_actions(proposal)]
    assert offered == expected
    assert [action for action, _label in offered] == LINK_DECISIONS_BY_STATUS[status]
