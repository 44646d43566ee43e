"""How to cite a published claim or figure: plain text, APA-like, BibTeX and CSL-JSON.

One ``Reference`` per entry, in the reader's language, from which every style is written. The
BibTeX is escaped by pylatexenc (every LaTeX special character, accents as LaTeX commands); the
CSL-JSON by ``json.dumps``; the plain and APA-like texts are plain text, escaped by the template
that shows them.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pylatexenc.latexencode import UnicodeToLatexEncoder

from tracker.models import Claim, Statistic
from tracker.templatetags.claimreview import publisher_name

# Characters without a LaTeX form (an emoji) are kept as they are: biber reads UTF-8.
LATEX = UnicodeToLatexEncoder(
    non_ascii_only=False, unknown_char_policy="keep", unknown_char_warning=False
)
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Reference:
    """What every citation style of one entry says."""

    key: str  # "tracker-claim-12": the BibTeX key and the CSL id
    kind: str  # "claim" or "figure"
    title: str  # in the reader's language where translated
    language: str  # the title's language
    publisher: str
    url: str  # the permanent address, which opens the entry in the reader's language
    issued: datetime.date  # first published
    accessed: datetime.date
    note: str  # the claim's grade, or the figure's source

    @property
    def label(self) -> str:
        return _("Claim") if self.kind == "claim" else _("Figure")


def claim_reference(claim: Claim, url: str, accessed: datetime.date | None = None) -> Reference:
    title = claim.localized("title")
    return Reference(
        key=f"tracker-claim-{claim.pk}",
        kind="claim",
        title=str(title),
        language=title.lang or claim.original_language,
        publisher=publisher_name(),
        url=url,
        issued=timezone.localdate(claim.published_at),
        accessed=accessed or timezone.localdate(),
        note=_("grade: %(grade)s") % {"grade": claim.get_verification_display()},
    )


def statistic_reference(
    statistic: Statistic, url: str, accessed: datetime.date | None = None
) -> Reference:
    indicator = statistic.indicator
    title = _("%(indicator)s: %(figure)s %(unit)s, as of %(date)s") % {
        "indicator": indicator.localized_name,
        "figure": statistic.value_display,
        "unit": indicator.localized_unit,
        "date": statistic.as_of_display,
    }
    return Reference(
        key=f"tracker-figure-{statistic.pk}",
        kind="figure",
        title=title,
        language=statistic.original_language,
        publisher=publisher_name(),
        url=url,
        issued=timezone.localdate(statistic.published_at),
        accessed=accessed or timezone.localdate(),
        note=_("reported by %(organization)s")
        % {"organization": statistic.organization.localized_name},
    )


def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def plain_text(reference: Reference) -> str:
    """“Title”. Publisher, note. URL (accessed date)."""
    return _("“%(title)s”. %(publisher)s, %(note)s. %(url)s (accessed %(accessed)s).") % {
        "title": reference.title,
        "publisher": reference.publisher,
        "note": reference.note,
        "url": reference.url,
        "accessed": long_date(reference.accessed),
    }


def apa(reference: Reference) -> str:
    """Publisher. (Year, Month Day). Title [Claim; note]. Retrieved date, from URL"""
    issued = formats.date_format(reference.issued, pgettext("APA reference's date", "Y, F j"))
    accessed = formats.date_format(
        reference.accessed, pgettext("APA reference's retrieval date", "F j, Y")
    )
    return _(
        "%(publisher)s. (%(issued)s). %(title)s [%(label)s; %(note)s]. "
        "Retrieved %(accessed)s, from %(url)s"
    ) % {
        "publisher": reference.publisher,
        "issued": issued,
        "title": reference.title,
        "label": reference.label,
        "note": reference.note,
        "accessed": accessed,
        "url": reference.url,
    }


def bibtex(reference: Reference) -> str:
    """A ``@misc`` entry (biblatex's ``@online`` fields ``url`` and ``urldate`` included)."""
    fields = [
        # Double braces: the publisher is an organisation, not a person's first and last name.
        ("author", "{" + latex(reference.publisher) + "}"),
        ("title", latex(reference.title)),
        ("year", str(reference.issued.year)),
        ("month", None),
        ("howpublished", r"\url{" + reference.url + "}"),
        ("url", reference.url),
        ("urldate", reference.accessed.isoformat()),
        ("note", latex(f"{reference.label}; {reference.note}")),
        ("language", reference.language),
    ]
    lines = [f"@misc{{{reference.key},"]
    for name, value in fields:
        if name == "month":  # a BibTeX macro, not a braced string
            lines.append(f"  month = {BIBTEX_MONTHS[reference.issued.month - 1]},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def latex(text: str) -> str:
    return LATEX.unicode_to_latex(text)


def date_parts(day: datetime.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(reference: Reference) -> list[dict]:
    """The entry as CSL-JSON (Zotero, Pandoc, citeproc): a list of one item."""
    return [
        {
            "id": reference.key,
            "type": "webpage" if reference.kind == "claim" else "dataset",
            "title": reference.title,
            "author": [{"literal": reference.publisher}],
            "publisher": reference.publisher,
            "container-title": reference.publisher,
            "genre": reference.label,
            "note": reference.note,
            "language": reference.language,
            "URL": reference.url,
            "issued": date_parts(reference.issued),
            "accessed": date_parts(reference.accessed),
        }
    ]


def csl_json_text(reference: Reference) -> str:
    return json.dumps(csl_json(reference), ensure_ascii=False, indent=2) + "\n"


def reference_of(entry, url: str, accessed: datetime.date | None = None) -> Reference:
    """The reference of a published claim or figure."""
    if isinstance(entry, Claim):
        return claim_reference(entry, url, accessed)
    return statistic_reference(entry, url, accessed)


@dataclass(frozen=True)
class Citations:
    """Every style of one reference, for the page that offers them."""

    reference: Reference

    @property
    def plain_text(self) -> str:
        return plain_text(self.reference)

    @property
    def apa(self) -> str:
        return apa(self.reference)

    @property
    def bibtex(self) -> str:
        return bibtex(self.reference)

    @property
    def csl_json(self) -> str:
        return csl_json_text(self.reference)
