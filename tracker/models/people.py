"""The register of people: one record per person affected, with the sources that report it.

A record says who the person was, what happened to them and who reports it. Its privacy level
decides what of it may ever reach the public (``Privacy`` and ``PUBLIC_IF_NAMED`` below are the
one statement of that rule); its moderation is the claims' own (``tracker.workflow``). Records
that the linkage confirms to be the same person point to one record of the person
(``same_as``), and counts count people, not records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.history import AuditHistory
from tracker.models.base import (
    CONTENT_LANGUAGES,
    DatePrecision,
    ModeratedEntry,
    format_imprecise_date,
    normalize_search_text,
    truncate_to_precision,
)
from tracker.models.querysets import LinkProposalQuerySet, PersonQuerySet
from tracker.models.sources import CitesASource, Source
from tracker.models.taxonomy import Location


class Privacy(models.TextChoices):
    """What of a record the public may see. Names and identifiers of anonymous and counted-only
    records stay on the staff side: staff pages, the admin, backups."""

    NAMED = "named", _("Public, named")
    ANONYMOUS = "anonymous", _("Public, anonymous")
    COUNTED = "counted", _("Counted only")

    @classmethod
    def listed(cls) -> tuple[str, ...]:
        """The levels whose published records are listed and described publicly."""
        return (cls.NAMED, cls.ANONYMOUS)


# Identifying fields, public only on a published record whose privacy is NAMED. A record's exact
# birth date is never public, whatever its level (its age is).
PUBLIC_IF_NAMED = ("name", "other_names", "case_numbers")


def shows_identity(privacy: str) -> bool:
    """Whether the public may read a record's name and identifiers."""
    return privacy == Privacy.NAMED


class PersonStatus(models.TextChoices):
    DIED_IN_CUSTODY = "died_in_custody", _("Died in custody")
    DETAINED = "detained", _("Detained")
    DISAPPEARED = "disappeared", _("Disappeared")
    RELEASED = "released", _("Released")
    DIED_AFTER_RELEASE = "died_after_release", _("Died after release")
    UNKNOWN = "unknown", _("Unknown")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class Certainty(models.TextChoices):
    """How sure the sources make us of an identity or a date."""

    CONFIRMED = "confirmed", _("Confirmed")
    PROBABLE = "probable", _("Probable")
    POSSIBLE = "possible", _("Possible")
    UNKNOWN = "unknown", _("Not assessed")


def certainty_field(verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=12, choices=Certainty.choices, default=Certainty.UNKNOWN
    )


def precision_field(verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY
    )


class Person(ModeratedEntry):
    """One person affected (died in custody, detained, disappeared...), as the sources report."""

    TRANSLATED_FIELDS = ("description", "cause_reported", "alleged_perpetrator")
    # A person's record keeps no public versions: a frozen version would keep showing a name
    # that the family later asks to withdraw (see ``tracker.workflow.publication``).
    KEEPS_PUBLIC_VERSIONS = False
    LISTED_PRIVACY = Privacy.listed()

    name = models.CharField(
        _("name"),
        max_length=300,
        blank=True,
        help_text=_("Shown publicly only when the privacy level is “public, named”."),
    )
    other_names = models.CharField(
        _("other names"),
        max_length=500,
        blank=True,
        help_text=_("Spellings and aliases, separated by semicolons. Public only when named."),
    )
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Never public, whatever the privacy level: the public sees the age."),
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, help_text=_("The age, or the low end of an age range.")
    )
    age_high = models.PositiveSmallIntegerField(
        _("age, high end of the range"), null=True, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    # The person's status as the sources report it (``status`` is the record's moderation).
    situation = models.CharField(
        _("status of the person"),
        max_length=24,
        choices=PersonStatus.choices,
        default=PersonStatus.UNKNOWN,
        db_index=True,
    )
    detained_on = models.DateField(_("date of detention"), null=True, blank=True)
    detained_precision = precision_field(_("precision of the date of detention"))
    detained_certainty = certainty_field(_("certainty of the date of detention"))
    died_on = models.DateField(
        _("date of death or last sighting"),
        null=True,
        blank=True,
        help_text=_("The date of death, or for a disappeared person the date last seen."),
    )
    died_precision = precision_field(_("precision of the date of death or last sighting"))
    died_certainty = certainty_field(_("certainty of the date of death or last sighting"))
    place = models.ForeignKey(
        Location,
        verbose_name=_("facility or place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Where the person died or was last seen: usually a detention facility."),
    )
    identity_certainty = certainty_field(_("certainty of the identity"))
    privacy = models.CharField(
        _("privacy level"),
        max_length=10,
        choices=Privacy.choices,
        default=Privacy.COUNTED,
        db_index=True,
        help_text=_(
            "Public, named: the family consented or a public source already names the person. "
            "Public, anonymous: counted and described, never named. Counted only: adds one to "
            "public totals, never listed or described."
        ),
    )
    description = models.CharField(
        _("public description"),
        max_length=500,
        blank=True,
        help_text=_("Shown for named and anonymous records; never a name or an identifier."),
    )
    description_es = models.CharField(
        _("public description in Spanish"), max_length=500, blank=True
    )
    cause_reported = models.CharField(_("cause as reported"), max_length=500, blank=True)
    cause_reported_es = models.CharField(
        _("cause as reported, in Spanish"), max_length=500, blank=True
    )
    alleged_perpetrator = models.CharField(_("alleged perpetrator"), max_length=300, blank=True)
    alleged_perpetrator_es = models.CharField(
        _("alleged perpetrator in Spanish"), max_length=300, blank=True
    )
    claims = models.ManyToManyField(
        "tracker.Claim", verbose_name=_("claims"), related_name="people", blank=True
    )
    sources = models.ManyToManyField(Source, through="PersonSource", related_name="people")
    # Set by the linkage workflow only: the record that stands for the person when reviewers
    # confirmed that several records are the same person (empty on that record itself).
    same_as = models.ForeignKey(
        "self",
        verbose_name=_("same person as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        editable=False,
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made up by generate_synthetic or the demo: no real person."),
    )
    # Folded name and other names, for the linkage (staff side only).
    name_key = models.CharField(max_length=800, editable=False, default="", db_index=True)

    objects = PersonQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["search_text", "search_text_es", "name_key"])

    class Meta:
        ordering = [models.F("died_on").desc(nulls_last=True), "-pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_high__isnull=True)
                | models.Q(age__isnull=False, age_high__gte=models.F("age")),
                name="person_age_range_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "privacy", "died_on"])]

    def __str__(self) -> str:
        # Never the name: this string reaches logs, e-mail subjects and the review queue.
        return _("Person record #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        self.detained_on = truncate_to_precision(self.detained_on, self.detained_precision)
        self.died_on = truncate_to_precision(self.died_on, self.died_precision)
        self.name_key = normalize_search_text(self.name, self.other_names.replace(";", " "))
        self.search_text, self.search_text_es = (
            self.build_search_text(language) for language in CONTENT_LANGUAGES
        )

    def build_search_text(self, language: str) -> str:
        """The folded public text of one side: the name only when the record is named."""
        place = ""
        if self.place_id:
            place = self.place.texts("name")[language] or self.place.name
        identity = (self.name, self.other_names) if shows_identity(self.privacy) else ()
        return normalize_search_text(
            *identity,
            self.texts("description")[language],
            self.texts("cause_reported")[language],
            self.texts("alleged_perpetrator")[language],
            self.occupation,
            place,
        )

    def get_absolute_url(self) -> str:
        return reverse("public:person_detail", kwargs={"pk": self.pk})

    @property
    def shows_identity(self) -> bool:
        return shows_identity(self.privacy)

    @property
    def public_name(self) -> str:
        return self.name if self.shows_identity else ""

    @property
    def age_display(self) -> str:
        if self.age is None:
            return ""
        if self.age_high is not None and self.age_high != self.age:
            return _("%(low)s–%(high)s") % {"low": self.age, "high": self.age_high}
        return str(self.age)

    @property
    def detained_display(self) -> str:
        return format_imprecise_date(self.detained_on, self.detained_precision)

    @property
    def died_display(self) -> str:
        return format_imprecise_date(self.died_on, self.died_precision)

    @property
    def person_id(self) -> int:
        """The record that stands for this person (itself unless linked to another)."""
        return self.same_as_id or self.pk


class PersonSource(CitesASource, models.Model):
    """A person record ← source link, with the source's own case number when it has one."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="reports"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="person_reports"
    )
    case_number = models.CharField(
        _("case number in the source"),
        max_length=100,
        blank=True,
        help_text=_("Public only when the record is public and named."),
    )
    locator = models.CharField(_("page or locator"), max_length=200, blank=True)

    history = AuditHistory()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("source of a person record")
        verbose_name_plural = _("sources of person records")
        constraints = [
            models.UniqueConstraint(fields=["person", "source"], name="person_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ← {self.source}"


class LinkProposal(models.Model):
    """Two records that the linkage scored as likely the same person, and the decision on them.

    ``left`` is always the record with the lower key, so a pair is proposed once. A rejected
    pair is never proposed again; a confirmed one can be undone. Decisions go through
    ``tracker.workflow.linkage``.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed: same person")
        REJECTED = "rejected", _("Rejected: different people")
        UNDONE = "undone", _("Confirmed, then undone")

    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", editable=False)
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", editable=False)
    score = models.FloatField(_("score"), editable=False)
    reasons = models.JSONField(_("what matched"), default=dict, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PROPOSED,
        editable=False,
        db_index=True,
    )
    comment = models.TextField(_("comment"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    objects = LinkProposalQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("proposed link between person records")
        verbose_name_plural = _("proposed links between person records")
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="link_proposal_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="link_proposal_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.left_id} ~ #{self.right_id} ({self.score:.2f})"
