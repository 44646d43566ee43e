import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
    pdf_bytes,
)
from tracker import workflow
from tracker.models import Claim, ModerationStatus, Revision, Source, Statistic

pytestmark = pytest.mark.django_db
S = ModerationStatus
# Session, user, whether the user has a two-factor device, permissions, claims, figures,
# person records, revisions, the new-tips count of the navigation (no review count: not a
# reviewer).
WORKSPACE_HOME_QUERIES = 10
# Session, user, two-factor device, permissions (user's and group's), the claim, its categories,
# tags and citations with their sources, the navigation's new-tips count, its history.
ENTRY_PAGE_QUERIES = 11
PDF = pdf_bytes()


@pytest.fixture
def owned(contributor):
    """One entry of each kind owned by the contributor, and a source with a file."""
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, last_edited_by=contributor)
    statistic = StatisticFactory(status=S.DRAFT, created_by=contributor)
    source = SourceFactory(
        sha256="a" * 64, created_by=contributor, organization__created_by=contributor
    )
    source.file.save("report.pdf", SimpleUploadedFile("report.pdf", PDF), save=True)
    return {"claim": claim, "statistic": statistic, "source": source}


def workspace_urls(owned):
    claim, statistic, source = owned["claim"], owned["statistic"], owned["source"]
    return [
        reverse("workspace:home"),
        reverse("workspace:claim_create"),
        reverse("workspace:claim_edit", args=[claim.pk]),
        reverse("workspace:claim_detail", args=[claim.pk]),
        reverse("workspace:statistic_create"),
        reverse("workspace:statistic_detail", args=[statistic.pk]),
        reverse("workspace:statistic_edit", args=[statistic.pk]),
        reverse("workspace:source_list"),
        reverse("workspace:source_create"),
        reverse("workspace:source_edit", args=[source.pk]),
        reverse("workspace:source_file", args=[source.pk]),
        reverse("workspace:organization_list"),
        reverse("workspace:organization_create"),
        reverse("workspace:organization_edit", args=[source.organization.pk]),
    ]


def post_urls(owned):
    claim, statistic = owned["claim"], owned["statistic"]
    return [
        reverse("workspace:claim_submit", args=[claim.pk]),
        reverse("workspace:claim_retract", args=[claim.pk]),
        reverse("workspace:statistic_submit", args=[statistic.pk]),
        reverse("workspace:statistic_retract", args=[statistic.pk]),
    ]


def test_workspace_pages_send_anonymous_users_to_login(client, owned):
    for url in workspace_urls(owned):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"], url


def test_workspace_pages_refuse_users_without_a_role(client, owned):
    client.force_login(make_user("none"))
    for url in workspace_urls(owned):
        assert client.get(url).status_code == 403, url


def test_workspace_pages_open_for_the_contributor(client, contributor, owned):
    client.force_login(contributor)
    for url in workspace_urls(owned):
        assert client.get(url).status_code == 200, url


def test_workspace_actions_ladder(client, contributor, owned):
    for url in post_urls(owned):
        assert reverse("login") in client.post(url)["Location"], url
    client.force_login(make_user("none"))
    for url in post_urls(owned):
        assert client.post(url).status_code == 403, url
    client.force_login(contributor)
    for url in post_urls(owned):
        assert client.post(url).status_code == 302, url


def test_workspace_actions_refuse_another_contributor_as_if_missing(client, owned):
    client.force_login(make_user("contributor"))
    assert client.post(post_urls(owned)[0]).status_code == 404
    assert client.get(workspace_urls(owned)[2]).status_code == 404
    missing = owned["claim"].pk + 1000
    assert client.post(reverse("workspace:claim_submit", args=[missing])).status_code == 404
    assert client.get(reverse("workspace:claim_edit", args=[missing])).status_code == 404


def test_workspace_pages_are_never_cached(client, contributor, owned):
    client.force_login(contributor)
    response = client.get(reverse("workspace:claim_edit", args=[owned["claim"].pk]))
    assert "no-store" in response["Cache-Control"]


def test_workspace_home_groups_entries_by_state(client, contributor):
    ClaimFactory(status=S.DRAFT, created_by=contributor, title="A draft of mine")
    ClaimFactory(status=S.SUBMITTED, created_by=contributor, title="Sent off")
    ClaimFactory(status=S.DRAFT, title="Somebody else's")
    client.force_login(contributor)
    response = client.get(reverse("workspace:home"))
    groups = {group["status"]: group["entries"] for group in response.context["groups"]}
    assert [item["entry"].title for item in groups[S.DRAFT]] == ["A draft of mine"]
    assert [item["entry"].title for item in groups[S.SUBMITTED]] == ["Sent off"]
    assert b"Somebody else" not in response.content


def test_workspace_home_of_a_new_contributor_says_where_to_start(client, contributor):
    client.force_login(contributor)
    response = client.get(reverse("workspace:home"))
    html = response.content.decode()
    assert "Where to start" in html
    for name in ("workspace:claim_create", "workspace:statistic_create", "imports:upload"):
        assert f'href="{reverse(name)}"' in html
    assert "None." not in html
    assert 'id="state-draft"' not in html


def test_workspace_home_shows_only_the_states_that_hold_entries(client, contributor):
    ClaimFactory(status=S.DRAFT, created_by=contributor, title="A draft of mine")
    client.force_login(contributor)
    html = client.get(reverse("workspace:home")).content.decode()
    assert "Where to start" not in html
    assert 'id="state-draft"' in html
    assert 'id="state-submitted"' not in html
    assert "None." not in html


def test_workspace_home_links_each_title_to_its_entry(client, contributor):
    draft = ClaimFactory(status=S.DRAFT, created_by=contributor, title="A draft of mine")
    sent = ClaimFactory(status=S.SUBMITTED, created_by=contributor, title="Sent off")
    client.force_login(contributor)
    html = client.get(reverse("workspace:home")).content.decode()
    edit = reverse("workspace:claim_edit", args=[draft.pk])
    detail = reverse("workspace:claim_detail", args=[sent.pk])
    assert f'<a class="entry-title" href="{edit}">A draft of mine</a>' in html
    assert f'<a class="entry-title" href="{detail}">Sent off</a>' in html
    # Taking a submission back is offered, never as the page's main action.
    assert 'class="button-small button-secondary">Take back</button>' in html


def test_entry_page_shows_a_submitted_entry_to_its_owner(client, contributor):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, title="Sent off")
    client.force_login(contributor)
    response = client.get(reverse("workspace:claim_detail", args=[claim.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sent off" in html
    assert reverse("workspace:claim_retract", args=[claim.pk]) in html
    assert reverse("workspace:claim_edit", args=[claim.pk]) not in html


def test_entry_page_of_another_contributor_is_missing(client, contributor):
    claim = ClaimFactory(status=S.SUBMITTED, title="Somebody else's")
    client.force_login(contributor)
    assert client.get(reverse("workspace:claim_detail", args=[claim.pk])).status_code == 404


def test_workspace_source_list_pages_through_every_source(client, contributor):
    SourceFactory.create_batch(51)
    client.force_login(contributor)
    html = client.get(reverse("workspace:source_list")).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?page=2" rel="next"' in html
    assert client.get(reverse("workspace:source_list") + "?page=2").context["sources"]


def test_workspace_organization_list_pages_through_every_organisation(client, contributor):
    OrganizationFactory.create_batch(101)
    client.force_login(contributor)
    html = client.get(reverse("workspace:organization_list")).content.decode()
    assert 'href="?page=2" rel="next"' in html


@pytest.mark.parametrize("citations", [1, 6])
def test_entry_page_query_count_is_fixed(client, contributor, django_assert_num_queries, citations):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    CitationFactory.create_batch(citations, claim=claim)
    client.force_login(contributor)
    with django_assert_num_queries(ENTRY_PAGE_QUERIES):
        response = client.get(reverse("workspace:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


def test_workspace_home_query_count_is_bounded(client, contributor, django_assert_num_queries):
    for _ in range(6):
        ClaimFactory(status=S.DRAFT, created_by=contributor)
        StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    client.force_login(contributor)
    with django_assert_num_queries(WORKSPACE_HOME_QUERIES):
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 200


def claim_post(source=None, **overrides):
    data = {
        "title": "Detainee died in Izalco prison",
        "summary": "A man held since 2022 died in custody.",
        "country": "SV",
        "date_precision": "day",
        "event_start": "2024-05-02",
        "citations-TOTAL_FORMS": "2",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "50",
        "citations-0-source": source.pk if source else "",
        "citations-0-stance": "supports",
        "citations-0-new_source_kind": "report",
        "citations-0-quote": "He died on 2 May.",
        "citations-1-new_source_title": "Press article on Izalco",
        "citations-1-new_source_url": "https://example.org/izalco",
        "citations-1-new_source_kind": "news_article",
        "citations-1-stance": "mentions",
    }
    data.update(overrides)
    return data


def test_claim_create_saves_draft_with_two_citations_and_a_new_source(client, contributor):
    source = SourceFactory()
    client.force_login(contributor)
    response = client.post(reverse("workspace:claim_create"), claim_post(source))
    assert response.status_code == 302
    claim = Claim.objects.get(title="Detainee died in Izalco prison")
    assert claim.status == S.DRAFT
    assert claim.created_by == contributor
    titles = sorted(c.source.title for c in claim.citations.all())
    assert titles == sorted([source.title, "Press article on Izalco"])
    assert Source.objects.get(title="Press article on Izalco").created_by == contributor


def test_claim_form_starts_with_the_default_country(client, contributor, settings):
    settings.DEFAULT_COUNTRY = "GT"
    client.force_login(contributor)
    html = client.get(reverse("workspace:claim_create")).content.decode()
    assert 'name="country" value="Guatemala"' in html
    # The country is typed and chosen from the browser's suggestions, without JavaScript.
    assert 'list="id_country-countries"' in html
    assert '<datalist id="id_country-countries">' in html
    assert '<option value="El Salvador"></option>' in html


def test_claim_form_country_suggestions_are_in_the_readers_language(client, contributor):
    client.force_login(contributor)
    html = client.get(reverse("workspace:claim_create").replace("/en/", "/es/", 1)).content
    assert '<option value="México"></option>' in html.decode()


@pytest.mark.parametrize("typed", ["SV", "sv", "El Salvador", "EL SALVADOR", "el salvador"])
def test_claim_create_reads_a_country_by_name_or_code(client, contributor, typed):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_create"), claim_post(SourceFactory(), country=typed)
    )
    assert response.status_code == 302
    assert Claim.objects.get().country.code == "SV"


def test_claim_create_refuses_an_unknown_country_and_keeps_it(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_create"), claim_post(SourceFactory(), country="Narnia")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert 'name="country" value="Narnia"' in html
    assert "is not a country we know" in html


def test_claim_form_adds_a_citation_keeping_what_was_typed(client, contributor):
    client.force_login(contributor)
    data = claim_post(title="", add_citation="1")
    response = client.post(reverse("workspace:claim_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert 'name="citations-TOTAL_FORMS" value="3"' in html
    assert 'id="citation-3"' in html
    assert "Press article on Izalco" in html
    assert "A man held since 2022 died in custody." in html
    # Nothing was checked: the empty title is not reported yet.
    assert "aria-invalid" not in html
    assert "Required in the language" not in html


def test_claim_form_added_citation_is_saved(client, contributor):
    client.force_login(contributor)
    data = claim_post(
        SourceFactory(),
        **{
            "citations-TOTAL_FORMS": "3",
            "citations-2-new_source_title": "A third source",
            "citations-2-new_source_kind": "report",
            "citations-2-stance": "supports",
        },
    )
    assert client.post(reverse("workspace:claim_create"), data).status_code == 302
    assert Claim.objects.get().citations.count() == 3


def test_claim_save_and_submit_sends_the_new_claim_to_review(client, contributor):
    client.force_login(contributor)
    data = claim_post(SourceFactory(), save_and_submit="1")
    response = client.post(reverse("workspace:claim_create"), data)
    claim = Claim.objects.get()
    assert claim.status == S.SUBMITTED
    assert response["Location"] == reverse("workspace:claim_detail", args=[claim.pk])
    assert [event.to_value for event in workflow.history(claim)][-1] == S.SUBMITTED


def test_claim_save_and_submit_with_bad_input_submits_nothing(client, contributor):
    draft = ClaimFactory(status=S.DRAFT, created_by=contributor, last_edited_by=contributor)
    client.force_login(contributor)
    url = reverse("workspace:claim_edit", args=[draft.pk])
    data = claim_post(
        SourceFactory(),
        save_and_submit="1",
        version=draft.version,
        event_start="2024-05-02",
        event_end="2024-05-01",
        title="My typed title",
    )
    response = client.post(url, data)
    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.status == S.DRAFT
    assert 'value="My typed title"' in response.content.decode()


def test_claim_save_and_submit_of_a_draft_saves_then_submits(client, contributor):
    draft = ClaimFactory(status=S.DRAFT, created_by=contributor, last_edited_by=contributor)
    client.force_login(contributor)
    url = reverse("workspace:claim_edit", args=[draft.pk])
    data = claim_post(
        SourceFactory(), save_and_submit="1", version=draft.version, title="Edited, then sent"
    )
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Edited, then sent", S.SUBMITTED)


def test_claim_form_never_exposes_state_or_owner_fields(client, contributor):
    client.force_login(contributor)
    form = client.get(reverse("workspace:claim_create")).context["form"]
    assert not {"status", "verification", "created_by", "last_edited_by"} & set(form.fields)


def test_claim_create_citation_without_source_is_refused(client, contributor):
    client.force_login(contributor)
    data = claim_post(None, **{"citations-1-new_source_title": ""})
    data["citations-0-quote"] = "Quote with no source"
    response = client.post(reverse("workspace:claim_create"), data)
    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert "Quote with no source" in response.content.decode()


def test_claim_form_source_search_narrows_choices_and_keeps_input(client, contributor):
    wanted = SourceFactory(title="Informe anual Socorro Jurídico")
    SourceFactory(title="Unrelated bulletin")
    client.force_login(contributor)
    data = claim_post(None, search_sources="1", source_query="juridico")
    response = client.post(reverse("workspace:claim_create"), data)
    choices = list(response.context["formset"].forms[0].fields["source"].queryset)
    assert choices == [wanted]
    assert "Detainee died in Izalco prison" in response.content.decode()
    assert not Claim.objects.exists()


def test_claim_form_shows_likely_duplicates(client, contributor):
    ClaimFactory(title="Detainee died in Izalco prison in May")
    client.force_login(contributor)
    response = client.post(reverse("workspace:claim_create"), claim_post(None, search_sources="1"))
    assert [c.title for c in response.context["duplicates"]] == [
        "Detainee died in Izalco prison in May"
    ]


def edit_post(claim, **overrides):
    data = claim_post(
        None,
        **{
            "version": claim.version,
            "citations-TOTAL_FORMS": "1",
            "citations-0-new_source_title": "A new report",
        },
    )
    data.update(overrides)
    return data


def test_edit_of_published_claim_becomes_pending_revision(client, contributor):
    claim = ClaimFactory(title="Published title", created_by=contributor)
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_edit", args=[claim.pk]), edit_post(claim, title="New title")
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.title == "Published title"
    revision = Revision.objects.get()
    assert revision.data["fields"]["title"] == "New title"
    assert revision.created_by == contributor


def test_concurrent_edit_is_refused_and_keeps_what_was_typed(client, contributor, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, title="First")
    stale_version = claim.version
    workflow.save_edit(
        claim,
        by=reviewer,
        expected_version=stale_version,
        data={"fields": {"title": "Reviewer's title"}},
    )
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_edit", args=[claim.pk]),
        edit_post(claim, version=stale_version, title="My typed title"),
    )
    assert response.status_code == 200
    assert "Someone else saved this entry" in response.content.decode()
    assert 'value="My typed title"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.title == "Reviewer's title"


def test_draft_edit_bumps_version_and_records_editor(client, contributor):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor)
    CitationFactory(claim=claim)
    client.force_login(contributor)
    client.post(
        reverse("workspace:claim_edit", args=[claim.pk]), edit_post(claim, title="Better title")
    )
    claim.refresh_from_db()
    assert (claim.title, claim.version, claim.last_edited_by) == ("Better title", 2, contributor)
    assert [c.source.title for c in claim.citations.all()] == ["A new report"]


def test_source_upload_stores_sha256(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:source_create"),
        {
            "title": "Autopsy report",
            "kind": "report",
            "language": "en",
            "published_precision": "day",
            "file": SimpleUploadedFile("autopsy.pdf", PDF),
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(title="Autopsy report")
    import hashlib

    assert source.sha256 == hashlib.sha256(PDF).hexdigest()
    assert source.created_by == contributor


def test_source_upload_refuses_type_by_content(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:source_create"),
        {
            "title": "Disguised script",
            "kind": "report",
            "language": "en",
            "published_precision": "day",
            "file": SimpleUploadedFile("looks.pdf", b"#!/bin/sh\nrm -rf /\n"),
        },
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not Source.objects.filter(title="Disguised script").exists()


def test_source_upload_refuses_large_file(client, contributor, settings):
    settings.SOURCE_FILE_MAX_BYTES = 100
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:source_create"),
        {
            "title": "Huge scan",
            "kind": "report",
            "language": "en",
            "published_precision": "day",
            "file": SimpleUploadedFile("huge.pdf", PDF + b"0" * 200),
        },
    )
    assert "too large" in response.content.decode()
    assert not Source.objects.filter(title="Huge scan").exists()


def test_source_file_is_served_as_private_download(client, contributor, owned):
    client.force_login(contributor)
    response = client.get(reverse("workspace:source_file", args=[owned["source"].pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_source_concurrent_edit_is_refused(client, contributor):
    source = SourceFactory(title="Original", created_by=contributor)
    client.force_login(contributor)
    data = {
        "title": "My change",
        "kind": "report",
        "language": "en",
        "published_precision": "day",
        "version": source.version - 1 if source.version > 1 else 0,
    }
    response = client.post(reverse("workspace:source_edit", args=[source.pk]), data)
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.title == "Original"


def test_organization_create(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:organization_create"),
        {
            "name": "Cristosal",
            "slug": "cristosal",
            "kind": "ngo",
            "reliability": "B",
            "original_language": "es",
        },
    )
    assert response.status_code == 302
    organization = OrganizationFactory._meta.model.objects.get(slug="cristosal")
    assert organization.created_by == contributor
    assert organization.original_language == "es"


def statistic_post(statistic=None, **overrides):
    source = statistic.source if statistic else SourceFactory()
    data = {
        "indicator": statistic.indicator_id if statistic else IndicatorFactory().pk,
        "organization": source.organization_id,
        "source": source.pk,
        "qualifier": "at_least",
        "value": "480",
        "as_of": "2025-06-01",
        "as_of_precision": "day",
        "period_start_precision": "day",
    }
    if statistic:
        data.update(version=statistic.version, as_of=statistic.as_of.isoformat())
    data.update(overrides)
    return data


def test_statistic_create_saves_draft(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("workspace:statistic_create"), statistic_post())
    assert response.status_code == 302
    statistic = Statistic.objects.get()
    assert (statistic.status, statistic.created_by, statistic.value) == (S.DRAFT, contributor, 480)


def test_statistic_range_without_upper_bound_is_refused(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("workspace:statistic_create"), statistic_post(qualifier="range"))
    assert response.status_code == 200
    assert not Statistic.objects.exists()


def test_statistic_revision_diff_lists_only_changed_fields(client, contributor, reviewer):
    statistic = StatisticFactory(value=100, created_by=contributor)
    client.force_login(contributor)
    client.post(
        reverse("workspace:statistic_edit", args=[statistic.pk]),
        statistic_post(statistic, qualifier="exact", value="100", note="Plus 4 newborns"),
    )
    revision = Revision.objects.get()
    client.force_login(reviewer)
    diff = client.get(reverse("review:revision", args=[revision.pk])).context["diff"]
    assert [str(change["label"]) for change in diff] == ["public note"]
