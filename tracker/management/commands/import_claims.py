"""Import claims from a CSV file in the claims export's layout, as one user's drafts.

It runs in the foreground, without the task worker: the dry run, then the import (which checks
every row again as it writes them, in one transaction), each with a progress bar on stderr.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.imports import ImportRefused, check_claims_csv, import_claims_csv, max_bytes
from tracker.workflow import TransitionRefused

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Check a claims CSV (--dry-run) or import it as drafts of --user: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A CSV file with the claims export's columns.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file; save nothing.")
        parser.add_argument("--user", help="Username of the contributor who will own the drafts.")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        owner = None
        if not dry_run:
            if not user:
                raise CommandError("Give --user USERNAME: the drafts need an owner.")
            try:
                owner = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user is called “{user}”.") from error
        try:
            with file.open("rb") as handle:
                data = handle.read(max_bytes() + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error

        plan = check_claims_csv(data, progress=self.progress("Checking"))
        self.refuse_if_invalid(plan)
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {plan.row_count} claim(s) would be imported.")
            )
            return
        try:
            result = import_claims_csv(
                data, by=owner, file_name=file.name, progress=self.progress("Importing")
            )
        except ImportRefused as refusal:
            self.refuse_if_invalid(refusal.plan)
            raise
        except TransitionRefused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.claims} claim(s) imported as drafts of {owner.username}, with "
                f"{result.citations} citation(s) and {result.sources} new source(s)."
            )
        )

    def refuse_if_invalid(self, plan) -> None:
        for row, warning in plan.warnings:
            self.stderr.write(f"Row {row}: {warning}")
        if not plan.is_valid:
            for message in plan.errors():
                self.stderr.write(str(message))
            raise CommandError(f"{plan.error_count} error(s): nothing was imported.")

    def progress(self, label: str):
        """A text progress bar on stderr, redrawn in place."""

        def show(done: int, total: int) -> None:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            ending = "\n" if done == total else ""
            self.stderr.write(f"\r{label} [{bar}] {done}/{total}", ending=ending)
            self.stderr.flush()

        return show
