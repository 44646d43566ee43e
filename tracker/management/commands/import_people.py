"""Import a case list (one source's list of people, one row per case) as draft person records."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.imports import max_bytes
from tracker.imports.people import COLUMNS, CaseListRefused, check_case_list, import_case_list
from tracker.models import Source
from tracker.workflow import TransitionRefused


class Command(BaseCommand):
    help = (
        "Check a case list (--dry-run) or import it as draft person records of --user, each "
        "reported by --source with its case number: all rows or none. Columns: "
        + ", ".join(COLUMNS)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A CSV file, one row per case.")
        parser.add_argument(
            "--source", required=True, help="The source the list comes from: its id or its URL."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; save nothing.")
        parser.add_argument("--user", help="Username of the contributor who will own the drafts.")

    def handle(self, *args, file: Path, source: str, dry_run: bool, user: str | None, **options):
        found = Source.objects.filter(pk=int(source)) if source.isdigit() else None
        found = found if found is not None else Source.objects.filter(url=source)
        origin = found.first()
        if origin is None:
            raise CommandError(f"No source has the id or URL “{source}”.")
        owner = None
        if not dry_run:
            if not user:
                raise CommandError("Give --user USERNAME: the drafts need an owner.")
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"No user is called “{user}”.")
        try:
            with file.open("rb") as handle:
                data = handle.read(max_bytes() + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error

        if dry_run:
            plan = check_case_list(data, source=origin)
            self.refuse_if_invalid(plan)
            levels = ", ".join(f"{count} {level}" for level, count in plan.by_privacy().items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dry run: {plan.row_count} person record(s) would be imported ({levels})."
                )
            )
            return
        try:
            plan = import_case_list(data, source=origin, by=owner, file_name=file.name)
        except CaseListRefused as refusal:
            self.refuse_if_invalid(refusal.plan)
            raise
        except TransitionRefused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan.row_count} person record(s) imported as drafts of {owner.username}."
            )
        )

    def refuse_if_invalid(self, plan) -> None:
        if not plan.is_valid:
            for message in plan.errors():
                self.stderr.write(str(message))
            raise CommandError(f"{plan.error_count} error(s): nothing was imported.")
