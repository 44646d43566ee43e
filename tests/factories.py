"""factory_boy factories and ``make_user`` for the test suite."""

import datetime
import functools
import io
import time
from binascii import unhexlify

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationStatus,
    Organization,
    Person,
    PersonSource,
    PersonStatus,
    Privacy,
    Sex,
    Source,
    Statistic,
)
from tracker.workflow.public_organizations import refresh_public_organizations

ROLE_GROUPS = {"contributor": "Contributors", "reviewer": "Reviewers"}


@functools.cache
def migrated_apps():
    """The app registry as the migrations leave it, for re-running a data migration."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state().apps


def restore_role_groups() -> None:
    """Recreate the data migration's role groups if a transactional test's flush emptied them.

    (``serialized_rollback`` proved unreliable here: when other database tests ran first, its
    snapshot was missing and the groups were not restored.)
    """
    from tracker.roles import GROUPS, sync_groups

    if Group.objects.filter(name__in=GROUPS).count() < len(GROUPS):
        sync_groups(migrated_apps())


# Roles that must log in with two factors.
TWO_FACTOR_ROLES = ("reviewer", "admin")
# The key of every test user's authenticator app (hex, as django-otp stores it), so that a test
# can compute the current code: ``totp_code(user)``.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def pdf_bytes(pages: int = 1, *, user_password: str | None = None) -> bytes:
    """A real PDF of blank pages, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real image in ``image_format`` (PNG, JPEG, GIF, WEBP), drawn by Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    mode = "P" if image_format == "GIF" else "RGB"
    Image.new(mode, size, color=1 if mode == "P" else "red").save(buffer, image_format)
    return buffer.getvalue()


def make_user(
    role: str = "contributor",
    username: str | None = None,
    *,
    two_factor: bool | None = None,
    **extra,
):
    """A user in one of the roles: 'contributor', 'reviewer', 'admin' or 'none'.

    Reviewers and admins get a confirmed authenticator app with ``TEST_TOTP_KEY``, as they must
    have one; ``two_factor=False`` leaves them without, ``two_factor=True`` gives one to anyone.
    """
    User = get_user_model()
    username = username or f"{role}-{User.objects.count() + 1}"
    user = User.objects.create_user(
        username=username,
        email=extra.pop("email", f"{username}@example.org"),
        password=extra.pop("password", "correct horse battery staple"),
        is_staff=role == "admin",
        is_superuser=role == "admin",
        **extra,
    )
    if role in ROLE_GROUPS:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    if two_factor if two_factor is not None else role in TWO_FACTOR_ROLES:
        TOTPDevice.objects.create(user=user, name="Test phone", key=TEST_TOTP_KEY, confirmed=True)
    return user


def totp_code(user) -> str:
    """A code the user's authenticator app shows now, one that the device has not yet accepted.

    django-otp accepts one step either side of now and never the same step twice, so when the
    current code was used already (two log-ins within 30 seconds) the next step's code is given.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    step = max(now_step, device.last_t + 1)
    # A TOTP code is the HOTP code of the time step (RFC 6238).
    return str(hotp(unhexlify(device.key), step, digits=device.digits)).zfill(device.digits)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Location.Kind.FACILITY
    country = "SV"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organization.Kind.NGO
    country = "SV"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    kind = Source.Kind.REPORT
    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://example.org/reports/{n}")
    published_on = datetime.date(2024, 7, 1)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Claim number {n}")
    summary = "People were held without charge."
    country = "SV"
    event_start = datetime.date(2022, 3, 27)
    status = ModerationStatus.PUBLISHED

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def cited(self, create, extracted, **kwargs):
        """``cited=True``: cite one source with an address, so the claim passes the gate."""
        if create and extracted:
            CitationFactory(claim=self)


class CitationFactory(factory.django.DjangoModelFactory):
    """A citation, and what the workflow keeps with it (as ``ClaimFactory`` makes published
    claims without going through the workflow)."""

    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "A quote from the source."
    stance = Citation.Stance.SUPPORTS

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        citation = super()._create(model_class, *args, **kwargs)
        refresh_public_organizations(claims=[citation.claim_id])
        return citation


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Indicator {n}")
    slug = factory.Sequence(lambda n: f"indicator-{n}")
    unit = "people"


class StatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statistic

    indicator = factory.SubFactory(IndicatorFactory)
    source = factory.SubFactory(SourceFactory)
    organization = factory.SelfAttribute("source.organization")
    value = 100
    as_of = datetime.date(2024, 6, 10)
    status = ModerationStatus.PUBLISHED


class PersonFactory(factory.django.DjangoModelFactory):
    """A published, anonymous person record (made up), reported by one source with an address
    (``reported=False`` for none)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Synthetic Person {n}")
    sex = Sex.MALE
    age = 40
    occupation = "fisherman"
    country = "SV"
    situation = PersonStatus.DIED_IN_CUSTODY
    died_on = datetime.date(2023, 5, 14)
    privacy = Privacy.ANONYMOUS
    description = "A man who died in a prison hospital."
    status = ModerationStatus.PUBLISHED
    synthetic = True

    @factory.post_generation
    def reported(self, create, extracted, **kwargs):
        if create and extracted is not False:
            PersonSourceFactory(person=self)


class PersonSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonSource

    person = factory.SubFactory(PersonFactory, reported=False)
    source = factory.SubFactory(SourceFactory)
    case_number = factory.Sequence(lambda n: f"CASE-{n}")
