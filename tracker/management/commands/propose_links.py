"""Score the person records and store new proposals of likely duplicates for reviewers."""

from django.core.management.base import BaseCommand

from tracker.linkage import propose
from tracker.models import ModerationStatus, Person


class Command(BaseCommand):
    help = (
        "Propose pairs of person records that are likely the same person (tracker.linkage). "
        "Pairs already proposed or decided are left as they are; rejected pairs are never "
        "proposed again. Reviewers decide them under /review/people/."
    )

    def handle(self, *args, verbosity: int = 1, **options):
        new = propose(Person.objects.exclude(status=ModerationStatus.REJECTED))
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS(f"{new:,} new proposals."))
