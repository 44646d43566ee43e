"""Write a backup archive of the database and the media files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from tracker.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up every database row and media file into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive to write (default: backups/tracker-<UTC date and time>.tar.gz).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output: str | None = None, database: str, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output or f"backups/tracker-{stamp}.tar.gz")
        try:
            manifest = create_backup(path, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {rows} rows and {len(manifest['files'])} files to {path}"
            )
        )
