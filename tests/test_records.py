"""Sources and organisations are content: reviewed changes, confidential sources kept apart."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
    pdf_bytes,
)
from tracker import workflow
from tracker.models import ModerationEvent, Organization, Revision, Source

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


@pytest.fixture
def author(db):
    return make_user("contributor", username="author")


@pytest.fixture
def other(db):
    return make_user("contributor", username="other")


def source_form(source: Source, **changes) -> dict:
    """The edit form of ``source`` as a browser posts it: every field, a box left unticked."""
    data = {
        "title": source.title,
        "kind": source.kind,
        "organization": source.organization_id or "",
        "author": source.author,
        "url": source.url,
        "archived_url": source.archived_url,
        "published_on": source.published_on.isoformat() if source.published_on else "",
        "published_precision": source.published_precision,
        "accessed_on": "",
        "language": source.language,
        "summary": source.summary,
        "private_notes": source.private_notes,
        "version": source.version,
    }
    if source.confidential:
        data["confidential"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def organization_form(organization: Organization, **changes) -> dict:
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "acronym": organization.acronym,
        "kind": organization.kind,
        "country": organization.country.code if organization.country else "",
        "website": organization.website,
        "description": organization.description,
        "reliability": organization.reliability,
        "reliability_rationale": organization.reliability_rationale,
        "private_notes": organization.private_notes,
        "original_language": organization.original_language,
        "version": organization.version,
    }
    data.update(changes)
    return data


def confidential_source_in_public_use(author) -> Source:
    source = SourceFactory(
        confidential=True,
        created_by=author,
        title="Statement of a former guard",
        url="https://example.org/guard",
    )
    CitationFactory(claim=ClaimFactory(created_by=author), source=source)
    return source


def public_claim_page(client, source: Source) -> str:
    claim = source.citations.get().claim
    client.logout()
    return client.get(claim.get_absolute_url()).content.decode()


# --- The probe's finding: another contributor clears the confidential box ---------------------


def test_another_contributor_cannot_open_or_post_a_confidential_source(client, author, other):
    source = confidential_source_in_public_use(author)
    client.force_login(other)
    url = reverse("workspace:source_edit", args=[source.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, source_form(source, confidential=None))
    assert response.status_code == 404
    source.refresh_from_db()
    assert source.confidential
    page = public_claim_page(client, source)
    assert "Statement of a former guard" not in page
    assert "Confidential source on file" in page
    api = client.get(reverse("api:claim-detail", args=[source.citations.get().claim_id]))
    assert "former guard" not in api.content.decode()


def test_the_author_cannot_clear_the_confidential_flag(client, author):
    source = SourceFactory(confidential=True, created_by=author)
    client.force_login(author)
    client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        source_form(source, confidential=None),
    )
    source.refresh_from_db()
    assert source.confidential
    with pytest.raises(workflow.TransitionRefused, match="Only a reviewer"):
        workflow.edit_record(
            source,
            by=author,
            expected_version=source.version,
            data={"fields": {"confidential": False}},
            rationale="It is public now.",
        )


def test_a_reviewer_clears_the_confidential_flag_only_with_a_rationale(client, reviewer):
    source = SourceFactory(confidential=True, created_by=make_user("contributor"))
    client.force_login(reviewer)
    url = reverse("workspace:source_edit", args=[source.pk])
    response = client.post(url, source_form(source, confidential=None, rationale=""))
    assert "a rationale is required" in response.content.decode()
    source.refresh_from_db()
    assert source.confidential
    client.post(
        url,
        source_form(source, confidential=None, rationale="The witness spoke publicly since."),
    )
    source.refresh_from_db()
    assert not source.confidential
    event = workflow.history(source).last()
    assert (event.action, event.comment, event.actor) == (
        "make_public",
        "The witness spoke publicly since.",
        reviewer,
    )


def test_clearing_the_flag_of_a_source_in_public_use_waits_for_a_second_reviewer(
    client, author, reviewer, second_reviewer
):
    source = confidential_source_in_public_use(author)
    client.force_login(reviewer)
    client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        source_form(source, confidential=None, rationale="Published by the guard himself."),
    )
    source.refresh_from_db()
    assert source.confidential
    revision = Revision.objects.pending().get()
    assert revision.data == {"fields": {"confidential": False}}
    assert "former guard" not in public_claim_page(client, source)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    workflow.approve_revision(revision, by=second_reviewer, correction_note="Corrected.")
    assert "Statement of a former guard" in public_claim_page(client, source)


def test_marking_a_source_confidential_takes_effect_at_once(client, author, other):
    source = SourceFactory(title="Names a witness", created_by=author)
    CitationFactory(claim=ClaimFactory(), source=source)
    assert "Names a witness" in public_claim_page(client, source)
    client.force_login(other)
    client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        source_form(source, confidential="on", title="Renamed meanwhile"),
    )
    source.refresh_from_db()
    assert source.confidential
    assert source.title == "Names a witness"  # the rename waits for review
    assert Revision.objects.pending().get().data == {"fields": {"title": "Renamed meanwhile"}}
    assert "Names a witness" not in public_claim_page(client, source)
    assert client.get(reverse("public:source_detail", args=[source.pk])).status_code == 404
    assert [e.action for e in workflow.history(source)] == ["mark_confidential", "propose_revision"]


def test_marking_a_source_confidential_takes_its_quotes_out_of_public_search(client, author, other):
    source = SourceFactory(title="Names a witness", created_by=author)
    StatisticFactory(source=source, quote="Zqwitness heard the guards")
    assert client.get("/statistics.json", {"q": "zqwitness"}).json()["count"] == 1
    client.force_login(other)
    client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        source_form(source, confidential="on"),
    )
    source.refresh_from_db()
    assert source.confidential
    client.logout()
    assert client.get("/statistics.json", {"q": "zqwitness"}).json()["count"] == 0
    assert client.get("/api/statistics/", {"q": "zqwitness"}).json()["count"] == 0


# --- Changes to sources and organisations in public use are reviewed --------------------------


def test_another_contributors_rename_of_a_public_source_waits_for_review(client, author, other):
    source = SourceFactory(title="Annual report 2024", created_by=author)
    CitationFactory(claim=ClaimFactory(), source=source)
    client.force_login(other)
    response = client.post(
        reverse("workspace:source_edit", args=[source.pk]),
        source_form(source, title="Something else", url="https://evil.example/"),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.url) == ("Annual report 2024", source.url)
    revision = Revision.objects.pending().get()
    assert revision.created_by == other
    assert revision.data == {"fields": {"title": "Something else", "url": "https://evil.example/"}}
    assert "Annual report 2024" in public_claim_page(client, source)
    event = ModerationEvent.objects.get(action="propose_revision")
    assert event.entry == source


def test_another_contributor_cannot_edit_a_source_not_in_public_use(client, author, other):
    source = SourceFactory(title="Work in progress", created_by=author)
    client.force_login(other)
    url = reverse("workspace:source_edit", args=[source.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, source_form(source, title="Mine now")).status_code == 404
    missing = reverse("workspace:source_edit", args=[source.pk + 1000])
    assert client.get(missing).status_code == 404
    source.refresh_from_db()
    assert source.title == "Work in progress"


def test_the_author_edits_their_unused_source_directly(client, author):
    source = SourceFactory(title="Draft title", created_by=author)
    client.force_login(author)
    client.post(
        reverse("workspace:source_edit", args=[source.pk]), source_form(source, title="Final")
    )
    source.refresh_from_db()
    assert source.title == "Final"
    assert not Revision.objects.exists()
    assert workflow.history(source).last().action == "edit"


def test_renaming_an_organisation_in_public_use_waits_for_review(client, author, other, reviewer):
    organization = OrganizationFactory(name="Socorro Jurídico Humanitario", created_by=author)
    StatisticFactory(organization=organization, source__organization=organization)
    client.force_login(other)
    client.post(
        reverse("workspace:organization_edit", args=[organization.pk]),
        organization_form(organization, name="Renamed"),
    )
    organization.refresh_from_db()
    assert organization.name == "Socorro Jurídico Humanitario"
    client.logout()
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "Socorro Jurídico Humanitario" in page
    workflow.approve_revision(Revision.objects.pending().get(), by=reviewer)
    assert client.get(organization.get_absolute_url()).content.decode().count("Renamed") >= 1


def test_a_stale_revision_of_a_source_is_refused(author, other, reviewer):
    source = SourceFactory(created_by=author)
    CitationFactory(claim=ClaimFactory(), source=source)
    first = workflow.edit_record(
        source, by=other, expected_version=source.version, data={"fields": {"title": "One"}}
    )
    second = workflow.edit_record(
        source, by=other, expected_version=source.version, data={"fields": {"title": "Two"}}
    )
    workflow.approve_revision(first, by=reviewer, correction_note="Corrected.")
    with pytest.raises(workflow.TransitionRefused, match="changed after"):
        workflow.approve_revision(second, by=reviewer, correction_note="Corrected.")


# --- Need to know ------------------------------------------------------------------------------


def test_private_notes_of_a_source_are_not_shown_to_another_contributor(client, author, other):
    source = SourceFactory(created_by=author, private_notes="Met the author in San Salvador.")
    CitationFactory(claim=ClaimFactory(), source=source)
    client.force_login(other)
    page = client.get(reverse("workspace:source_edit", args=[source.pk])).content.decode()
    assert "Met the author" not in page
    client.post(
        reverse("workspace:source_edit", args=[source.pk]), source_form(source, title="New")
    )
    assert "private_notes" not in Revision.objects.get().data["fields"]
    source.refresh_from_db()
    assert source.private_notes == "Met the author in San Salvador."


def test_confidential_file_is_downloaded_only_by_its_author_and_reviewers(
    client, author, other, reviewer
):
    source = SourceFactory(confidential=True, created_by=author)
    source.file.save("statement.pdf", ContentFile(PDF), save=True)
    url = reverse("workspace:source_file", args=[source.pk])
    for user, status in ((other, 404), (author, 200), (reviewer, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_staff_source_list_hides_other_peoples_confidential_sources(client, author, other):
    SourceFactory(confidential=True, created_by=author, title="Hidden statement")
    SourceFactory(created_by=author, title="Open report")
    client.force_login(other)
    page = client.get(reverse("workspace:source_list")).content.decode()
    assert "Open report" in page and "Hidden statement" not in page
    form = client.get(reverse("workspace:claim_create")).context["formset"].forms[0]
    titles = [str(source) for source in form.fields["source"].queryset]
    assert "Open report" in titles and "Hidden statement" not in titles
    client.force_login(author)
    assert "Hidden statement" in client.get(reverse("workspace:source_list")).content.decode()


def test_a_correction_of_another_persons_claim_never_shows_their_private_fields(
    client, author, other, reviewer
):
    claim = ClaimFactory(
        created_by=author,
        victim_identities="Name of the victim",
        private_notes="Call the family first.",
    )
    workflow.record_event(
        claim, kind="moderation", action="request_changes", by=reviewer, comment="Internal."
    )
    hidden = SourceFactory(confidential=True, created_by=author, title="Witness statement")
    CitationFactory(claim=claim, source=hidden, quote="What the witness said")
    shown = SourceFactory(title="Open report", created_by=author)
    CitationFactory(claim=claim, source=shown)
    client.force_login(other)
    url = reverse("workspace:claim_edit", args=[claim.pk])
    page = client.get(url).content.decode()
    for secret in ("Name of the victim", "Call the family", "Internal.", "Witness statement"):
        assert secret not in page
    assert "What the witness said" not in page
    assert "Open report" in page
    response = client.post(
        url,
        {
            "title": "A corrected title",
            "summary": claim.summary,
            "country": "SV",
            "date_precision": "day",
            "version": claim.version,
            "citations-TOTAL_FORMS": "1",
            "citations-INITIAL_FORMS": "1",
            "citations-MIN_NUM_FORMS": "0",
            "citations-MAX_NUM_FORMS": "50",
            "citations-0-source": shown.pk,
            "citations-0-new_source_kind": "report",
            "citations-0-stance": "supports",
        },
    )
    assert response.status_code == 302
    revision = Revision.objects.pending().get()
    assert "victim_identities" not in revision.data["fields"]
    assert "private_notes" not in revision.data["fields"]
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    claim.refresh_from_db()
    assert claim.title == "A corrected title"
    assert claim.victim_identities == "Name of the victim"
    assert claim.private_notes == "Call the family first."
    kept = claim.citations.get(source=hidden)
    assert kept.quote == "What the witness said"
    assert claim.citations.count() == 2


def test_a_correction_of_a_figure_with_a_hidden_source_keeps_its_source(
    client, author, other, reviewer
):
    hidden = SourceFactory(confidential=True, created_by=author, title="Leaked register")
    statistic = StatisticFactory(
        source=hidden, created_by=author, quote="Row 12", locator="sheet 3", value=480
    )
    client.force_login(other)
    url = reverse("workspace:statistic_edit", args=[statistic.pk])
    page = client.get(url).content.decode()
    assert "Leaked register" not in page and "Row 12" not in page
    response = client.post(
        url,
        {
            "indicator": statistic.indicator_id,
            "organization": statistic.organization_id,
            "qualifier": "at_least",
            "value": "481",
            "as_of": "2024-06-10",
            "as_of_precision": "day",
            "period_start_precision": "day",
            "version": statistic.version,
        },
    )
    assert response.status_code == 302
    revision = Revision.objects.pending().get()
    assert not {"source", "quote", "locator"} & set(revision.data["fields"])
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    statistic.refresh_from_db()
    assert (statistic.source, statistic.quote, statistic.value) == (hidden, "Row 12", 481)


def test_duplicate_check_lists_only_what_the_user_may_see(client, author, other):
    ClaimFactory(status="draft", created_by=author, title="Deaths in Izalco prison in May")
    ClaimFactory(status="rejected", created_by=author, title="Deaths in Izalco prison rejected")
    ClaimFactory(title="Deaths in Izalco prison published")
    ClaimFactory(status="draft", created_by=other, title="Deaths in Izalco prison, my draft")
    client.force_login(other)
    response = client.post(
        reverse("workspace:claim_create"),
        {"title": "Deaths in Izalco prison", "citations-TOTAL_FORMS": "0",
         "citations-INITIAL_FORMS": "0", "search_sources": "1"},
    )  # fmt: skip
    titles = [claim.title for claim in response.context["duplicates"]]
    assert "Deaths in Izalco prison published" in titles
    assert "Deaths in Izalco prison, my draft" in titles
    assert not any("May" in title or "rejected" in title for title in titles)


def test_new_source_file_on_a_source_in_public_use_waits_with_the_revision(
    client, author, other, reviewer
):
    source = SourceFactory(created_by=author)
    CitationFactory(claim=ClaimFactory(), source=source)
    client.force_login(other)
    data = source_form(source)
    data["file"] = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
    client.post(reverse("workspace:source_edit", args=[source.pk]), data)
    source.refresh_from_db()
    assert not source.file
    revision = Revision.objects.pending().get()
    assert len(revision.data["fields"]["sha256"]) == 64
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    source.refresh_from_db()
    assert source.file.read() == PDF
    assert source.sha256 == revision.data["fields"]["sha256"]
