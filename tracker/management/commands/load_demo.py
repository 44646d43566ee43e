"""Load the true demo entries (tracker/demo/data.py), the demo's synthetic person records
(tracker/demo/people.py, marked as made up) and, in development, the demo users."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import twofactor, workflow
from tracker.demo import data
from tracker.demo import people as demo_people
from tracker.demo.two_factor import DEMO_DEVICE_NAME, DEMO_TOTP_KEY, DEMO_TWO_FACTOR_USERS
from tracker.history import attributed_to
from tracker.linkage import propose
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    Organization,
    Person,
    PersonSource,
    PersonStatus,
    Source,
    Statistic,
)
from tracker.models.sources import sha256_of

DEMO_DIR = Path(data.__file__).resolve().parent
LOAD_COMMENT = "Loaded from the project's reviewed demo data (tracker/demo/data.py)."
PEOPLE_COMMENT = "Synthetic demo record (tracker/demo/people.py): no real person."


class Command(BaseCommand):
    help = "Load the demo data idempotently: a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also create the demo users (refused unless DEBUG is on).",
        )

    def handle(self, *args, with_users: bool = False, **options):
        if with_users and not settings.DEBUG:
            raise CommandError(
                "Demo users have published passwords: they are created only with DEBUG=1."
            )
        with transaction.atomic(), attributed_to(None, reason=LOAD_COMMENT):
            created = self.load_entries()
            if with_users:
                created += self.load_users()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({created} new rows)."))

    def load_entries(self) -> int:
        created = 0
        categories = {}
        for slug, name, name_es in data.CATEGORIES:
            categories[slug], new = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_es": name_es}
            )
            created += new
        organizations = {}
        for row in data.ORGANIZATIONS:
            row = dict(row)
            slug = row.pop("slug")
            organizations[slug], new = Organization.objects.get_or_create(slug=slug, defaults=row)
            created += new
        locations = {}
        for row in data.LOCATIONS:
            row = dict(row)
            row["parent"] = locations[row["parent"]] if row["parent"] else None
            slug = row.pop("slug")
            locations[slug], new = Location.objects.get_or_create(slug=slug, defaults=row)
            created += new
        indicators = {}
        for row in data.INDICATORS:
            row = dict(row)
            row["category"] = categories[row["category"]] if row["category"] else None
            slug = row.pop("slug")
            indicators[slug], new = Indicator.objects.get_or_create(slug=slug, defaults=row)
            created += new
        sources = {}
        for key, row in data.SOURCES.items():
            row = dict(row)
            row["organization"] = organizations[row["organization"]]
            file_name = row.pop("file", None)
            source = Source.objects.filter(title=row["title"]).first()
            if source is None:
                source = Source(**row)
                if file_name:
                    with open(DEMO_DIR / file_name, "rb") as handle:
                        source.sha256 = sha256_of(handle)
                        source.original_name = file_name
                        source.file.save(file_name, File(handle), save=False)
                source.save()
                created += 1
            sources[key] = source
        for row in data.STATISTICS:
            row = dict(row)
            row["indicator"] = indicators[row["indicator"]]
            row["organization"] = organizations[row["organization"]]
            row["source"] = sources[row["source"]]
            row["location"] = locations[row["location"]] if row.get("location") else None
            key = {name: row[name] for name in ("indicator", "organization", "source", "as_of")}
            if Statistic.objects.filter(**key).exists():
                continue
            workflow.publish_from_trusted_source(
                Statistic(**row), grade="unverified", rationale="", comment=LOAD_COMMENT
            )
            created += 1
        for row in data.CLAIMS:
            row = dict(row)
            if Claim.objects.filter(slug=row["slug"]).exists():
                continue
            category_slugs = row.pop("categories")
            citations = row.pop("citations")
            grade = row.pop("grade")
            rationale = row.pop("rationale", "")
            rationale_es = row.pop("rationale_es", "")
            row["location"] = locations[row["location"]] if row.get("location") else None
            claim = workflow.load_draft(Claim(**row), comment=LOAD_COMMENT)
            claim.categories.set(categories[slug] for slug in category_slugs)
            for citation in citations:
                Citation.objects.create(
                    claim=claim,
                    source=sources[citation["source"]],
                    stance=citation["stance"],
                    quote=citation["quote"],
                )
            workflow.publish_from_trusted_source(
                claim,
                grade=grade,
                rationale=rationale,
                rationale_es=rationale_es,
                comment=LOAD_COMMENT,
            )
            created += 1
        created += self.load_people(indicators[demo_people.INDICATOR])
        return created

    def load_people(self, indicator: Indicator) -> int:
        """The synthetic person records, their proposed links, and the indicator's query."""
        organization_row = dict(demo_people.ORGANIZATION)
        slug = organization_row.pop("slug")
        organization, created = Organization.objects.get_or_create(
            slug=slug, defaults=organization_row
        )
        sources = {}
        for key, row in demo_people.SOURCES.items():
            sources[key], new = Source.objects.get_or_create(
                title=row["title"], defaults={**row, "organization": organization}
            )
            created += new
        records = []
        for source, case, name, privacy, sex, age, died_on, published in demo_people.PEOPLE:
            report = PersonSource.objects.filter(source=sources[source], case_number=case).first()
            if report is not None:
                records.append(report.person_id)
                continue
            person = Person(
                name=name,
                privacy=privacy,
                sex=sex,
                age=age,
                country="SV",
                situation=PersonStatus.DIED_IN_CUSTODY,
                died_on=died_on,
                description=demo_people.DESCRIPTION,
                description_es=demo_people.DESCRIPTION_ES,
                original_language="es",
                synthetic=True,
            )
            workflow.load_draft(person, comment=PEOPLE_COMMENT)
            PersonSource.objects.create(person=person, source=sources[source], case_number=case)
            if published:
                workflow.publish_from_trusted_source(
                    person, grade="unverified", rationale="", comment=PEOPLE_COMMENT
                )
            records.append(person.pk)
            created += 1
        created += propose(Person.objects.filter(pk__in=records))
        if not indicator.counts_register:
            for name, value in demo_people.REGISTER_QUERY.items():
                setattr(indicator, name, value)
            indicator.save()
        return created

    def load_users(self) -> int:
        created = 0
        User = get_user_model()
        for username, password, group_name, is_staff, is_superuser in data.DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                email=f"{username}@demo.invalid",
                is_staff=is_staff,
                is_superuser=is_superuser,
            )
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            created += 1
        # Their roles require two factors: a demo authenticator app with a published key, unless
        # the user already has a device of their own (also for demo users made before 2FA).
        for user in User.objects.filter(username__in=DEMO_TWO_FACTOR_USERS):
            if not twofactor.has_primary_device(user):
                TOTPDevice.objects.create(
                    user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
                )
                created += 1
        return created
