import csv
import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    make_user,
)
from tracker.imports import apply_import, read_claims_csv
from tracker.lists import LISTS
from tracker.models import Citation, Claim, ImportJob, ModerationEvent, Source, Tag

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/en/workspace/import/"


@pytest.fixture
def vocabulary():
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot")
    OrganizationFactory(name="Cristosal", slug="cristosal")
    Tag.objects.create(name="deportation", slug="deportation")


def sheet(*rows: dict, header: list[str] | None = None) -> bytes:
    header = header or ["title", "summary", "country", "categories", "place", "source_urls",
                        "source_titles"]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def good_row(n: int = 1, **overrides) -> dict:
    row = {
        "title": f"Imported claim {n}",
        "summary": "People were held without charge.",
        "country": "SV",
        "categories": "torture",
        "place": "cecot",
        "source_urls": f"https://example.org/report-{n}",
        "source_titles": f"Report {n}",
    }
    row.update(overrides)
    return row


def upload(client, data: bytes, name: str = "claims.csv"):
    """Upload a file; the tasks run at once (test settings), so the dry run is done."""
    file = io.BytesIO(data)
    file.name = name
    return client.post(UPLOAD_URL, {"file": file})


def uploaded_job(client, data: bytes, name: str = "claims.csv") -> ImportJob:
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def confirm(client, job: ImportJob):
    return client.post(f"{UPLOAD_URL}{job.pk}/confirm/")


# Permissions ---------------------------------------------------------------------------------


def test_import_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_import_page_refuses_users_without_a_role(client):
    client.force_login(make_user("none"))
    assert client.get(UPLOAD_URL).status_code == 403


def test_import_page_opens_for_contributors(client, contributor):
    client.force_login(contributor)
    assert client.get(UPLOAD_URL).status_code == 200


def test_import_confirm_refuses_users_without_a_role(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    client.force_login(make_user("none"))
    assert confirm(client, job).status_code == 403


# Dry run and confirmation --------------------------------------------------------------------


def test_import_dry_run_changes_nothing(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1), good_row(2)))
    response = client.get(f"{UPLOAD_URL}{job.pk}/")
    assert response.status_code == 200
    assert "Imported claim 2" in response.content.decode()
    assert Claim.objects.count() == 0
    assert Source.objects.count() == 0
    assert ModerationEvent.objects.count() == 0


def test_import_confirm_creates_drafts_of_the_importer(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1), good_row(2)))
    response = confirm(client, job)
    assert response.status_code == 302
    claims = Claim.objects.order_by("title")
    assert [claim.title for claim in claims] == ["Imported claim 1", "Imported claim 2"]
    owners = {(c.status, c.created_by_id, c.last_edited_by_id, c.origin, c.version) for c in claims}
    assert owners == {("draft", contributor.pk, contributor.pk, "import", 1)}


def test_import_confirm_records_an_import_event_per_claim(client, contributor, vocabulary):
    client.force_login(contributor)
    confirm(client, uploaded_job(client, sheet(good_row(1))))
    claim = Claim.objects.get()
    event = ModerationEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Claim), object_id=claim.pk
    )
    assert (event.kind, event.action, event.to_value, event.actor_id, event.comment) == (
        "import", "import", "draft", contributor.pk, "Imported from claims.csv, row 2."
    )  # fmt: skip


def test_import_confirm_links_categories_place_and_sources(client, contributor, vocabulary):
    client.force_login(contributor)
    confirm(client, uploaded_job(client, sheet(good_row(1))))
    claim = Claim.objects.get()
    assert [c.slug for c in claim.categories.all()] == ["torture"]
    assert claim.location.slug == "cecot"
    assert [(c.source.url, c.source.title) for c in claim.citations.all()] == [
        ("https://example.org/report-1", "Report 1")
    ]


def test_import_confirm_of_another_users_job_is_not_found(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    client.force_login(make_user("contributor", username="someone-else"))
    assert confirm(client, job).status_code == 404
    assert Claim.objects.count() == 0


def test_import_confirm_cannot_run_twice(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    confirm(client, job)
    confirm(client, job)
    assert Claim.objects.count() == 1


def test_import_confirm_removes_the_stored_file(
    client, contributor, vocabulary, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    assert default_storage.exists(job.stored_path)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    assert not default_storage.exists(job.stored_path)


def test_import_confirm_checks_the_file_again(client, contributor, vocabulary):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    LocationFactory._meta.model.objects.filter(slug="cecot").update(slug="renamed", name="Renamed")
    confirm(client, job)
    response = client.get(f"{UPLOAD_URL}{job.pk}/")
    assert "Unknown place" in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    assert Claim.objects.count() == 0


# Errors ----------------------------------------------------------------------------------------


def test_import_file_with_one_bad_row_imports_nothing_and_names_the_row(
    client, contributor, vocabulary
):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1), good_row(2, categories="no-such-thing")))
    body = client.get(f"{UPLOAD_URL}{job.pk}/").content.decode()
    assert "Row 3, column “categories”: Unknown category “no-such-thing”." in body
    assert f"{job.pk}/confirm/" not in body
    assert Claim.objects.count() == 0


def test_import_file_with_a_bad_row_is_not_kept_and_cannot_be_confirmed(
    client, contributor, vocabulary
):
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1, title="x\x00y")))
    assert (job.state, job.stored_path, job.is_ready) == ("checked", "", False)
    assert default_storage.listdir("imports")[1] == []
    confirm(client, job)
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"place": "atlantis"}, "place", "Unknown place “atlantis”."),
        ({"country": "XX"}, "country", "“XX” is not a country code."),
        ({"title": ""}, "title", "A title is required."),
        ({"source_urls": "not a url"}, "source_urls", "“not a url” is not a web address."),
    ],
)
def test_import_row_errors_name_row_and_column(vocabulary, overrides, column, message):
    plan = read_claims_csv(sheet(good_row(1, **overrides)))
    assert not plan.is_valid
    assert [(e.column, e.message) for e in plan.rows[0].errors] == [(column, message)]


def test_import_unknown_organisation_is_an_error(vocabulary):
    citation = {"source_title": "New report", "source_organization": "nobody", "stance": "supports"}
    data = sheet(
        {"title": "t", "summary": "s", "country": "SV", "citations": json.dumps([citation])},
        header=["title", "summary", "country", "citations"],
    )
    plan = read_claims_csv(data)
    assert plan.errors() == [
        "Row 2, column “citations”: citation 1: Unknown organisation “nobody”."
    ]


def test_import_never_creates_a_category(client, contributor, vocabulary):
    client.force_login(contributor)
    upload(client, sheet(good_row(1, categories="new-category")))
    assert not CategoryFactory._meta.model.objects.filter(slug="new-category").exists()


def test_import_refuses_a_file_that_is_not_utf8(client, contributor, vocabulary):
    client.force_login(contributor)
    data = sheet(good_row(1, title="Detención arbitraria")).decode().encode("latin-1")
    response = upload(client, data)
    assert "The file is not UTF-8 text" in response.content.decode()
    assert Claim.objects.count() == 0


def test_import_refuses_wrong_columns(client, contributor):
    client.force_login(contributor)
    response = upload(client, b"name,what\nx,y\n")
    body = response.content.decode()
    assert "Unknown columns: name, what." in body
    assert "Missing required columns: title, summary, country." in body


def test_import_refuses_an_empty_file(contributor):
    assert read_claims_csv(b"").file_errors == ["The file is empty."]


def test_import_refuses_an_empty_upload_with_a_message(client, contributor):
    client.force_login(contributor)
    response = upload(client, b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_import_refuses_a_header_without_rows(contributor):
    assert read_claims_csv(b"title,summary,country\n").file_errors == [
        "The file has a header but no rows."
    ]


def test_import_refuses_an_oversized_file(client, contributor, vocabulary, settings):
    settings.CLAIM_IMPORT_MAX_BYTES = 100
    client.force_login(contributor)
    response = upload(client, sheet(good_row(1), good_row(2)))
    assert "the largest file accepted is 100 bytes" in response.content.decode()
    assert Claim.objects.count() == 0


# Sources -------------------------------------------------------------------------------------


def test_import_matches_an_existing_source_by_url(contributor, vocabulary):
    existing = SourceFactory(url="https://example.org/report-1", title="Existing title")
    apply_import(read_claims_csv(sheet(good_row(1))), by=contributor)
    assert Citation.objects.get().source == existing
    assert Source.objects.count() == 1


def test_import_creates_a_source_cited_twice_only_once(contributor, vocabulary):
    rows = [good_row(1), good_row(2, source_urls="https://example.org/report-1")]
    apply_import(read_claims_csv(sheet(*rows)), by=contributor)
    assert Source.objects.count() == 1
    assert Citation.objects.count() == 2


def test_import_undoes_formula_neutralisation(contributor, vocabulary):
    apply_import(read_claims_csv(sheet(good_row(1, title="'=1+1"))), by=contributor)
    assert Claim.objects.get().title == "=1+1"


def test_import_refused_for_a_user_without_permission(vocabulary):
    from tracker.workflow import TransitionRefused

    with pytest.raises(TransitionRefused):
        apply_import(read_claims_csv(sheet(good_row(1))), by=make_user("none"))
    assert Claim.objects.count() == 0


# Command -------------------------------------------------------------------------------------


def test_import_command_dry_run_changes_nothing(tmp_path, vocabulary, capsys):
    path = tmp_path / "claims.csv"
    path.write_bytes(sheet(good_row(1)))
    call_command("import_claims", str(path), "--dry-run")
    assert "1 claim(s) would be imported" in capsys.readouterr().out
    assert Claim.objects.count() == 0


def test_import_command_imports_as_the_user_with_progress(
    tmp_path, contributor, vocabulary, capsys
):
    path = tmp_path / "claims.csv"
    path.write_bytes(sheet(good_row(1), good_row(2)))
    call_command("import_claims", str(path), "--user", contributor.username)
    captured = capsys.readouterr()
    assert "Importing [##############################] 2/2" in captured.err
    assert Claim.objects.filter(created_by=contributor, status="draft").count() == 2


def test_import_command_with_a_bad_row_imports_nothing(tmp_path, contributor, vocabulary, capsys):
    path = tmp_path / "claims.csv"
    path.write_bytes(sheet(good_row(1), good_row(2, place="atlantis")))
    with pytest.raises(CommandError):
        call_command("import_claims", str(path), "--user", contributor.username)
    assert "Row 3, column “place”: Unknown place “atlantis”." in capsys.readouterr().err
    assert Claim.objects.count() == 0


# Round trip ----------------------------------------------------------------------------------


def claim_snapshot() -> list[tuple]:
    fields = [
        "title", "summary", "country", "place_details", "event_start", "event_end", "ongoing",
        "date_precision", "victim_count", "victim_description", "alleged_perpetrator",
    ]  # fmt: skip
    rows = []
    for claim in Claim.objects.order_by("title"):
        rows.append(
            (
                tuple(str(getattr(claim, name)) for name in fields),
                claim.location.slug if claim.location else None,
                tuple(sorted(c.slug for c in claim.categories.all())),
                tuple(sorted(t.name for t in claim.tags.all())),
                tuple(
                    (c.source.url, c.source.title, c.quote, c.locator, c.stance)
                    for c in claim.citations.order_by("source__title", "locator")
                ),
            )
        )
    return rows


def source_snapshot() -> set[tuple]:
    return set(
        Source.objects.values_list(
            "title", "url", "archived_url", "kind", "organization__slug", "author",
            "published_on", "published_precision", "language",
        )
    )  # fmt: skip


def test_round_trip_of_the_claims_export_is_lossless(client, contributor, vocabulary):
    org = OrganizationFactory._meta.model.objects.get(slug="cristosal")
    shared = SourceFactory(
        title="=Shared report", url="https://example.org/shared", organization=org,
        author="A. Author", archived_url="https://archive.example/shared", language="es",
        kind="news_article", published_on=datetime.date(2024, 3, 1), published_precision="month",
    )  # fmt: skip
    untitled_url = SourceFactory(title="Statement without URL", url="", organization=None)
    first = ClaimFactory(
        title="-Deaths in custody", summary="Line one.\nLine two, with “quotes”.",
        place_details="Izalco", event_start=datetime.date(2022, 3, 1), date_precision="month",
        event_end=datetime.date(2024, 5, 1), victim_count=480, victim_description="detainees",
        alleged_perpetrator="Prison authorities", ongoing=True,
        categories=[CategoryFactory._meta.model.objects.get(slug="torture")],
        location=LocationFactory._meta.model.objects.get(slug="cecot"),
    )  # fmt: skip
    first.tags.set(Tag.objects.all())
    CitationFactory(claim=first, source=shared, quote="=480 people", locator="p. 3")
    CitationFactory(claim=first, source=shared, quote="Again", locator="p. 9", stance="mentions")
    CitationFactory(claim=first, source=untitled_url, stance="contradicts")
    second = ClaimFactory(title="Second claim", event_start=None, victim_count=None)
    CitationFactory(claim=second, source=shared, quote="", locator="")
    claims_before, sources_before = claim_snapshot(), source_snapshot()

    exported = b"".join(client.get("/claims.csv").streaming_content)
    Citation.objects.all().delete()
    Claim.objects.all().delete()
    Source.objects.all().delete()
    plan = read_claims_csv(exported)
    assert plan.errors() == []
    apply_import(plan, by=contributor)

    assert claim_snapshot() == claims_before
    assert source_snapshot() == sources_before


def test_round_trip_header_is_the_export_layout(vocabulary):
    header = [column.name for column in LISTS["claims"].columns]
    plan = read_claims_csv(sheet({"title": "t", "summary": "s", "country": "SV"}, header=header))
    assert plan.is_valid


# Queries ---------------------------------------------------------------------------------------

# The confirm of 300 rows in chunks of 100: the queries of three chunks, whatever the rows. Per
# chunk: sources and slugs looked up, then claims, category links, sources, citations, their
# versions and events written. Once per file: the savepoint, the permission, the content type,
# the vocabularies and the places' names. SQLite takes at most 999 parameters a statement, so
# its inserts of one chunk are split in a few statements.
CONFIRM_QUERIES = {"postgresql": 44, "sqlite": 80}


@pytest.mark.parametrize("rows", [300])
def test_import_confirm_queries_are_bounded_by_chunks(
    contributor, vocabulary, monkeypatch, django_assert_num_queries, rows
):
    from django.db import connection

    from tracker.imports import import_claims_csv

    monkeypatch.setattr("tracker.imports.plan.CHUNK_SIZE", 100)
    data = sheet(*(good_row(n) for n in range(rows)))
    contributor = type(contributor).objects.get(pk=contributor.pk)  # permissions not cached
    ContentType.objects.clear_cache()  # as in a fresh worker process
    with django_assert_num_queries(CONFIRM_QUERIES[connection.vendor]):
        result = import_claims_csv(data, by=contributor, file_name="many.csv")
    assert (result.claims, result.citations, result.sources) == (rows, rows, rows)
