import io
import json
import stat
import subprocess
import sys
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse

from tests.factories import make_user, restore_role_groups
from tests.processes import child_env
from tracker.backup import sha256_stream
from tracker.models import Claim, Source, Tip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def add_backup_material() -> None:
    """Demo data plus users, a tip and an admin log entry."""
    call_command("load_demo", verbosity=0)
    reviewer = make_user("reviewer", username="backup-reviewer")
    make_user("contributor", username="backup-contributor")
    Tip.objects.create(what="Beatings in a police cell", contact="Private contact 0000")
    claim = Claim.objects.first()
    LogEntry.objects.log_actions(
        user_id=reviewer.pk,
        queryset=[claim],
        action_flag=CHANGE,
        change_message="Checked the wording",
        single_object=True,
    )


@pytest.fixture
def archive(db, tmp_path) -> Path:
    """A backup of the demo data plus users, a tip and an admin log entry."""
    add_backup_material()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    return path


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def dumped_models(path: Path) -> set[str]:
    return {row["model"] for row in json.loads(members(path)["data.json"])}


def rewrite(path: Path, target: Path, changes: dict[str, bytes]) -> Path:
    """Copy an archive, replacing or adding the given members."""
    contents = {**members(path), **changes}
    with tarfile.open(target, "w:gz") as tar:
        for name, content in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return target


def test_backup_archive_holds_manifest_data_and_media(archive):
    source = Source.objects.exclude(file="").get()
    assert set(members(archive)) == {"manifest.json", "data.json", f"media/{source.file.name}"}


def test_backup_archive_is_readable_by_its_owner_only(archive):
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_backup_manifest_records_media_sha256(archive):
    source = Source.objects.exclude(file="").get()
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["files"] == {source.file.name: source.sha256}


def test_backup_holds_users_groups_events_history_and_log(archive):
    assert {
        "auth.user",
        "auth.group",
        "tracker.claim",
        "tracker.moderationevent",
        "tracker.historicalclaim",
        "tracker.historicalclaim_categories",
        "tracker.tip",
        "admin.logentry",
    } <= dumped_models(archive)


def test_backup_leaves_out_sessions_login_failures_and_rebuilt_tables(client, demo_data, tmp_path):
    user = make_user("contributor")
    client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    client.force_login(user)
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    assert {
        model
        for model in dumped_models(path)
        if model.startswith(("axes.", "sessions.", "contenttypes.", "auth.permission"))
    } == set()


def test_backup_refers_to_users_by_username(archive):
    rows = json.loads(members(archive)["data.json"])
    event = next(row for row in rows if row["model"] == "admin.logentry")
    assert event["fields"]["user"] == ["backup-reviewer"]


def test_restore_refuses_a_database_with_data(archive):
    with pytest.raises(CommandError, match="already has data"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_a_damaged_file(archive, tmp_path):
    source = Source.objects.exclude(file="").get()
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", {f"media/{source.file.name}": b"x"})
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), stdout=io.StringIO())


def test_restore_refuses_a_file_outside_the_manifest(archive, tmp_path):
    hostile = rewrite(archive, tmp_path / "hostile.tar.gz", {"media/../../escape.txt": b"x"})
    with pytest.raises(CommandError, match="does not list"):
        call_command("restore", str(hostile), stdout=io.StringIO())
    assert not (tmp_path / "escape.txt").exists()


def test_restore_refuses_something_that_is_not_an_archive(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_text("not an archive")
    with pytest.raises(CommandError, match="not a tracker backup archive"):
        call_command("restore", str(path), stdout=io.StringIO())


# --- The round trip: a fresh database, migrated and restored by the commands an operator runs.
# Migrating a database takes a while, so one round trip serves the tests below.


@contextmanager
def fresh_database(folder: Path):
    """The address of a new, empty database on the same server as the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{folder / 'fresh.sqlite3'}"
        return
    import psycopg

    name = f"{settings['NAME']}_restore"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database_url: str, media_root: Path) -> str:
    env = {**child_env(), "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings_test"
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


CHECK_RESTORED_USERS = f"""
from django.contrib.auth import get_user_model
from tests.factories import CategoryFactory, make_user
user = get_user_model().objects.get(username="backup-reviewer")
print(user.check_password({PASSWORD!r}), user.groups.filter(name="Reviewers").exists())
make_user("contributor", username="after-restore")
CategoryFactory(slug="after-restore")
print("new rows saved")
"""


# The counts of published claims are left out of the archive: the triggers count the claims
# (and their links) as they are restored.
CHECK_RESTORED_COUNTS = """
from tracker.public_counts import fresh_counts, kept_counts
print(len(kept_counts()), kept_counts() == fresh_counts())
"""


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):
    """Back up the demo data, restore it into a fresh database, and back that up again."""
    folder = tmp_path_factory.mktemp("round-trip")
    original = folder / "backup.tar.gz"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media"),
        transaction.atomic(),
    ):
        restore_role_groups()
        add_backup_material()
        call_command("backup", output=str(original), stdout=io.StringIO())
        source = Source.objects.exclude(file="").get()
        expected_file = (source.file.name, source.sha256)
        transaction.set_rollback(True)
    media = folder / "restored-media"
    again = folder / "again.tar.gz"
    with django_db_blocker.unblock(), fresh_database(folder) as url:
        manage("migrate", "--noinput", database_url=url, media_root=media)
        manage("restore", str(original), database_url=url, media_root=media)
        manage("backup", "--output", str(again), database_url=url, media_root=media)
        counts = manage(
            "shell", "--no-imports", "-c", CHECK_RESTORED_COUNTS, database_url=url, media_root=media
        )
        users = manage(
            "shell", "--no-imports", "-c", CHECK_RESTORED_USERS, database_url=url, media_root=media
        )
    return {
        "original": original,
        "again": again,
        "media": media,
        "expected_file": expected_file,
        "users": users,
        "counts": counts,
    }


def test_restore_into_a_fresh_database_gives_back_every_row(round_trip):
    original = json.loads(members(round_trip["original"])["data.json"])
    assert json.loads(members(round_trip["again"])["data.json"]) == original


def test_restore_into_a_fresh_database_gives_back_the_same_counts(round_trip):
    before = json.loads(members(round_trip["original"])["manifest.json"])["counts"]
    after = json.loads(members(round_trip["again"])["manifest.json"])["counts"]
    assert after == before
    assert min(before["auth.user"], before["tracker.historicalclaim"], before["admin.logentry"]) > 0


def test_restore_into_a_fresh_database_counts_its_published_claims(round_trip):
    kept, exact = round_trip["counts"].split()
    assert int(kept) > 0 and exact == "True", round_trip["counts"]


def test_restore_into_a_fresh_database_gives_back_identical_files(round_trip):
    name, sha256 = round_trip["expected_file"]
    with open(round_trip["media"] / name, "rb") as handle:
        assert sha256_stream(handle) == sha256


def test_restore_into_a_fresh_database_keeps_passwords_and_groups(round_trip):
    assert round_trip["users"].splitlines()[0] == "True True"


def test_restore_into_a_fresh_database_accepts_new_rows(round_trip):
    assert round_trip["users"].splitlines()[1] == "new rows saved"


def test_backup_keeps_timestamps_to_the_microsecond(round_trip):
    rows = json.loads(members(round_trip["original"])["data.json"])
    stamps = [row["fields"]["history_date"] for row in rows if "history_date" in row["fields"]]
    assert any(len(stamp) == len("2026-01-30T12:00:00.123456Z") for stamp in stamps)
