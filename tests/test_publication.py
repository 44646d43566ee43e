"""The public record the workflow keeps: a version at each publication, withdrawal notices."""

import json
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.models import (
    Claim,
    ModerationStatus,
    PublishedVersion,
    Revision,
    Statistic,
    VerificationGrade,
    Withdrawal,
)
from tracker.serializers import ClaimSerializer
from tracker.snapshots import for_snapshot, public_shape

pytestmark = pytest.mark.django_db

S = ModerationStatus
NOTE = "The date was a month off."


def submitted_claim(author, **fields) -> Claim:
    claim = ClaimFactory(status=S.SUBMITTED, created_by=author, last_edited_by=author, **fields)
    CitationFactory(claim=claim, source=SourceFactory(title="Autopsy report"))
    return claim


def published_claim(author, reviewer, **fields) -> Claim:
    claim = submitted_claim(author, **fields)
    workflow.approve(claim, by=reviewer)
    return claim


def revise(entry, author, **fields) -> Revision:
    entry.refresh_from_db()
    return workflow.propose_revision(
        entry, by=author, expected_version=entry.version, data={"fields": fields}
    )


def versions_of(entry) -> list[PublishedVersion]:
    return list(PublishedVersion.objects.for_entry(entry).order_by("number"))


# --- Versions ---------------------------------------------------------------------------------


def test_approve_records_version_one_with_the_public_shape(contributor, reviewer):
    claim = published_claim(contributor, reviewer, title="First wording")
    [version] = versions_of(claim)
    assert (version.number, version.correction_note) == (1, "")
    assert version.data["title"] == "First wording"
    assert [row["source"]["title"] for row in version.data["citations"]] == ["Autopsy report"]


def test_snapshot_is_the_api_shape_of_the_entry(client, contributor, reviewer):
    claim = published_claim(contributor, reviewer)
    [version] = versions_of(claim)
    api = client.get(f"/api/claims/{claim.pk}/").json()
    assert set(version.data) == set(ClaimSerializer.Meta.fields) == set(api)
    assert {key: value for key, value in version.data.items() if key != "url"} == {
        key: value for key, value in api.items() if key != "url"
    }


def test_approve_revision_records_the_next_version_with_its_note(contributor, reviewer):
    claim = published_claim(contributor, reviewer, title="First wording")
    workflow.approve_revision(
        revise(claim, contributor, title="Second wording"), by=reviewer, correction_note=NOTE
    )
    versions = versions_of(claim)
    assert [(v.number, v.data["title"], v.correction_note) for v in versions] == [
        (1, "First wording", ""),
        (2, "Second wording", NOTE),
    ]


def test_approve_revision_marks_the_entry_corrected(contributor, reviewer):
    claim = published_claim(contributor, reviewer)
    assert claim.corrected_at is None
    workflow.approve_revision(
        revise(claim, contributor, title="Better"), by=reviewer, correction_note=NOTE
    )
    claim.refresh_from_db()
    assert claim.corrected_at == versions_of(claim)[-1].published_at


@pytest.mark.parametrize("note", ["", "   "])
def test_approve_revision_without_a_correction_note_is_refused(contributor, reviewer, note):
    claim = published_claim(contributor, reviewer, title="First wording")
    revision = revise(claim, contributor, title="Second wording")
    with pytest.raises(workflow.TransitionRefused, match="public correction note"):
        workflow.approve_revision(revision, by=reviewer, correction_note=note, comment="Fine.")
    revision.refresh_from_db()
    claim.refresh_from_db()
    assert revision.status == Revision.Status.PENDING
    assert claim.title == "First wording"
    assert len(versions_of(claim)) == 1


def test_correction_note_is_kept_apart_from_the_internal_comment(contributor, reviewer):
    claim = published_claim(contributor, reviewer)
    revision = revise(claim, contributor, title="Better")
    workflow.approve_revision(
        revision, by=reviewer, correction_note=NOTE, comment="Internal: checked with SJH."
    )
    revision.refresh_from_db()
    assert revision.decision_comment == "Internal: checked with SJH."
    assert "Internal" not in json.dumps(versions_of(claim)[-1].data)
    assert versions_of(claim)[-1].correction_note == NOTE


def test_grade_change_is_not_a_new_version(contributor, reviewer):
    claim = published_claim(contributor, reviewer)
    workflow.set_verification(claim, by=reviewer, grade="disputed", rationale="Denied.")
    assert len(versions_of(claim)) == 1


def test_snapshot_carries_the_grade_it_had(contributor, reviewer):
    claim = submitted_claim(contributor)
    workflow.set_verification(claim, by=reviewer, grade="corroborated", rationale="Two NGOs.")
    workflow.approve(claim, by=reviewer)
    workflow.set_verification(claim, by=reviewer, grade="disputed", rationale="Denied.")
    workflow.approve_revision(
        revise(claim, contributor, title="Better"), by=reviewer, correction_note=NOTE
    )
    assert [v.data["verification"] for v in versions_of(claim)] == ["corroborated", "disputed"]


def test_admin_approval_records_version_one(client, admin_user, contributor):
    claim = submitted_claim(contributor, title="Approved in the admin")
    client.force_login(admin_user)
    client.post(
        reverse("admin:tracker_claim_changelist"),
        {"action": "approve_selected", "_selected_action": [claim.pk]},
    )
    [version] = versions_of(claim)
    assert version.data["title"] == "Approved in the admin"


def test_figure_versions_follow_its_revisions(contributor, reviewer):
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor, value=100)
    workflow.approve(statistic, by=reviewer)
    workflow.approve_revision(
        revise(statistic, contributor, value="120"), by=reviewer, correction_note=NOTE
    )
    assert [(v.number, v.data["value"]) for v in versions_of(statistic)] == [
        (1, "100"),
        (2, "120"),
    ]


def test_trusted_publication_records_version_one_with_its_grade():
    claim = ClaimFactory(status=S.DRAFT, cited=True)
    workflow.publish_from_trusted_source(
        claim, grade="verified", rationale="Checked.", comment="Loaded."
    )
    [version] = versions_of(claim)
    assert version.data["verification"] == "verified"


def test_trusted_publication_of_a_published_entry_adds_no_version():
    claim = ClaimFactory(status=S.DRAFT, cited=True)
    workflow.publish_from_trusted_source(claim, grade="unverified", rationale="", comment="x")
    workflow.publish_from_trusted_source(claim, grade="verified", rationale="Yes.", comment="x")
    assert len(versions_of(claim)) == 1


def test_version_is_not_kept_when_the_decision_fails(contributor, reviewer, monkeypatch):
    claim = submitted_claim(contributor)

    def fail(*args, **kwargs):
        raise RuntimeError("the notification cannot be queued")

    monkeypatch.setattr("tracker.workflow.transitions.after_commit", fail)
    with pytest.raises(RuntimeError):
        workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    assert versions_of(claim) == []


# --- No private field in a snapshot -------------------------------------------------------------


def test_snapshot_of_a_claim_leaves_private_fields_out(contributor, reviewer):
    claim = submitted_claim(
        contributor, victim_identities="PRIVATE-VICTIM", private_notes="PRIVATE-NOTE"
    )
    secret = SourceFactory(
        confidential=True,
        title="SECRET-TITLE",
        url="https://secret.example/x",
        archived_url="https://archive.example/SECRET",
        private_notes="PRIVATE-SOURCE",
        organization=OrganizationFactory(name="SECRET-ORG"),
    )
    CitationFactory(claim=claim, source=secret, quote="SECRET-QUOTE", locator="SECRET-PAGE")
    workflow.approve(claim, by=reviewer)
    text = json.dumps(versions_of(claim)[0].data)
    for marker in ("PRIVATE", "SECRET", "secret.example", contributor.username):
        assert marker not in text
    assert "confidential source on file" in text


def test_snapshot_of_a_figure_leaves_private_fields_out(contributor, reviewer):
    secret = SourceFactory(confidential=True, title="SECRET-TITLE", url="https://secret.example")
    statistic = StatisticFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        source=secret,
        quote="SECRET-QUOTE",
        locator="SECRET-PAGE",
        private_notes="PRIVATE-NOTE",
    )
    workflow.approve(statistic, by=reviewer)
    text = json.dumps(versions_of(statistic)[0].data)
    for marker in ("PRIVATE", "SECRET", "secret.example"):
        assert marker not in text


def test_snapshot_is_taken_in_the_default_language(contributor, reviewer):
    from django.utils import translation

    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    CitationFactory(claim=claim, source=SourceFactory(confidential=True))
    with translation.override("es"):
        workflow.approve(claim, by=reviewer)
    data = versions_of(claim)[0].data
    assert data["url"] == f"/en/claims/{claim.pk}/"
    assert data["citations"][0]["source"]["title"] == "confidential source on file"


def test_snapshot_query_count_does_not_grow_with_citations(django_assert_num_queries):
    claim = ClaimFactory()
    CitationFactory.create_batch(6, claim=claim)
    # claim with its place, categories, tags, citations with their sources and organisations
    with django_assert_num_queries(4):
        public_shape(claim)


# --- Withdrawals ------------------------------------------------------------------------------


def test_withdraw_keeps_the_public_notice_apart_from_the_comment(contributor, reviewer):
    claim = published_claim(contributor, reviewer)
    workflow.withdraw(
        claim,
        by=reviewer,
        comment="Internal: witness at risk.",
        public_note="The source retracted.",
    )
    withdrawal = Withdrawal.objects.for_entry(claim).get()
    assert withdrawal.public_note == "The source retracted."
    assert withdrawal.last_version == versions_of(claim)[-1]
    assert workflow.history(claim).last().comment == "Internal: witness at risk."


@pytest.mark.parametrize("note", ["", "  "])
def test_withdraw_without_a_public_reason_is_refused(contributor, reviewer, note):
    claim = published_claim(contributor, reviewer)
    with pytest.raises(workflow.TransitionRefused, match="public reason"):
        workflow.withdraw(claim, by=reviewer, comment="Retracted.", public_note=note)
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    assert not Withdrawal.objects.exists()


def test_withdraw_names_the_version_last_published(contributor, reviewer):
    claim = published_claim(contributor, reviewer, title="First wording")
    workflow.approve_revision(
        revise(claim, contributor, title="Second wording"), by=reviewer, correction_note=NOTE
    )
    revise(claim, contributor, title="Never published")
    claim.refresh_from_db()
    workflow.withdraw(claim, by=reviewer, comment="x", public_note="Retracted.")
    withdrawal = Withdrawal.objects.for_entry(claim).get()
    assert withdrawal.last_version.data["title"] == "Second wording"


# --- The data migration and the demo data -------------------------------------------------------


def run_first_versions_migration(apps) -> None:
    """Run the data step of the migration on this test's rows (it reads only the alias)."""
    from django.db import connection

    step = import_module("tracker.migrations.0013_published_versions").record_first_versions
    step(apps, SimpleNamespace(connection=connection))


def test_migration_gives_published_entries_their_version_one(migrated_apps, reviewer):
    claim = ClaimFactory(title="Published before versions", victim_identities="PRIVATE")
    CitationFactory(claim=claim)
    statistic = StatisticFactory()
    ClaimFactory(status=S.DRAFT)
    withdrawn = ClaimFactory(title="Withdrawn before versions", status=S.WITHDRAWN)
    workflow.record_event(
        withdrawn, kind="moderation", action="withdraw", by=reviewer, comment="Internal reason."
    )
    run_first_versions_migration(migrated_apps)
    assert PublishedVersion.objects.count() == 3
    [version] = versions_of(claim)
    assert version.number == 1
    assert version.data == public_shape(claim)
    assert "PRIVATE" not in json.dumps(version.data)
    assert versions_of(statistic)[0].data["id"] == statistic.pk
    notice = Withdrawal.objects.for_entry(withdrawn).get()
    assert notice.public_note == ""
    assert notice.last_version.data["title"] == "Withdrawn before versions"


def test_migration_dates_version_one_from_the_last_approved_change(migrated_apps, reviewer):
    import datetime

    from django.utils import timezone

    first = timezone.now() - datetime.timedelta(days=30)
    claim = ClaimFactory(published_at=first)
    event = workflow.record_event(claim, kind="revision", action="approve_revision", by=reviewer)
    run_first_versions_migration(migrated_apps)
    assert versions_of(claim)[0].published_at == event.created_at


def test_demo_data_invents_no_correction_or_withdrawal():
    call_command("load_demo", verbosity=0)
    published = Claim.objects.public().count() + Statistic.objects.public().count()
    assert published > 0
    assert PublishedVersion.objects.count() == published
    assert set(PublishedVersion.objects.values_list("number", flat=True)) == {1}
    assert not PublishedVersion.objects.exclude(correction_note="").exists()
    assert not Withdrawal.objects.exists()
    assert not Claim.objects.exclude(corrected_at=None).exists()
    assert not Claim.objects.withdrawn().exists()
    assert not Statistic.objects.withdrawn().exists()


def test_demo_versions_carry_the_loaded_grades():
    call_command("load_demo", verbosity=0)
    for claim in for_snapshot(Claim).public():
        [version] = versions_of(claim)
        assert version.data["verification"] == claim.verification
    assert {c.verification for c in Claim.objects.public()} != {VerificationGrade.UNVERIFIED}
