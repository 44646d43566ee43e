"""factory_boy factories and ``make_user`` for the test suite."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationStatus,
    Organization,
    Source,
    Statistic,
)

ROLE_GROUPS = {"contributor": "Contributors", "reviewer": "Reviewers"}


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


def make_user(role: str = "contributor", username: str | None = None, **extra):
    """A user in one of the roles: 'contributor', 'reviewer', 'admin' or 'none'."""
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
    return user


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
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "A quote from the source."
    stance = Citation.Stance.SUPPORTS


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
