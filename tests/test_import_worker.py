"""Import jobs in the real task worker: ``manage.py db_worker`` over the test database.

The request side enqueues into django-tasks' database backend, as in production; a separate
``db_worker`` process takes the tasks. The test's rows are committed (transactional test) so
that the worker sees them. PostgreSQL only: SQLite's test database lives in this process's
memory, out of another process's reach.
"""

import os
import signal
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import CategoryFactory, LocationFactory, SourceFactory, make_user
from tests.processes import child_env
from tests.test_import import good_row, sheet
from tracker import import_jobs
from tracker.models import Claim, ImportJob, Person, PersonSource

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
State = ImportJob.State


@pytest.fixture
def worker_env(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can reach (run with DATABASE_URL)")
    # A transactional test's flush empties the role groups of the data migration: recreate them.
    from django.db.migrations.loader import MigrationLoader

    apps = MigrationLoader(connection).project_state().apps
    import_module("tracker.migrations.0002_roles").create_groups(apps, None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        key: value
        for key, value in child_env().items()
        if not key.startswith(("DJANGO_SETTINGS_MODULE", "DEBUG"))
    }
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        # Production settings: the database task backend, as a deployed worker runs.
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="test-only-secret-key-not-for-production",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


def worker(env, *extra) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(
        [*command, "--interval", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_worker_until_idle(env) -> None:
    process = worker(env, "--batch")
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors


@pytest.fixture
def importer(worker_env):
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot")
    return make_user("contributor", username="worker-importer")


def test_import_worker_checks_then_imports_a_job(worker_env, importer):
    data = sheet(*(good_row(n) for n in range(50)))
    job = import_jobs.start_import(owner=importer, file_name="w.csv", data=data, language="en")
    assert ImportJob.objects.get(pk=job.pk).state == State.QUEUED  # nothing ran in the request

    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    assert (job.state, job.report["rows"], job.report["error_count"]) == (State.CHECKED, 50, 0)
    assert Claim.objects.count() == 0

    import_jobs.confirm_import(job, by=importer)
    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    assert job.state == State.DONE
    drafts = list(Claim.objects.order_by("pk").values_list("pk", flat=True)[:20])
    assert job.result == {"claims": 50, "citations": 50, "sources": 50, "drafts": drafts}
    assert Claim.objects.filter(created_by=importer, status="draft").count() == 50
    assert not (Path(worker_env["MEDIA_ROOT"]) / job.stored_path).exists() or not job.stored_path


def test_import_worker_checks_then_imports_a_case_list(worker_env, importer):
    source = SourceFactory(url="https://example.org/worker-case-list")
    rows = "".join(
        f"W-{n},,male,{20 + n},died_in_custody,SV,cecot,2024-01-0{1 + n % 9},day,\n"
        for n in range(30)
    )
    data = (
        "case_number,name,sex,age,situation,country,place,died_on,died_precision,privacy\n" + rows
    ).encode()
    job = import_jobs.start_import(
        owner=importer,
        file_name="people.csv",
        data=data,
        language="en",
        kind=ImportJob.Kind.CASE_LIST,
        source=source,
    )
    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    assert (job.state, job.report["rows"], job.report["error_count"]) == (State.CHECKED, 30, 0)
    assert job.report["sample"][0]["place"] == "CECOT"
    assert Person.objects.count() == 0

    import_jobs.confirm_import(job, by=importer)
    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    assert job.state == State.DONE
    drafts = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:20])
    assert job.result == {"records": 30, "drafts": drafts}
    assert Person.objects.filter(created_by=importer, status="draft").count() == 30
    assert PersonSource.objects.filter(source=source).count() == 30


def test_import_worker_killed_mid_import_leaves_nothing_and_can_retry(
    worker_env, importer, settings
):
    data = sheet(*(good_row(n) for n in range(4000)))
    job = import_jobs.start_import(owner=importer, file_name="k.csv", data=data, language="en")
    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    import_jobs.confirm_import(job, by=importer)

    process = worker(worker_env)
    try:
        deadline = time.monotonic() + 120
        while True:  # the progress of the open import transaction, read from here
            job.refresh_from_db()
            if job.state == State.IMPORTING and 0 < job.rows_done < job.rows_total:
                break
            assert job.state != State.DONE, "the import ended before it could be interrupted"
            assert time.monotonic() < deadline, f"no progress seen: {job.state}"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    assert Claim.objects.count() == 0
    job.refresh_from_db()
    assert job.state == State.IMPORTING
    settings.IMPORT_JOB_STALE_SECONDS = 0
    job = import_jobs.refresh_if_interrupted(job)
    assert job.state == State.FAILED
    assert "nothing was imported" in job.failure

    import_jobs.retry_import(job, by=importer)
    run_worker_until_idle(worker_env)
    job.refresh_from_db()
    assert job.state == State.DONE
    assert Claim.objects.count() == 4000
