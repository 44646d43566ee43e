"""Choices and abstract parts shared by the domain models."""

import datetime
import functools
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    """Is this entry fit to be shown? Only PUBLISHED entries are ever public."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def in_drafting(cls) -> tuple[str, ...]:
        """The states in which the author edits an entry directly and may submit it."""
        return (cls.DRAFT, cls.CHANGES_REQUESTED)


class VerificationGrade(models.TextChoices):
    """How credible is the claim? Shown publicly with its definition."""

    UNVERIFIED = "unverified", _("Unverified")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    FALSE = "false", _("False")
    RETRACTED = "retracted", _("Retracted")

    @classmethod
    def definitions(cls) -> dict[str, str]:
        return {
            cls.UNVERIFIED: _("Reported, not yet assessed by reviewers."),
            cls.CORROBORATED: _("Two or more independent organisations report it."),
            cls.VERIFIED: _("Checked by reviewers against primary evidence."),
            cls.DISPUTED: _("Credible sources contradict it."),
            cls.FALSE: _("Shown to be inaccurate."),
            cls.RETRACTED: _("The source withdrew it."),
        }

    @property
    def definition(self) -> str:
        return self.definitions()[self]


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    APPROXIMATE = "approximate", _("Approximate (around a year)")


def format_imprecise_date(value: datetime.date | None, precision: str) -> str:
    """Render a date at the precision it is known to: 'March 2022', '2025', 'around 2022'."""
    if value is None:
        return ""
    return formatted_date(value, precision, get_language())


# Lists, tables and charts show the same dates again and again (an indicator's chart: 400
# points); each is formatted once per language, held for the process (a few thousand at most).
@functools.lru_cache(maxsize=4096)
def formatted_date(value: datetime.date, precision: str, language: str | None) -> str:
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.APPROXIMATE:
        return pgettext("approximate date", "around %(year)s") % {"year": value.year}
    return formats.date_format(value, "DATE_FORMAT")


def truncate_to_precision(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store a month as its first day and a year as 1 January, so sorting and filtering agree."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision in (DatePrecision.YEAR, DatePrecision.APPROXIMATE):
        return value.replace(month=1, day=1)
    return value


class ContentLanguage(models.TextChoices):
    """The languages public texts are written and translated in."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


CONTENT_LANGUAGES = tuple(ContentLanguage.values)


def original_language_field(help_text: str) -> models.CharField:
    """The language a text was first written in; its wording in the other is a translation."""
    return models.CharField(
        _("written in"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.ENGLISH,
        help_text=help_text,
    )


def reader_language() -> str:
    """The content language of the active interface language."""
    return ContentLanguage.SPANISH if (get_language() or "").startswith("es") else "en"


def field_in(name: str, language: str) -> str:
    """The field holding text ``name`` in ``language``: ``title`` in English, ``title_es`` in
    Spanish (the English field keeps its old name, so existing columns stay as they were)."""
    return name if language == ContentLanguage.ENGLISH else f"{name}_{language}"


def other_language(language: str) -> str:
    return ContentLanguage.SPANISH if language == ContentLanguage.ENGLISH else "en"


class LocalizedText(str):
    """A public text as the reader gets it: in their language when it was written or translated
    into it, otherwise as written. ``lang`` is the language of the text itself, ``original`` the
    language it was written in ('' when not recorded)."""

    lang: str
    original: str

    def __new__(cls, text: str, *, lang: str = "", original: str = ""):
        value = super().__new__(cls, text)
        value.lang, value.original = lang, original
        return value

    @property
    def is_translation(self) -> bool:
        return bool(self.original) and self.lang != self.original

    @property
    def is_foreign(self) -> bool:
        """Not in the reader's language: the page marks it with its own ``lang``."""
        return bool(self) and self.lang != reader_language()


def localized_text(values: dict[str, str], original: str = "") -> LocalizedText:
    """The text for the reader out of ``{language: text}``: theirs, else the original, else any."""
    reader = reader_language()
    if values.get(reader):
        return LocalizedText(values[reader], lang=reader, original=original)
    for language in (original, *CONTENT_LANGUAGES):
        if language and values.get(language):
            return LocalizedText(values[language], lang=language, original=original)
    return LocalizedText("", lang=reader, original=original)


def localized(english: str, spanish: str, original: str = "") -> LocalizedText:
    """Pick the Spanish wording when the reader reads Spanish and there is one, else English."""
    return localized_text({"en": english or "", "es": spanish or ""}, original)


# For categories, places, organisations and indicators, edited by staff in the admin.
NAMED_IN = _(
    "The language its name and description were written in (an organisation's own name is in "
    "its own language); the other language's are a translation."
)


class Translated:
    """A model whose public texts are kept per language: ``title`` (English) and ``title_es``
    (Spanish) for each name of ``TRANSLATED_FIELDS``. With an ``original_language`` field it
    also records which of the two was written first; the other is a translation."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    @property
    def written_in(self) -> str:
        return getattr(self, "original_language", "") or ""

    def texts(self, name: str) -> dict[str, str]:
        return {
            language: getattr(self, field_in(name, language)) or ""
            for language in CONTENT_LANGUAGES
        }

    def localized(self, name: str) -> LocalizedText:
        """Text ``name`` in the reader's language when there is one, else as written."""
        return localized_text(self.texts(name), self.written_in)

    def original(self, name: str) -> str:
        """Text ``name`` in the language it was written in (else in any language it has)."""
        texts = self.texts(name)
        return texts.get(self.written_in) or next((t for t in texts.values() if t), "")

    def translation_state(self) -> str:
        """For the reader: "original" (written in their language), "translated" (its texts are
        translated into it), "partly" (some are), "untranslated" (none is), or "" (no text)."""
        reader, original = reader_language(), self.written_in
        written = [name for name in self.TRANSLATED_FIELDS if self.original(name)]
        if not written:
            return ""
        if not original or original == reader:
            return "original"
        translated = [name for name in written if self.texts(name)[reader]]
        if not translated:
            return "untranslated"
        return "translated" if len(translated) == len(written) else "partly"


def normalize_search_text(*parts: object) -> str:
    """Fold case and accents so that 'juridico' finds 'Jurídico' on every database."""
    text = " ".join(str(part) for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slug_base(model: type[models.Model], text: str) -> str:
    """The slug of ``text`` before any suffix, with room left for one."""
    max_length = model._meta.get_field("slug").max_length
    return (slugify(normalize_search_text(text)) or "entry")[: max_length - 8].strip("-")


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """Slugify ``text`` and add a numeric suffix until no other row of ``model`` uses it."""
    base = slug_base(model, text)
    candidate, suffix = base, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    while others.filter(slug=candidate).exists():
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ModeratedEntry(Translated, TimeStamped):
    """An entry that goes through moderation and carries a verification grade.

    Both state fields change only through ``tracker.workflow``; forms and the admin never
    write them.
    """

    status = models.CharField(
        _("moderation status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.DRAFT,
        editable=False,
        db_index=True,
        help_text=_("Only published entries are visible to the public, in every output."),
    )
    verification = models.CharField(
        _("verification grade"),
        max_length=20,
        choices=VerificationGrade.choices,
        default=VerificationGrade.UNVERIFIED,
        editable=False,
        db_index=True,
        help_text=_("Changing the grade needs a written rationale, which is shown publicly."),
    )
    verification_rationale = models.TextField(
        _("rationale for the grade"), blank=True, editable=False
    )
    verification_rationale_es = models.TextField(
        _("rationale for the grade, in Spanish"), blank=True, editable=False
    )
    original_language = original_language_field(
        _(
            "The language the entry was written in. Its texts in the other language are a "
            "translation, reviewed like any edit."
        )
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    # Copied from the newest correction (a PublishedVersion), so that lists can mark corrected
    # entries without a query per row.
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Optimistic locking: an edit made against an older version is refused, never merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Staff only. Never shown publicly.")
    )
    # Folded text of the English and of the Spanish side, for search (see tracker.filters).
    search_text = models.TextField(editable=False, default="")
    search_text_es = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        """In its author's hands: edited directly, and submitted when ready."""
        return self.status in ModerationStatus.in_drafting()

    @property
    def is_awaiting_review(self) -> bool:
        return self.status == ModerationStatus.SUBMITTED

    @property
    def verification_definition(self) -> str:
        return VerificationGrade(self.verification).definition
