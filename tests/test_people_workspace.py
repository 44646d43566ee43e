"""The workspace's person records: a contributor writes a draft with its sources and their
case numbers, edits it, and submits it for review, as with claims."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, SourceFactory, make_user
from tracker.models import ModerationStatus, Person, PersonStatus, Privacy, Source

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


def test_person_edit_is_refused_on_published_records_and_others_drafts(client, contributor):
    client.force_login(contributor)
    published = PersonFactory(created_by=contributor)
    someone_elses = PersonFactory(status=S.DRAFT, created_by=make_user("contributor"))
    for person in (published, someone_elses):
        url = reverse("workspace:person_edit", args=[person.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, person_post(version=str(person.version))).status_code == 404


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
