"""Spreadsheet imports as background jobs, run by the task worker (``manage.py db_worker``).

A request only stores the uploaded file and enqueues a task: checking or importing 100,000 rows
takes longer than gunicorn lets a request live. A job has a kind (``KINDS``): a claims
spreadsheet, or a source's case list of people; the kind says how the file is checked and
imported, and the rest of this module is the same for both. The worker checks the file (the dry
run), the owner reads the result and confirms, the worker imports. The page polls the job's
progress.

Rules that hold by construction:
- ``done`` is written by the import's own transaction, with a conditional update: the user is
  told "done" exactly when the drafts exist, and never told a committed import failed.
- Each run carries its attempt number and starts with a conditional update from ``queued``:
  a run given up as interrupted (its worker silent for ``IMPORT_JOB_STALE_SECONDS``) can never
  finish later, and a retry is a new attempt.
- The worker re-reads the stored file and checks its SHA-256 against the upload's.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from tracker.imports import ImportRefused, check_claims_csv, import_claims_csv
from tracker.imports.people import check_case_list, import_case_list
from tracker.models import ImportJob
from tracker.workflow import TransitionRefused

logger = logging.getLogger(__name__)

STORAGE_FOLDER = "imports"
State = ImportJob.State
# Progress is written at most this often (seconds), and at the end.
PROGRESS_INTERVAL = 0.5
UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")


class JobFailure(Exception):
    """A reason to stop a run that its owner can read; nothing was imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RunGivenUp(Exception):
    """The run was given up (or replaced) while it ran: its work must not be kept."""


# The kinds of file ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Checked:
    """What a kind's dry run tells the job: the report its page shows."""

    is_valid: bool
    rows: int
    report: dict


@dataclasses.dataclass(frozen=True)
class Imported:
    """What a kind's import tells the job: the result its page shows (``drafts``: first pks)."""

    rows: int
    result: dict


@dataclasses.dataclass(frozen=True)
class JobKind:
    """How one kind of file is checked and imported; its pages' words are in ``tracker.views``.

    ``check`` and ``run`` take the job, the stored file's bytes and a progress callback;
    ``run`` writes in the caller's transaction and raises ``ImportRefused`` for a file with
    errors, nothing written.
    """

    check: Callable[[ImportJob, bytes, Callable], Checked]
    run: Callable[[ImportJob, bytes, Callable], Imported]


def check_claims(job: ImportJob, data: bytes, progress) -> Checked:
    plan = check_claims_csv(data, progress=progress)
    return Checked(plan.is_valid, plan.row_count, plan.report())


def run_claims(job: ImportJob, data: bytes, progress) -> Imported:
    result = import_claims_csv(data, by=job.owner, file_name=job.file_name, progress=progress)
    return Imported(result.claims, dataclasses.asdict(result))


def check_people(job: ImportJob, data: bytes, progress) -> Checked:
    plan = check_case_list(data, source=job.source, progress=progress)
    return Checked(plan.is_valid, plan.row_count, plan.report())


def run_people(job: ImportJob, data: bytes, progress) -> Imported:
    plan = import_case_list(
        data, source=job.source, by=job.owner, file_name=job.file_name, progress=progress
    )
    return Imported(plan.row_count, plan.result())


KINDS = {
    ImportJob.Kind.CLAIMS: JobKind(check=check_claims, run=run_claims),
    ImportJob.Kind.CASE_LIST: JobKind(check=check_people, run=run_people),
}


def clean_file_name(name: str) -> str:
    """The uploaded file's name as a page and an event comment may show it."""
    name = UNSAFE_NAME_CHARACTERS.sub("", name or "").strip()
    return name[:255] or "upload.csv"


# What requests do ------------------------------------------------------------------------------


def start_import(
    *,
    owner,
    file_name: str,
    data: bytes,
    language: str,
    kind: str = ImportJob.Kind.CLAIMS,
    source=None,
) -> ImportJob:
    """Keep an uploaded file in private storage and have the worker check it.

    A case list (``kind``) names the ``source`` that reports its records.
    """
    job = ImportJob(
        owner=owner,
        kind=kind,
        source=source,
        file_name=clean_file_name(file_name),
        sha256=hashlib.sha256(data).hexdigest(),
        language=language or settings.LANGUAGE_CODE,
        heartbeat_at=timezone.now(),
    )
    job.stored_path = default_storage.save(f"{STORAGE_FOLDER}/{job.pk}.csv", ContentFile(data))
    job.save()
    enqueue(job)
    return job


def confirm_import(job: ImportJob, *, by) -> None:
    """The owner saw the dry run and asks for the import: the worker imports the file."""
    if job.owner_id != by.pk or not job.is_ready:
        raise TransitionRefused(_("This import cannot be confirmed: upload the file again."))
    restart(job, from_state=State.CHECKED, confirmed=True)


def retry_import(job: ImportJob, *, by) -> None:
    """Run a failed job's step again (its dry run, or its import) on the same stored file."""
    if job.owner_id != by.pk or not job.can_retry:
        raise TransitionRefused(_("This import cannot be retried: upload the file again."))
    restart(job, from_state=State.FAILED, confirmed=job.is_importing_step)


def discard_import(job: ImportJob, *, by) -> None:
    """Forget a job that is not running, and its stored file."""
    if job.owner_id != by.pk or job.is_running:
        raise TransitionRefused(_("A running import cannot be discarded: wait for it to end."))
    deleted, _rows = ImportJob.objects.filter(pk=job.pk, state=job.state).delete()
    if not deleted:
        raise TransitionRefused(_("This import changed meanwhile: look at it again."))
    delete_stored_file(job.stored_path)


def restart(job: ImportJob, *, from_state: str, confirmed: bool) -> None:
    now = timezone.now()
    attempt = job.attempt + 1
    updated = ImportJob.objects.filter(pk=job.pk, state=from_state, attempt=job.attempt).update(
        state=State.QUEUED,
        attempt=attempt,
        confirmed_at=now if confirmed else None,
        rows_done=0,
        failure="",
        heartbeat_at=now,
        finished_at=None,
    )
    if not updated:
        raise TransitionRefused(_("This import changed meanwhile: look at it again."))
    job.refresh_from_db()
    enqueue(job)


def enqueue(job: ImportJob) -> None:
    step = run_import_job if job.is_importing_step else check_import_job
    result = step.enqueue(str(job.pk), job.attempt)
    ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id))


def refresh_if_interrupted(job: ImportJob) -> ImportJob:
    """Mark a run whose worker has been silent too long as failed: nothing was imported.

    A worker killed in the middle of an import leaves its transaction rolled back and its job
    in ``checking`` or ``importing``; its heartbeat stops. The conditional update cannot win
    against a run that is still finishing: on PostgreSQL it waits for that run's commit and
    then finds the job done; on SQLite, whose only writer the worker is, it gives up.
    """
    if job.state not in (State.CHECKING, State.IMPORTING) or job.heartbeat_at is None:
        return job
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)
    if job.heartbeat_at >= cutoff:
        return job
    try:
        ImportJob.objects.filter(
            pk=job.pk, state=job.state, attempt=job.attempt, heartbeat_at__lt=cutoff
        ).update(
            state=State.FAILED,
            failure=_("The import worker stopped before the end: nothing was imported."),
            finished_at=timezone.now(),
        )
    except OperationalError:  # SQLite's write lock: the worker is writing, so it is alive
        return job
    job.refresh_from_db()
    return job


# What the worker does -------------------------------------------------------------------------


@task()
def check_import_job(job_id: str, attempt: int) -> str:
    """The dry run of a stored file: every row checked, nothing written but the job's report."""
    job = begin(job_id, attempt, State.CHECKING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        try:
            data = read_stored_file(job)
            checked = KINDS[job.kind].check(job, data, ProgressWriter(job))
            if not checked.is_valid:
                # A file with errors can never be imported: do not keep it.
                delete_stored_file(job.stored_path)
            finish(
                job,
                state=State.CHECKED,
                report=checked.report,
                rows_done=checked.rows,
                rows_total=checked.rows,
                stored_path=job.stored_path if checked.is_valid else "",
            )
        except JobFailure as failure:
            fail(job, failure.message)
        except BaseException:
            logger.exception("The dry run of import job %s stopped", job_id)
            fail(job, _("An unexpected error stopped the check. Nothing was imported."))
            raise
    return "checked"


@task()
def run_import_job(job_id: str, attempt: int) -> str:
    """Import a confirmed file: every row a draft of the owner, and ``done``, in one transaction."""
    job = begin(job_id, attempt, State.IMPORTING)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        progress = ProgressWriter(job, during_transaction=True)
        try:
            data = read_stored_file(job)
            with transaction.atomic():
                imported = KINDS[job.kind].run(job, data, progress)
                if not finish(
                    job,
                    state=State.DONE,
                    result=imported.result,
                    rows_done=imported.rows,
                    rows_total=imported.rows,
                    stored_path="",
                ):
                    raise RunGivenUp
                transaction.on_commit(partial(delete_stored_file, job.stored_path))
        except RunGivenUp:
            return "given up"
        except ImportRefused as refusal:
            fail(job, refusal.message, report=refusal.plan.report())
        except (JobFailure, TransitionRefused) as failure:
            fail(job, failure.message)
        except BaseException:
            logger.exception("The import of job %s stopped", job_id)
            fail(job, _("An unexpected error stopped the import. Nothing was imported."))
            raise
        finally:
            progress.close()
    return "imported"


def begin(job_id: str, attempt: int, state: str) -> ImportJob | None:
    """Take a queued job for this run; ``None`` when the run was replaced or given up."""
    taken = ImportJob.objects.filter(pk=job_id, attempt=attempt, state=State.QUEUED).update(
        state=state, rows_done=0, heartbeat_at=timezone.now()
    )
    if not taken:
        return None
    return ImportJob.objects.select_related("owner", "source").get(pk=job_id)


def finish(job: ImportJob, *, state: str, **fields) -> bool:
    """End the run, unless it was given up meanwhile."""
    ended = ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, state=job.state).update(
        state=state, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
    )
    return bool(ended)


def fail(job: ImportJob, message: str, *, report: dict | None = None) -> None:
    fields = {"failure": message}
    if report is not None:
        fields["report"] = report
    finish(job, state=State.FAILED, **fields)


def read_stored_file(job: ImportJob) -> bytes:
    """The uploaded file, as uploaded: its SHA-256 is checked."""
    try:
        with default_storage.open(job.stored_path, "rb") as file:
            data = file.read()
    except (FileNotFoundError, ValueError) as error:
        raise JobFailure(_("The stored file is gone: upload the file again.")) from error
    if hashlib.sha256(data).hexdigest() != job.sha256:
        raise JobFailure(_("The stored file changed since it was uploaded: upload it again."))
    return data


def delete_stored_file(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


class ProgressWriter:
    """Record how far a run has got (and that its worker is alive) where its page can read it.

    The dry run writes nothing else, so its progress is committed at once. An import runs in one
    transaction, whose writes nobody sees before the end: on PostgreSQL its progress goes
    through a second connection of its own. SQLite has one writer at a time, so there an import
    shows its progress only at the start and the end.
    """

    def __init__(self, job: ImportJob, *, during_transaction: bool = False):
        self.job = job
        self.last = 0.0
        self.side = None
        self.enabled = True
        if during_transaction:
            if connection.vendor == "postgresql":
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            else:
                self.enabled = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self.last < PROGRESS_INTERVAL):
            return
        self.last = now
        if self.side is None:
            ImportJob.objects.filter(
                pk=self.job.pk, attempt=self.job.attempt, state=self.job.state
            ).update(rows_done=done, rows_total=total, heartbeat_at=timezone.now())
            return
        fields = {name: ImportJob._meta.get_field(name).column for name in COLUMNS}
        quote = self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)} SET {quote(fields['rows_done'])} = %s, "
                f"{quote(fields['rows_total'])} = %s, {quote(fields['heartbeat_at'])} = %s "
                f"WHERE {quote(fields['id'])} = %s AND {quote(fields['attempt'])} = %s "
                f"AND {quote(fields['state'])} = %s",
                [done, total, timezone.now(), self.job.pk, self.job.attempt, self.job.state],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


COLUMNS = ("id", "attempt", "state", "rows_done", "rows_total", "heartbeat_at")
