"""Back up and restore the whole tracker: every database row and every media file.

An archive is a ``.tar.gz`` holding ``manifest.json`` (format, migrations, row counts, files with
their SHA-256), ``data.json`` (Django ``dumpdata`` with natural keys, so it loads into any freshly
migrated database) and ``media/`` (the uploaded files). It holds private data: it is written
readable by its owner only.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.core import serializers
from django.core.cache import caches
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from tracker.models import ClaimSearch, PublicClaimOrganization
from tracker.planner import refresh_planner_statistics
from tracker.public_cache import CACHE_ALIAS, bump_public_version
from tracker.workflow.public_organizations import refresh_public_organizations

FORMAT = 1
# Django's JSON, with timestamps kept to the microsecond (see tracker.exact_json).
SERIALIZATION_FORMAT = "trackerjson"
# Rebuilt by migrate (content types, permissions), or worthless in another database (sessions,
# login-failure logs and lockouts).
# The public-data version only keys caches: a restore bumps the target's own (see below). The
# public organisations of claims are derived from the claims: a restore rebuilds them.
# Import jobs and the task queue are work in progress, not records: restored, a queued task
# would run again. The files those jobs keep (media/imports/) are left out with them.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "tracker.publicdataversion",
    "tracker.publicclaimorganization",
    "tracker.claimsearch",  # written by a trigger as the claims are loaded (PostgreSQL)
    "tracker.publicclaimcount",  # counted by triggers as the claims are loaded
    "django_tasks_database",  # django-tasks-db's app label
    "tracker.importjob",
]
EXCLUDED_MEDIA_FOLDERS = {"imports"}
# Rows that a freshly migrated database already has (the role groups of a data migration).
SEEDED_BY_MIGRATIONS = {"auth.group"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def backed_up_models() -> list[type]:
    """Every model whose rows go into an archive."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower not in excluded_models
        and model._meta.managed
        and not model._meta.proxy
    ]


def row_counts(database: str) -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.using(database).count()
        for model in backed_up_models()
    }


def applied_migrations(database: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[database])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def media_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file in the media storage, as storage names, sorted."""
    if folder and not storage.exists(folder):
        return []
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder, name) if folder else name for name in files]
    for sub in folders:
        if not folder and sub in EXCLUDED_MEDIA_FOLDERS:
            continue
        names += media_files(storage, posixpath.join(folder, sub) if folder else sub)
    return sorted(names)


def sha256_stream(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(64 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def create_backup(output: Path, *, database: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write an archive of the database and the media files to ``output``; return its manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        data_path = Path(workdir) / "data.json"
        with transaction.atomic(using=database):
            connection = connections[database]
            if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
                # First statement of the transaction: every query below sees the same snapshot.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            serializers.register_serializer(SERIALIZATION_FORMAT, "tracker.exact_json")
            call_command(
                "dumpdata",
                format=SERIALIZATION_FORMAT,
                database=database,
                exclude=EXCLUDED,
                natural_foreign=True,
                natural_primary=True,
                output=str(data_path),
                verbosity=0,
            )
            counts = row_counts(database)
            migrations = applied_migrations(database)
        files = {}
        for name in media_files():
            with default_storage.open(name, "rb") as handle:
                files[name] = sha256_stream(handle)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "migrations": migrations,
            "counts": counts,
            "files": files,
        }
        partial = output.with_name(output.name + ".partial")
        # Owner-only from the start: the archive holds victims' identities and private notes.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
                archive.add(data_path, arcname="data.json")
                for name in files:
                    with default_storage.open(name, "rb") as handle:
                        info = tarfile.TarInfo(f"media/{name}")
                        info.size = default_storage.size(name)
                        info.mtime = int(timezone.now().timestamp())
                        archive.addfile(info, handle)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        # Only a complete archive ever carries the final name.
        partial.replace(output)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def _safe_media_name(member: tarfile.TarInfo) -> str | None:
    """The storage name of a media member, or None if the member is anything else."""
    name = member.name
    if not name.startswith("media/") or not member.isfile():
        return None
    relative = name.removeprefix("media/")
    normalized = posixpath.normpath(relative)
    if normalized != relative or normalized.startswith(("/", "..")) or "/../" in f"/{relative}":
        return None
    return relative


def read_archive(path: Path) -> tuple[dict[str, Any], tarfile.TarFile]:
    """Open an archive and check its manifest and its files' SHA-256 before anything is written."""
    try:
        archive = tarfile.open(path, mode="r:gz")  # noqa: SIM115 (closed by the caller)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a tracker backup archive: {error}") from error
    members = {member.name: member for member in archive.getmembers()}
    if "manifest.json" not in members or "data.json" not in members:
        raise BackupError(f"{path} is not a tracker backup archive: no manifest or data.")
    manifest = json.load(archive.extractfile(members["manifest.json"]))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    expected = {f"media/{name}" for name in manifest["files"]} | {"manifest.json", "data.json"}
    unexpected = sorted(set(members) - expected)
    if unexpected:
        raise BackupError(f"The archive holds files its manifest does not list: {unexpected}")
    for name, checksum in manifest["files"].items():
        member = members.get(f"media/{name}")
        if member is None or _safe_media_name(member) != name:
            raise BackupError(f"The archive's file {name!r} is missing or has an unsafe name.")
        if sha256_stream(archive.extractfile(member)) != checksum:
            raise BackupError(f"The archive's file {name!r} is damaged (SHA-256 mismatch).")
    return manifest, archive


def check_target(manifest: dict[str, Any], database: str) -> None:
    """Refuse a database that has data already, or lacks a migration the archive needs."""
    occupied = {
        label: count
        for label, count in row_counts(database).items()
        if count and label not in SEEDED_BY_MIGRATIONS
    }
    if occupied:
        listing = ", ".join(f"{label} ({count})" for label, count in sorted(occupied.items()))
        raise BackupError(
            "Refusing to restore into a database that already has data: "
            f"{listing}. Restore into a new, empty database that `manage.py migrate` has set up."
        )
    missing = {tuple(pair) for pair in manifest["migrations"]} - {
        tuple(pair) for pair in applied_migrations(database)
    }
    if missing:
        raise BackupError(
            "The database lacks migrations that the archive was made with: "
            f"{sorted(missing)[:5]}. Run `manage.py migrate` with this version of the tracker."
        )
    for name, checksum in manifest["files"].items():
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                if sha256_stream(handle) != checksum:
                    raise BackupError(
                        f"The media storage already has a different file {name!r}: "
                        "restore into empty media storage."
                    )


def restore_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Load an archive into an empty, migrated database and media storage; return its manifest."""
    manifest, archive = read_archive(Path(path))
    written: list[str] = []
    try:
        check_target(manifest, database)
        for name in manifest["files"]:
            if default_storage.exists(name):
                continue
            saved = default_storage.save(name, File(archive.extractfile(f"media/{name}")))
            written.append(saved)
            if saved != name:
                raise BackupError(f"Could not write {name!r} into the media storage.")
        with tempfile.TemporaryDirectory() as workdir:
            # loaddata picks the format from the file name's extension.
            data_path = Path(workdir) / f"data.{SERIALIZATION_FORMAT}"
            serializers.register_serializer(SERIALIZATION_FORMAT, "tracker.exact_json")
            with archive.extractfile("data.json") as source, open(data_path, "wb") as target:
                shutil.copyfileobj(source, target)
            # The rows carry their own history: loading them must not record new versions.
            with (
                override_settings(SIMPLE_HISTORY_ENABLED=False),
                transaction.atomic(using=database),
            ):
                call_command("loaddata", str(data_path), database=database, verbosity=0)
                counts = row_counts(database)
                differing = {
                    label: (count, counts.get(label))
                    for label, count in manifest["counts"].items()
                    if counts.get(label) != count and label not in SEEDED_BY_MIGRATIONS
                }
                if differing:
                    raise BackupError(f"Rows restored differ from the archive: {differing}")
                refresh_public_organizations(using=database)
                # Counts cached before the restore must not be served for the restored data.
                bump_public_version(using=database)
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    finally:
        archive.close()
    caches[CACHE_ALIAS].clear()  # a shared cache (Redis) may hold the restored version's keys
    # Every table was written whole: statistics and visibility map now, not when autovacuum
    # comes by (VACUUM only outside a transaction, which is how the command runs).
    refresh_planner_statistics(
        [*backed_up_models(), PublicClaimOrganization, ClaimSearch], using=database, vacuum=True
    )
    return manifest
