"""Case lists: one source's list of people checked in a dry run, then imported as drafts, all
rows or none, each reported by the source with its case number."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    LocationFactory,
    PersonFactory,
    PersonSourceFactory,
    SourceFactory,
    make_user,
)
from tracker import import_jobs
from tracker.imports.people import CaseListRefused, check_case_list, import_case_list
from tracker.models import (
    ImportJob,
    ModerationEvent,
    ModerationStatus,
    Person,
    PersonSource,
    Privacy,
)

pytestmark = pytest.mark.django_db

HEADER = "case_number,name,sex,age,situation,country,place,died_on,died_precision,privacy\n"


def case_list(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def source():
    LocationFactory(slug="izalco-prison", name="Izalco prison")
    return SourceFactory(url="https://example.org/case-list")


GOOD = case_list(
    "SJH-1,Persona Sintética Uno,male,41,died_in_custody,SV,izalco-prison,2023-05-14,day,",
    "SJH-2,Persona Sintética Dos,female,,died_in_custody,SV,,2023-06-01,month,anonymous",
)


def test_case_list_dry_run_counts_and_writes_nothing(source):
    plan = check_case_list(GOOD, source=source)
    assert plan.is_valid
    assert plan.row_count == 2
    assert plan.by_privacy() == {Privacy.NAMED: 0, Privacy.ANONYMOUS: 1, Privacy.COUNTED: 1}
    assert Person.objects.count() == 0


def test_case_list_import_makes_drafts_reported_by_the_source(source):
    contributor = make_user("contributor")
    import_case_list(GOOD, source=source, by=contributor, file_name="list.csv")
    records = Person.objects.order_by("pk")
    assert [(p.status, p.created_by, p.privacy) for p in records] == [
        (ModerationStatus.DRAFT, contributor, Privacy.COUNTED),
        (ModerationStatus.DRAFT, contributor, Privacy.ANONYMOUS),
    ]
    assert records[0].place.slug == "izalco-prison"
    assert str(records[1].died_on) == "2023-06-01"
    assert [list(p.reports.values_list("source", "case_number")) for p in records] == [
        [(source.pk, "SJH-1")],
        [(source.pk, "SJH-2")],
    ]
    assert ModerationEvent.objects.filter(action="import").count() == 2


def test_case_list_with_errors_imports_nothing_and_names_each_problem(source):
    PersonSourceFactory(person=PersonFactory(reported=False), source=source, case_number="SJH-9")
    data = case_list(
        "SJH-1,A,male,41,died_in_custody,SV,izalco-prison,2023-05-14,day,",
        "SJH-1,B,male,41,died_in_custody,SV,,2023-05-14,day,",
        "SJH-9,C,male,41,died_in_custody,SV,,2023-05-14,day,",
        "SJH-3,D,male,old,died_in_custody,XX,nowhere,14/05/2023,day,public",
        ",E,,,,,,,,",
    )
    before = Person.objects.count()
    with pytest.raises(CaseListRefused) as refused:
        import_case_list(data, source=source, by=make_user("contributor"))
    assert Person.objects.count() == before
    errors = refused.value.plan.errors()
    assert errors == [
        "Row 3, column “case_number”: Case “SJH-1” is already in row 2.",
        "Row 4, column “case_number”: Case “SJH-9” of this source is already in the register.",
        "Row 5, column “privacy”: “public” is not one of: named, anonymous, counted.",
        "Row 5, column “age”: “old” is not an age in years.",
        "Row 5, column “died_on”: “14/05/2023” is not a date as YYYY-MM-DD.",
        "Row 5, column “country”: Unknown country code “XX”.",
        "Row 5, column “place”: Unknown place “nowhere”.",
        "Row 6, column “case_number”: A case number is required.",
    ]


def test_case_list_refuses_unknown_and_missing_columns(source):
    plan = check_case_list(b"name,birthday\nA,2000-01-01\n", source=source)
    assert not plan.is_valid
    assert plan.file_errors[0].startswith("Unknown columns: birthday.")
    assert plan.file_errors[1] == "Missing required columns: case_number."


def test_case_list_imported_twice_is_refused_the_second_time(source):
    contributor = make_user("contributor")
    import_case_list(GOOD, source=source, by=contributor)
    with pytest.raises(CaseListRefused):
        import_case_list(GOOD, source=source, by=contributor)
    assert Person.objects.count() == 2


def test_import_people_command_dry_run_then_import(source, tmp_path):
    make_user("contributor", username="maria")
    path = tmp_path / "list.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_people", str(path), source=source.url, dry_run=True, stdout=out)
    assert (
        "2 person record(s) would be imported (0 named, 1 anonymous, 1 counted)" in out.getvalue()
    )
    assert "Sintética" not in out.getvalue()
    assert Person.objects.count() == 0
    call_command("import_people", str(path), source=str(source.pk), user="maria", stdout=out)
    assert Person.objects.filter(created_by__username="maria").count() == 2


def test_import_people_command_refuses_errors_with_their_rows(source, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(case_list("SJH-1,A,male,41,died_in_custody,SV,,2023-13-01,day,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path), source=source.url, dry_run=True, stderr=err)
    assert "Row 2, column “died_on”" in err.getvalue()


def upload(data: bytes, name: str = "list.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


# The case list page: an import job -------------------------------------------------------------
# The test settings run tasks at once (django-tasks' immediate backend): an upload returns with
# its dry run done, a confirmation with its import done, as in tests/test_import_jobs.py.

PAGE_URL = "/en/workspace/people/import/"
State = ImportJob.State


def job_url(job: ImportJob, action: str = "") -> str:
    return f"/en/workspace/import/{job.pk}/{action + '/' if action else ''}"


def uploaded_case_list(client, source, data: bytes, name: str = "list.csv") -> ImportJob:
    response = client.post(PAGE_URL, {"source": source.pk, "file": upload(data, name)})
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def contributor_client(client):
    contributor = make_user("contributor")
    client.force_login(contributor)
    client.user = contributor
    return client


def test_case_list_page_checks_then_imports(
    contributor_client, source, django_capture_on_commit_callbacks
):
    client, contributor = contributor_client, contributor_client.user
    job = uploaded_case_list(client, source, GOOD)
    assert (job.kind, job.source, job.state) == (ImportJob.Kind.CASE_LIST, source, State.CHECKED)
    assert job.is_ready
    assert (job.rows_done, job.rows_total) == (2, 2)
    assert Person.objects.count() == 0
    html = client.get(job_url(job)).content.decode()
    assert "The file is ready: 2 person records will be created as your drafts" in html
    assert "1 anonymous, 1 counted only" in html
    # What each row was read as, without the names (the report outlives a refused file).
    assert '<td data-label="Case number">SJH-1</td>' in html
    assert '<td data-label="Where">Izalco prison, El Salvador (SV)</td>' in html
    assert "Sintética" not in html and "Sintética" not in str(job.report)
    assert f'action="{job_url(job, "confirm")}"' in html
    assert "Import these person records" in html

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(job_url(job, "confirm")).status_code == 302
    job.refresh_from_db()
    records = list(Person.objects.order_by("pk"))
    assert job.state == State.DONE
    assert job.result == {"records": 2, "drafts": [p.pk for p in records]}
    assert [(p.status, p.created_by) for p in records] == [
        (ModerationStatus.DRAFT, contributor)
    ] * 2
    assert [list(p.reports.values_list("source", "case_number")) for p in records] == [
        [(source.pk, "SJH-1")],
        [(source.pk, "SJH-2")],
    ]
    events = ModerationEvent.objects.filter(action="import", content_type__model="person")
    assert sorted(events.values_list("object_id", flat=True)) == [p.pk for p in records]
    assert {e.comment for e in events} == {"Imported from the case list “list.csv”."}
    assert not default_storage.exists(f"imports/{job.pk}.csv")
    html = client.get(job_url(job)).content.decode()
    assert "2 person records were imported as your drafts" in html
    for record in records:
        assert (
            f'href="/en/workspace/people/{record.pk}/edit/">Person record #{record.pk}</a>' in html
        )
    assert 'href="/en/workspace/people/import/">Upload another file' in html


def test_case_list_page_lists_my_case_list_jobs(contributor_client, source):
    uploaded_case_list(contributor_client, source, GOOD, name="my-list.csv")
    ImportJob.objects.create(owner=make_user("contributor", username="x"), file_name="their.csv")
    html = contributor_client.get(PAGE_URL).content.decode()
    assert "my-list.csv" in html and "their.csv" not in html
    assert "my-list.csv" not in contributor_client.get("/en/workspace/import/").content.decode()


def test_case_list_with_errors_changes_nothing_and_names_the_rows(contributor_client, source):
    client = contributor_client
    bad = case_list(
        "SJH-1,A,male,41,died_in_custody,SV,,2023-13-01,day,",
        "SJH-1,B,male,old,died_in_custody,SV,,2023-05-14,day,",
    )
    job = uploaded_case_list(client, source, bad)
    assert job.state == State.CHECKED and not job.is_ready
    assert job.stored_path == ""  # a file with errors is not kept
    assert job.report["error_count"] == 3
    assert job.report["errors"] == [
        "Row 2, column “died_on”: “2023-13-01” is not a date as YYYY-MM-DD.",
        "Row 3, column “case_number”: Case “SJH-1” is already in row 2.",
        "Row 3, column “age”: “old” is not an age in years.",
    ]
    html = client.get(job_url(job)).content.decode()
    assert "3 errors: nothing will be imported until they are corrected." in html
    assert "Row 2, column “died_on”" in html
    assert "<li>“old” is not an age in years.</li>" in html
    client.post(job_url(job, "confirm"))
    job.refresh_from_db()
    assert job.state == State.CHECKED
    assert (Person.objects.count(), PersonSource.objects.count()) == (0, 0)
    assert not ModerationEvent.objects.filter(action="import").exists()


def test_case_list_file_errors_stay_on_the_form_and_start_no_job(contributor_client, source):
    response = contributor_client.post(
        PAGE_URL, {"source": source.pk, "file": upload(b"name,birthday\nA,2000-01-01\n")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Missing required columns: case_number." in html
    assert f'<option value="{source.pk}" selected>' in html
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("action", ["", "status"])
def test_case_list_job_of_someone_else_is_not_found(client, source, action):
    client.force_login(make_user("contributor"))
    job = uploaded_case_list(client, source, GOOD)
    client.force_login(make_user("reviewer", username="a-reviewer"))
    assert client.get(job_url(job, action)).status_code == 404


@pytest.mark.parametrize("action", ["confirm", "retry", "discard"])
def test_case_list_job_cannot_be_confirmed_by_someone_else(client, source, action):
    client.force_login(make_user("contributor"))
    job = uploaded_case_list(client, source, GOOD)
    client.force_login(make_user("contributor", username="other-contributor"))
    assert client.post(job_url(job, action)).status_code == 404
    assert ImportJob.objects.filter(pk=job.pk, state=State.CHECKED).exists()
    assert Person.objects.count() == 0


def test_case_list_done_is_written_with_the_records_or_not_at_all(
    contributor_client, source, monkeypatch
):
    job = uploaded_case_list(contributor_client, source, GOOD)
    real_finish = import_jobs.finish

    def finish_then_break(job, *, state, **fields):
        ended = real_finish(job, state=state, **fields)
        if state == State.DONE:
            raise RuntimeError("the connection dropped before the commit")
        return ended

    monkeypatch.setattr(import_jobs, "finish", finish_then_break)
    contributor_client.post(job_url(job, "confirm"))
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert (Person.objects.count(), PersonSource.objects.count()) == (0, 0)
    assert not ModerationEvent.objects.filter(action="import").exists()
    html = contributor_client.get(job_url(job)).content.decode()
    assert "Nothing was imported." in html
    # The retry imports the same stored file, and says done with the records.
    monkeypatch.setattr(import_jobs, "finish", real_finish)
    contributor_client.post(job_url(job, "retry"))
    job.refresh_from_db()
    assert (job.state, job.attempt, Person.objects.count()) == (State.DONE, 3, 2)


def test_case_list_run_given_up_meanwhile_keeps_nothing(contributor_client, source, monkeypatch):
    job = uploaded_case_list(contributor_client, source, GOOD)
    real_import = import_jobs.import_case_list

    def import_then_be_given_up(data, **kwargs):
        plan = real_import(data, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(state=State.FAILED, failure="gone")
        return plan

    monkeypatch.setattr(import_jobs, "import_case_list", import_then_be_given_up)
    ImportJob.objects.filter(pk=job.pk).update(state=State.QUEUED, confirmed_at=timezone.now())
    assert import_jobs.run_import_job.call(str(job.pk), job.attempt) == "given up"
    assert (Person.objects.count(), PersonSource.objects.count()) == (0, 0)


def test_case_list_refused_at_import_keeps_the_report(contributor_client, source):
    # Between the dry run and the import, another list took one of the case numbers.
    job = uploaded_case_list(contributor_client, source, GOOD)
    PersonSourceFactory(person=PersonFactory(reported=False), source=source, case_number="SJH-2")
    contributor_client.post(job_url(job, "confirm"))
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.report["errors"] == [
        "Row 3, column “case_number”: Case “SJH-2” of this source is already in the register."
    ]
    assert Person.objects.filter(created_by=contributor_client.user).count() == 0


def test_case_list_job_status_and_page_queries_do_not_grow_with_the_rows(
    contributor_client, source
):
    def page_queries(rows: int) -> int:
        data = case_list(*(f"C{rows}-{n},,,,,SV,izalco-prison,,," for n in range(rows)))
        job = uploaded_case_list(contributor_client, source, data)
        contributor_client.post(job_url(job, "confirm"))
        with CaptureQueriesContext(connection) as done:
            assert contributor_client.get(job_url(job)).status_code == 200
        with CaptureQueriesContext(connection) as status:
            assert contributor_client.get(job_url(job, "status")).json()["state"] == "done"
        return len(done), len(status)

    assert page_queries(2) == page_queries(25)


def test_case_list_job_discarded_goes_back_to_the_case_list_page(contributor_client, source):
    job = uploaded_case_list(contributor_client, source, GOOD)
    response = contributor_client.post(job_url(job, "discard"))
    assert response["Location"] == PAGE_URL
    assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_case_list_job_page_in_spanish(contributor_client, source):
    file = upload(GOOD)
    response = contributor_client.post(
        "/es/workspace/people/import/", {"source": source.pk, "file": file}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.language == "es"
    html = contributor_client.get(f"/es/workspace/import/{job.pk}/").content.decode()
    assert "se crearán 2 registros de personas como borradores suyos" in html
    assert "Importar estos registros de personas" in html
