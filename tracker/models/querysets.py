"""Querysets: ``public()`` on each is the one definition of what the public may see.

Part of the models package: a queryset reaches the models it needs through its own model's
relations, never by importing them, so the models and their querysets import in one direction.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from tracker.models.base import ModerationStatus


def related_models(model: type[models.Model], *names: str) -> list[type[models.Model]]:
    """The models at the end of ``model``'s relations ``names``."""
    return [model._meta.get_field(name).related_model for name in names]


def published_q(prefix: str = "") -> Q:
    """Match published entries, optionally through a relation prefix such as ``"claim__"``."""
    return Q(**{f"{prefix}status": ModerationStatus.PUBLISHED})


class ModeratedQuerySet(models.QuerySet):
    def public(self) -> ModeratedQuerySet:
        """Entries the public may see: published ones only."""
        return self.filter(published_q())

    def withdrawn(self) -> ModeratedQuerySet:
        """Entries taken off the public site: only their withdrawal notice is public."""
        return self.filter(status=ModerationStatus.WITHDRAWN)

    def awaiting_review(self) -> ModeratedQuerySet:
        return self.filter(status=ModerationStatus.SUBMITTED)

    def owned_by(self, user) -> ModeratedQuerySet:
        return self.filter(created_by=user)

    def decidable_by(self, reviewer) -> ModeratedQuerySet:
        """Leave out what ``reviewer`` created or last edited: a second person must decide it."""
        return self.exclude(created_by=reviewer).exclude(last_edited_by=reviewer)


class ClaimQuerySet(ModeratedQuerySet):
    pass


class StatisticQuerySet(ModeratedQuerySet):
    pass


class CitationQuerySet(models.QuerySet):
    def public(self) -> CitationQuerySet:
        """Citations of published claims."""
        return self.filter(published_q("claim__"))

    def naming_organizations(self) -> CitationQuerySet:
        """Citations through which the public sees who published the source: of published
        claims, to sources that are not confidential and have an organisation."""
        return self.public().filter(source__confidential=False, source__organization__isnull=False)


class PublicClaimOrganizationQuerySet(models.QuerySet):
    def claims_of(self, organizations) -> models.QuerySet:
        """The published claims (their ids) that the public sees ``organizations`` behind."""
        return self.filter(organization__in=organizations).values("claim_id")


class SourceQuerySet(models.QuerySet):
    def traceable(self) -> SourceQuerySet:
        """Sources the public can trace: an address, an archive, a stored file, or on file."""
        return self.filter(~Q(url="") | ~Q(archived_url="") | ~Q(file="") | Q(confidential=True))

    def used_publicly(self) -> SourceQuerySet:
        """Sources that a published claim cites, a published figure comes from, or a listed
        person record is reported by."""
        Citation, Statistic, PersonSource = related_models(
            self.model, "citations", "statistics", "person_reports"
        )
        return self.filter(
            Exists(Citation.objects.public().filter(source=OuterRef("pk")))
            | Exists(Statistic.objects.public().filter(source=OuterRef("pk")))
            | Exists(
                PersonSource.objects.filter(
                    source=OuterRef("pk"),
                    person__in=PersonSource.person.field.related_model.objects.listed(),
                )
            )
        )

    def public(self) -> SourceQuerySet:
        """Sources with a page of their own: used publicly and not confidential."""
        return self.used_publicly().filter(confidential=False)


class OrganizationQuerySet(models.QuerySet):
    def used_publicly(self) -> OrganizationQuerySet:
        """Organisations the public sees: behind a public source or a published figure."""
        return self.public()

    def public(self) -> OrganizationQuerySet:
        """Organisations behind a public (non-confidential) source or a published figure."""
        Source, Statistic = related_models(self.model, "sources", "statistics")
        return self.filter(
            Exists(Source.objects.public().filter(organization=OuterRef("pk")))
            | Exists(Statistic.objects.public().filter(organization=OuterRef("pk")))
        )


# Levels of "within" followed below a place: country, region, town, facility and one more.
PLACE_DEPTH = 5


class LocationQuerySet(models.QuerySet):
    def within(self, places) -> LocationQuerySet:
        """``places`` and the places within them, down to ``PLACE_DEPTH`` levels.

        One condition per level, so that it stays a subquery of whatever uses it.
        """
        condition = Q(pk__in=places)
        for depth in range(1, PLACE_DEPTH):
            condition |= Q(**{"__".join(["parent"] * depth) + "__in": places})
        return self.filter(condition)

    def public(self) -> LocationQuerySet:
        """Places where a published claim or figure is located."""
        Claim, Statistic = related_models(self.model, "claims", "statistics")
        return self.filter(
            Exists(Claim.objects.public().filter(location=OuterRef("pk")))
            | Exists(Statistic.objects.public().filter(location=OuterRef("pk")))
        )


class TaxonomyQuerySet(models.QuerySet):
    def public(self) -> TaxonomyQuerySet:
        """Category and indicator names are managed by admins and are public."""
        return self.all()


class EntryRecordQuerySet(models.QuerySet):
    """Records about one entry, found by its model and primary key."""

    def for_object(self, model: type[models.Model], pk: int) -> EntryRecordQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)

    def for_entry(self, entry: models.Model) -> EntryRecordQuerySet:
        return self.for_object(type(entry), entry.pk)


class RevisionQuerySet(EntryRecordQuerySet):
    def pending(self) -> RevisionQuerySet:
        """Revisions that await a reviewer's decision."""
        return self.filter(status=self.model.Status.PENDING)

    def pending_for(self, entry: models.Model) -> RevisionQuerySet:
        """The revisions of ``entry`` that await a reviewer's decision."""
        return self.pending().for_entry(entry)

    def decidable_by(self, reviewer) -> RevisionQuerySet:
        """Leave out what ``reviewer`` proposed: a second person must decide it."""
        return self.exclude(created_by=reviewer)


class TipQuerySet(models.QuerySet):
    def new(self) -> TipQuerySet:
        """Tips from the public that nobody has handled yet."""
        return self.filter(status=self.model.Status.NEW)


class PublishedVersionQuerySet(EntryRecordQuerySet):
    """Snapshots taken at publication: public by construction, even after a withdrawal (the
    version's address then answers 410, and the corrections feed keeps its correction)."""

    def corrections(self) -> PublishedVersionQuerySet:
        """Versions that corrected an earlier one, each with its public note."""
        return self.filter(number__gt=1)


class WithdrawalQuerySet(EntryRecordQuerySet):
    pass


class PersonQuerySet(ModeratedQuerySet):
    """Person records. ``public()`` are the published ones, which public totals count whatever
    their privacy; ``listed()`` are those the public may also see listed and described."""

    def listed(self) -> PersonQuerySet:
        """Published records that are public, named or anonymous: listed and described, one
        row per person (a record linked to a published one of the same person is not)."""
        return (
            self.public()
            .filter(privacy__in=self.model.LISTED_PRIVACY)
            .filter(Q(same_as__isnull=True) | ~published_q("same_as__"))
        )

    def not_yet_published(self) -> PersonQuerySet:
        """Records being written or awaiting review: not counted publicly yet."""
        return self.filter(
            status__in=(
                ModerationStatus.DRAFT,
                ModerationStatus.SUBMITTED,
                ModerationStatus.CHANGES_REQUESTED,
            )
        )

    def with_person_key(self) -> PersonQuerySet:
        """Annotate ``person_key``: the record standing for the person, so that linked
        records count once."""
        return self.annotate(person_key=Coalesce("same_as_id", "id"))

    def people_count(self) -> int:
        """How many people (not records) these records are about."""
        return self.aggregate(n=Count(Coalesce("same_as_id", "id"), distinct=True))["n"]


class LinkProposalQuerySet(models.QuerySet):
    def proposed(self) -> LinkProposalQuerySet:
        return self.filter(status=self.model.Status.PROPOSED)

    def confirmed(self) -> LinkProposalQuerySet:
        return self.filter(status=self.model.Status.CONFIRMED)
