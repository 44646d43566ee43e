"""Import jobs: the pages, the owner rule, and the job's states through the real task code.

The test settings run tasks with django-tasks' immediate backend: ``enqueue`` runs the task at
once, so an upload returns with its dry run done and a confirmation with its import done.
tests/test_import_worker.py runs the same jobs in the real ``db_worker`` process.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tests.factories import CategoryFactory, LocationFactory, make_user
from tests.test_import import UPLOAD_URL, good_row, sheet, uploaded_job, vocabulary  # noqa: F401
from tracker import import_jobs
from tracker.imports import TEMPLATE_COLUMNS, read_claims_csv
from tracker.models import Claim, ImportJob

pytestmark = pytest.mark.django_db

State = ImportJob.State


def job_url(job: ImportJob, action: str = "") -> str:
    return f"{UPLOAD_URL}{job.pk}/{action + '/' if action else ''}"


@pytest.fixture
def checked_job(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    return uploaded_job(client, sheet(good_row(1), good_row(2), good_row(3)))


# The dry run -----------------------------------------------------------------------------------


def test_import_upload_checks_the_file_in_a_job(checked_job):
    assert checked_job.state == State.CHECKED
    assert (checked_job.rows_done, checked_job.rows_total) == (3, 3)
    assert checked_job.report["rows"] == 3
    assert checked_job.report["error_count"] == 0
    assert checked_job.is_ready


def test_import_job_page_offers_the_confirmation(client, checked_job):
    body = client.get(job_url(checked_job)).content.decode()
    assert "The file is ready: 3 claims will be created as your drafts" in body
    assert f'action="{job_url(checked_job, "confirm")}"' in body


def test_import_job_keeps_the_file_name_and_its_hash(checked_job):
    import hashlib

    data = default_storage.open(checked_job.stored_path, "rb").read()
    assert checked_job.sha256 == hashlib.sha256(data).hexdigest()
    assert checked_job.file_name == "claims.csv"


def test_import_file_with_wrong_columns_creates_no_job(client, contributor):
    client.force_login(contributor)
    file = io.BytesIO(b"name,what\nx,y\n")
    file.name = "x.csv"
    response = client.post(UPLOAD_URL, {"file": file})
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert not default_storage.exists("imports") or default_storage.listdir("imports")[1] == []


def test_import_file_name_is_cleaned(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)), name="bad\x00na\nme.csv")
    assert job.file_name == "badname.csv"


def test_import_dry_run_messages_are_in_the_uploaders_language(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    file = io.BytesIO(sheet(good_row(1, place="atlantis")))
    file.name = "x.csv"
    response = client.post("/es/workspace/import/", {"file": file})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.language == "es"
    assert job.report["errors"] == ["Fila 2, columna “place”: No existe el lugar “atlantis”."]


# Who sees a job --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["", "status"])
def test_import_job_of_someone_else_is_not_found(client, checked_job, action):
    client.force_login(make_user("reviewer", username="a-reviewer"))
    assert client.get(job_url(checked_job, action)).status_code == 404


@pytest.mark.parametrize("action", ["confirm", "retry", "discard"])
def test_import_job_actions_of_someone_else_are_not_found(client, checked_job, action):
    client.force_login(make_user("contributor", username="other-contributor"))
    assert client.post(job_url(checked_job, action)).status_code == 404
    assert ImportJob.objects.filter(pk=checked_job.pk, state=State.CHECKED).exists()


def test_import_job_sends_anonymous_visitors_to_log_in(client, checked_job):
    client.logout()
    response = client.get(job_url(checked_job))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_import_upload_page_lists_only_my_jobs(client, checked_job):
    other = make_user("contributor", username="other-uploader")
    ImportJob.objects.create(owner=other, file_name="theirs.csv", sha256="0" * 64)
    body = client.get(UPLOAD_URL).content.decode()
    assert "claims.csv" in body
    assert "theirs.csv" not in body


# Progress --------------------------------------------------------------------------------------


def test_import_job_status_is_json_with_the_progress(client, checked_job):
    status = client.get(job_url(checked_job, "status")).json()
    assert status == {
        "state": "checked",
        "state_label": "Checked",
        "rows_done": 3,
        "rows_total": 3,
        "progress_text": "3 of 3 rows",
    }


def test_import_running_job_shows_a_progress_bar_and_its_script(client, checked_job):
    ImportJob.objects.filter(pk=checked_job.pk).update(state=State.CHECKING, rows_done=1)
    body = client.get(job_url(checked_job)).content.decode()
    assert '<progress id="import-progress"' in body
    assert 'max="3" value="1"' in body
    assert "/static/js/import-progress.js" in body
    assert "<script>" not in body


# The import ------------------------------------------------------------------------------------


def test_import_confirmation_imports_in_the_job_and_says_done(client, checked_job):
    response = client.post(job_url(checked_job, "confirm"))
    assert response.status_code == 302
    checked_job.refresh_from_db()
    assert checked_job.state == State.DONE
    drafts = list(Claim.objects.order_by("pk"))
    assert checked_job.result == {
        "claims": 3,
        "citations": 3,
        "sources": 3,
        "drafts": [claim.pk for claim in drafts],
    }
    assert [claim.status for claim in drafts] == ["draft"] * 3
    body = client.get(job_url(checked_job)).content.decode()
    assert "3 claims were imported as your drafts, with 3 citations and 3 new sources." in body
    assert "/en/workspace/#state-draft" in body
    for claim in drafts:
        assert f'href="/en/workspace/claims/{claim.pk}/edit/">{claim.title}</a>' in body


def test_import_done_links_to_the_first_drafts_only(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    job = uploaded_job(client, sheet(*(good_row(n) for n in range(1, 23))))
    client.post(job_url(job, "confirm"))
    body = client.get(job_url(job)).content.decode()
    first = Claim.objects.order_by("pk")
    assert "Your first 20 new drafts" in body
    assert f'/en/workspace/claims/{first[19].pk}/edit/"' in body
    assert f'/en/workspace/claims/{first[20].pk}/edit/"' not in body


def test_import_dry_run_counts_agree_with_their_numbers(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1)))
    body = client.get(job_url(job)).content.decode()
    assert "1 claim will be created as your draft, with 1 citation (1 new source)." in body
    assert "New draft with 1 citation (1 new source)." in body


def test_import_dry_run_shows_what_each_row_was_matched_to(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    row = good_row(
        1, categories="TORTURE", place="CECOT", event_start="2024-03-01", date_precision="month"
    )
    header = [*row]
    job = uploaded_job(client, sheet(row, header=header))
    sample = job.report["sample"][0]
    assert sample["categories"] == ["Torture"]
    assert sample["place"] == "CECOT"
    assert sample["country"] == "El Salvador (SV)"
    assert sample["dates"] == "March 2024"
    body = client.get(job_url(job)).content.decode()
    assert '<td data-label="Where">CECOT, El Salvador (SV)</td>' in body
    assert '<td data-label="When">March 2024</td>' in body


def test_import_dry_run_reads_a_country_by_its_name(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1, country="EL SALVADOR")))
    assert job.is_ready
    assert job.report["sample"][0]["country"] == "El Salvador (SV)"
    client.post(job_url(job, "confirm"))
    assert Claim.objects.get().country.code == "SV"


def test_import_dry_run_suggests_the_country_it_most_likely_means(client, contributor, vocabulary):  # noqa: F811
    client.force_login(contributor)
    job = uploaded_job(client, sheet(good_row(1, country="Salvador")))
    assert not job.is_ready
    assert job.report["sample"][0]["errors"] == [
        "“Salvador” is not a country code: did you mean SV (El Salvador)?"
    ]


def test_import_done_is_written_with_the_rows_or_not_at_all(client, checked_job, monkeypatch):
    real_finish = import_jobs.finish

    def finish_then_break(job, *, state, **fields):
        ended = real_finish(job, state=state, **fields)
        if state == State.DONE:
            raise RuntimeError("the connection dropped before the commit")
        return ended

    monkeypatch.setattr(import_jobs, "finish", finish_then_break)
    client.post(job_url(checked_job, "confirm"))
    checked_job.refresh_from_db()
    assert checked_job.state == State.FAILED
    assert Claim.objects.count() == 0
    body = client.get(job_url(checked_job)).content.decode()
    assert "Nothing was imported." in body
    assert job_url(checked_job, "retry") in body


def test_import_run_given_up_meanwhile_keeps_nothing(client, checked_job, monkeypatch):
    # Another process (the page, finding the worker silent) gives the run up while it writes:
    # its final conditional update then finds nothing to update, and the rows are rolled back.
    real_import = import_jobs.import_claims_csv

    def import_then_be_given_up(data, **kwargs):
        result = real_import(data, **kwargs)
        ImportJob.objects.filter(pk=checked_job.pk).update(state=State.FAILED, failure="gone")
        return result

    monkeypatch.setattr(import_jobs, "import_claims_csv", import_then_be_given_up)
    ImportJob.objects.filter(pk=checked_job.pk).update(
        state=State.QUEUED, confirmed_at=timezone.now()
    )
    assert import_jobs.run_import_job.call(str(checked_job.pk), checked_job.attempt) == "given up"
    assert Claim.objects.count() == 0


def test_import_interrupted_job_is_shown_as_failed_with_a_retry(client, checked_job, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ImportJob.objects.filter(pk=checked_job.pk).update(
        state=State.IMPORTING, confirmed_at=timezone.now(), heartbeat_at=long_ago
    )
    body = client.get(job_url(checked_job)).content.decode()
    assert "Nothing was imported." in body
    assert "The import worker stopped before the end" in body
    client.post(job_url(checked_job, "retry"))
    checked_job.refresh_from_db()
    assert (checked_job.state, checked_job.attempt) == (State.DONE, 2)
    assert Claim.objects.count() == 3


def test_import_job_with_a_recent_heartbeat_is_left_running(client, checked_job, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 60
    ImportJob.objects.filter(pk=checked_job.pk).update(
        state=State.IMPORTING, heartbeat_at=timezone.now()
    )
    assert client.get(job_url(checked_job, "status")).json()["state"] == "importing"


def test_import_old_run_of_a_retried_job_does_nothing(checked_job):
    ImportJob.objects.filter(pk=checked_job.pk).update(state=State.QUEUED, attempt=5)
    assert import_jobs.run_import_job.call(str(checked_job.pk), 4) == "skipped"
    assert Claim.objects.count() == 0


def test_import_refuses_a_stored_file_that_changed(client, checked_job):
    default_storage.delete(checked_job.stored_path)
    default_storage.save(checked_job.stored_path, ContentFile(sheet(good_row(9))))
    client.post(job_url(checked_job, "confirm"))
    checked_job.refresh_from_db()
    assert checked_job.state == State.FAILED
    assert "The stored file changed" in checked_job.failure
    assert Claim.objects.count() == 0


def test_import_job_cannot_be_confirmed_twice(client, checked_job):
    client.post(job_url(checked_job, "confirm"))
    response = client.post(job_url(checked_job, "confirm"), follow=True)
    assert "cannot be confirmed" in response.content.decode()
    assert Claim.objects.count() == 3


def test_import_discard_forgets_the_job_and_its_file(client, checked_job):
    path = checked_job.stored_path
    response = client.post(job_url(checked_job, "discard"))
    assert response.status_code == 302
    assert not ImportJob.objects.filter(pk=checked_job.pk).exists()
    assert not default_storage.exists(path)


def test_import_running_job_cannot_be_discarded(client, checked_job):
    ImportJob.objects.filter(pk=checked_job.pk).update(state=State.IMPORTING)
    client.post(job_url(checked_job, "discard"))
    assert ImportJob.objects.filter(pk=checked_job.pk).exists()


def test_import_unexpected_error_fails_the_job_and_is_logged(
    client, checked_job, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(import_jobs, "import_claims_csv", broken)
    client.post(job_url(checked_job, "confirm"))
    checked_job.refresh_from_db()
    assert checked_job.state == State.FAILED
    assert "An unexpected error stopped the import" in checked_job.failure
    assert "stopped" in caplog.text


# A new user's help -----------------------------------------------------------------------------


def test_import_template_has_the_columns_and_a_row_the_import_accepts(client, contributor):
    CategoryFactory(slug="torture")
    LocationFactory(slug="cecot")
    client.force_login(contributor)
    response = client.get(f"{UPLOAD_URL}template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = response.content
    header, example = list(csv.reader(io.StringIO(data.decode())))
    assert header == TEMPLATE_COLUMNS
    assert example[header.index("categories")] == "torture"
    plan = read_claims_csv(data)
    assert plan.errors() == []
    assert plan.is_valid


def test_import_page_links_to_the_template_and_the_column_docs(client, contributor):
    client.force_login(contributor)
    body = client.get(UPLOAD_URL).content.decode()
    assert f'href="{UPLOAD_URL}template.csv"' in body
    assert 'href="/en/open-data/#spreadsheet-import"' in body


def test_open_data_docs_page_has_the_import_section(client):
    response = client.get("/en/open-data/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h2 id="spreadsheet-import">Spreadsheet import</h2>' in body
    assert "<td><code>source_urls</code></td>" in body


def test_workspace_home_links_to_the_import_page(client, contributor):
    client.force_login(contributor)
    assert f'href="{UPLOAD_URL}"' in client.get("/en/workspace/").content.decode()


def test_import_report_is_json(checked_job):
    assert json.loads(json.dumps(checked_job.report)) == checked_job.report


def test_backup_leaves_import_jobs_tasks_and_their_files_out(checked_job):
    from tracker.backup import backed_up_models, media_files

    labels = {model._meta.label_lower for model in backed_up_models()}
    assert "tracker.importjob" not in labels
    assert "django_tasks_database.dbtaskresult" not in labels
    assert default_storage.exists(checked_job.stored_path)
    assert not any(name.startswith("imports/") for name in media_files())
