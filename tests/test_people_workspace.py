"""The workspace's person records: a contributor writes a draft with its sources and their
case numbers, edits it, and submits it for review, as with claims."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, PersonSourceFactory, SourceFactory, make_user
from tracker import workflow
from tracker.models import (
    ModerationStatus,
    Person,
    PersonStatus,
    Privacy,
    PublishedVersion,
    Revision,
    Source,
)

pytestmark = pytest.mark.django_db
S = ModerationStatus


def management(prefix: str = "reports", total: int = 2) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def person_post(source=None, **overrides) -> dict:
    """A complete form: the record, one source with its case number, one empty source row."""
    data = {
        "original_language": "en",
        "privacy": Privacy.ANONYMOUS,
        "name": "Persona Sintética Uno",
        "other_names": "",
        "sex": "male",
        "age": "41",
        "age_high": "",
        "occupation": "baker",
        "situation": PersonStatus.DIED_IN_CUSTODY,
        "country": "SV",
        "detained_on": "2022-04-02",
        "detained_precision": "day",
        "detained_certainty": "confirmed",
        "died_on": "2023-05-14",
        "died_precision": "day",
        "died_certainty": "probable",
        "identity_certainty": "confirmed",
        "description": "A baker who died in a prison hospital.",
        "cause_reported": "Untreated illness",
        "private_notes": "Family contact through the legal team.",
        **management(),
        "reports-0-source": str(source.pk) if source else "",
        "reports-0-new_source_title": "" if source else "Case list of a legal aid group",
        "reports-0-new_source_url": "" if source else "https://example.org/case-list.pdf",
        "reports-0-new_source_kind": "report",
        "reports-0-case_number": "SJH-0042",
        "reports-0-locator": "p. 3",
        "reports-1-new_source_kind": "report",
    }
    data.update(overrides)
    return data


def test_person_draft_is_created_with_its_source_and_case_number(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:person_edit", args=[person.pk])
    assert (person.status, person.created_by, person.name) == (
        S.DRAFT,
        contributor,
        "Persona Sintética Uno",
    )
    report = person.reports.select_related("source").get()
    assert (report.case_number, report.locator) == ("SJH-0042", "p. 3")
    assert report.source.url == "https://example.org/case-list.pdf"
    assert report.source.created_by == contributor


def test_person_form_bad_input_keeps_what_was_typed(client, contributor):
    client.force_login(contributor)
    data = person_post(age="50", age_high="45", **{"reports-0-new_source_title": ""})
    data["reports-0-new_source_url"] = ""
    response = client.post(reverse("workspace:person_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Person.objects.count() == 0
    assert "The high end of an age range needs a lower age below it." in html
    assert "Choose an existing source or give the title of a new one." in html
    assert 'value="Persona Sintética Uno"' in html
    assert 'value="SJH-0042"' in html
    assert "Family contact through the legal team." in html


def test_person_form_needs_a_source(client, contributor):
    client.force_login(contributor)
    data = person_post(**{"reports-0-new_source_title": "", "reports-0-new_source_url": ""})
    data.update({"reports-0-case_number": "", "reports-0-locator": ""})
    response = client.post(reverse("workspace:person_create"), data)
    assert response.status_code == 200
    assert "Give at least one source that reports this person." in response.content.decode()
    assert Person.objects.count() == 0


def test_person_draft_edit_replaces_its_sources_and_keeps_other_fields(client, contributor):
    client.force_login(contributor)
    client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    other = SourceFactory(created_by=contributor)
    data = person_post(source=other, version=str(person.version), name="Persona Sintética Dos")
    data["reports-0-case_number"] = "SJH-0043"
    response = client.post(reverse("workspace:person_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Persona Sintética Dos"
    assert person.version == 2
    assert list(person.reports.values_list("source", "case_number")) == [(other.pk, "SJH-0043")]


def test_person_draft_edit_from_an_old_version_is_refused(client, contributor):
    client.force_login(contributor)
    client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    url = reverse("workspace:person_edit", args=[person.pk])
    client.post(url, person_post(version="1", name="First edit"))
    response = client.post(url, person_post(version="1", name="Second edit"))
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.name == "First edit"


def test_person_draft_submitted_for_review(client, contributor):
    client.force_login(contributor)
    client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    response = client.post(reverse("workspace:person_submit", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == S.SUBMITTED
    assert Person.objects.awaiting_review().filter(pk=person.pk).exists()


def test_person_edit_is_refused_on_others_drafts(client, contributor):
    client.force_login(contributor)
    someone_elses = PersonFactory(status=S.DRAFT, created_by=make_user("contributor"))
    url = reverse("workspace:person_edit", args=[someone_elses.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, person_post(version=str(someone_elses.version))).status_code == 404
    missing = reverse("workspace:person_edit", args=[someone_elses.pk + 1000])
    assert client.get(missing).status_code == 404


def published_named_person(owner) -> Person:
    person = PersonFactory(
        created_by=owner,
        privacy=Privacy.NAMED,
        name="Persona Sintética Publicada",
        private_notes="Contact through the family's lawyer.",
        reported=False,
    )
    PersonSourceFactory(person=person, case_number="SJH-0007")
    return person


def test_person_correction_waits_for_review_and_the_public_keeps_the_published_record(
    client, contributor
):
    """Anyone on the staff may propose a correction of a published person record; it is a
    pending revision, and the public page shows the record as published until it is approved."""
    person = published_named_person(make_user("contributor"))
    public_url = reverse("public:person_detail", args=[person.pk])
    assert "Persona Sintética Publicada" in client.get(public_url).content.decode()
    client.force_login(contributor)
    url = reverse("workspace:person_edit", args=[person.pk])
    page = client.get(url).content.decode()
    assert 'value="Persona Sintética Publicada"' in page
    assert "family&#x27;s lawyer" not in page  # not the editor's record: no private notes
    source = person.reports.get().source
    data = person_post(
        source=source,
        version=str(person.version),
        privacy=Privacy.NAMED,
        name="Persona Sintética Corregida",
    )
    data["reports-0-case_number"] = "SJH-0008"
    response = client.post(url, data)
    assert response.status_code == 302
    revision = Revision.objects.pending().for_entry(person).get()
    assert revision.created_by == contributor
    person.refresh_from_db()
    assert person.name == "Persona Sintética Publicada"
    assert person.status == S.PUBLISHED
    client.logout()
    public = client.get(public_url).content.decode()
    assert "Persona Sintética Publicada" in public
    assert "Corregida" not in public


def test_reviewer_approves_a_person_correction_without_a_public_note(client, contributor):
    """A person record keeps no public versions, so approving its correction asks for no public
    correction note; the diff shows the changed fields and sources; the public page then shows
    the corrected record and when it was corrected."""
    person = published_named_person(make_user("contributor"))
    source = person.reports.get().source
    client.force_login(contributor)
    data = person_post(
        source=source,
        version=str(person.version),
        privacy=Privacy.NAMED,
        name="Persona Sintética Corregida",
    )
    data["reports-0-case_number"] = "SJH-0008"
    client.post(reverse("workspace:person_edit", args=[person.pk]), data)
    revision = Revision.objects.pending().for_entry(person).get()

    # The proposer may not approve their own correction, even as a reviewer.
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=contributor)

    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    url = reverse("review:revision", args=[revision.pk])
    page = client.get(url).content.decode()
    assert "Persona Sintética Corregida" in page
    assert "case SJH-0007" in page and "case SJH-0008" in page
    assert 'name="correction_note"' not in page
    response = client.post(url, {"action": "approve", "comment": ""})
    assert response.status_code == 302, response.content.decode()
    person.refresh_from_db()
    assert person.name == "Persona Sintética Corregida"
    assert person.corrected_at is not None
    assert list(person.reports.values_list("case_number", flat=True)) == ["SJH-0008"]
    assert person.private_notes == "Contact through the family's lawyer."  # kept, unseen
    assert not PublishedVersion.objects.for_entry(person).exists()
    client.logout()
    public = client.get(reverse("public:person_detail", args=[person.pk])).content.decode()
    assert "Persona Sintética Corregida" in public
    assert "Persona Sintética Publicada" not in public
    assert "Record corrected on" in public


def test_person_correction_that_leaves_no_traceable_source_cannot_be_approved(contributor):
    person = published_named_person(make_user("contributor"))
    hidden = SourceFactory(url="", archived_url="")
    revision = workflow.edit(
        person,
        by=contributor,
        expected_version=person.version,
        data={"fields": {}, "reports": [{"source": hidden.pk, "case_number": "", "locator": ""}]},
    )
    assert isinstance(revision, Revision)
    assert workflow.missing_provenance_of_revision(person, revision.data)
    with pytest.raises(workflow.TransitionRefused, match="cannot be published"):
        workflow.approve_revision(revision, by=make_user("reviewer"))
    person.refresh_from_db()
    assert person.reports.get().source != hidden


def test_person_form_page_query_count_is_bounded(client, contributor, django_assert_num_queries):
    client.force_login(contributor)
    client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    SourceFactory.create_batch(5)
    # Session, user, device, two for permissions, the record, its sources, which of them the
    # editor may see, pending revision, new tips, places, then sources and organisations for
    # each of the three source rows (whatever the number of sources), and its history.
    with django_assert_num_queries(18):
        response = client.get(reverse("workspace:person_edit", args=[person.pk]))
    assert 'value="SJH-0042"' in response.content.decode()
    assert Source.objects.count() == 6


def test_submitted_person_record_has_a_page_in_its_owners_workspace(client, contributor):
    client.force_login(contributor)
    client.post(reverse("workspace:person_create"), person_post())
    person = Person.objects.get()
    client.post(reverse("workspace:person_submit", args=[person.pk]))
    url = reverse("workspace:person_detail", args=[person.pk])
    home = client.get(reverse("workspace:home")).content.decode()
    assert f'href="{url}"' in home
    page = client.get(url)
    assert page.status_code == 200
    assert "As it will be published" in page.content.decode()
    client.force_login(make_user("contributor"))
    assert client.get(url).status_code == 404
