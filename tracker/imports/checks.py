"""The checks of one row: every cell as the database will take it, and its citations."""

from __future__ import annotations

import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from tracker.countries import country_code, likely_country
from tracker.exports import LINE_SEPARATOR
from tracker.exports import unneutralize as undo_neutralize
from tracker.imports.plan import (
    CITATION_KEYS,
    FALSE_WORDS,
    LIST_SPLIT,
    SURROGATE,
    TEXT_COLUMNS,
    TRUE_WORDS,
    PlannedCitation,
    RowResult,
    model_field,
    shown,
)
from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Location,
    Organization,
    Source,
    Tag,
)
from tracker.models.base import CONTENT_LANGUAGES, ContentLanguage, field_in, truncate_to_precision

# The claim's public texts in both languages: ``title``, ``title_es``, ``summary``...
TEXT_FIELDS = tuple(
    field_in(name, language) for name in Claim.TRANSLATED_FIELDS for language in CONTENT_LANGUAGES
)

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE_NUMBER = re.compile(r"[0-9]+")
# A JSON string, escapes included; what is left once strings are blanked is the structure.
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# A list of objects holding no list or object: checked on the structure before parsing, so a
# cell of thousands of nested brackets is refused without ever being parsed.
FLAT_JSON_LIST = re.compile(r"\s*\[\s*(?:\{[^\[\]{}]*\}\s*(?:,\s*\{[^\[\]{}]*\}\s*)*)?\]\s*")


class Lookups:
    """The existing vocabularies, loaded once per file; sources, once per chunk."""

    def __init__(self):
        self.category_names: dict[int, str] = {}
        self.place_names: dict[int, str] = {}
        self.categories = self._index(
            Category.objects.all(), "slug", "name", names=self.category_names
        )
        self.places = self._index(Location.objects.all(), "slug", "name", names=self.place_names)
        self.organizations = self._index(Organization.objects.all(), "slug", "name")
        self.tags = self._index(Tag.objects.all(), "slug", "name")
        self.countries = frozenset(code for code, _name in countries)
        # Words every row uses, translated once per file rather than once per row.
        self.words = {
            "category": _("category"),
            "tag": _("tag"),
            "citation": _("citation %(number)s: "),
        }
        self.sources_by_url: dict[str, int] = {}
        self.sources_by_title: dict[str, int] = {}

    @staticmethod
    def _index(queryset, *keys, names: dict[int, str] | None = None) -> dict[str, int]:
        """Each record's keys, folded, to its pk; with ``names``, each pk to its name in the
        language of the job's messages (what the dry run says a cell was matched to)."""
        index = {}
        fields = ("name_es",) if names is not None else ()
        spanish = get_language() == ContentLanguage.SPANISH
        for row in queryset.values("pk", *keys, *fields):
            for key in reversed(keys):
                index[str(row[key]).casefold()] = row["pk"]
            if names is not None:
                names[row["pk"]] = (spanish and row["name_es"]) or row["name"]
        return index

    def load_sources(self, urls: set[str], titles: set[str]) -> None:
        urls -= self.sources_by_url.keys()
        titles -= self.sources_by_title.keys()
        if urls:
            matches = Source.objects.filter(url__in=urls).order_by("pk")
            self.sources_by_url.update(matches.values_list("url", "pk"))
        if titles:
            matches = Source.objects.filter(title__in=titles, url="").order_by("pk")
            self.sources_by_title.update(matches.values_list("title", "pk"))


# Cells ------------------------------------------------------------------------------------------


def storable(result: RowResult, column: str, value: str, prefix: str = "") -> bool:
    """Refuse what no database column can hold: NUL characters and lone surrogates."""
    if "\x00" in value:
        result.error(column, prefix + _("Null characters are not allowed."))
        return False
    if SURROGATE.search(value):
        result.error(column, prefix + _("This text holds a character that cannot be stored."))
        return False
    return True


def fits(
    result: RowResult,
    column: str,
    target: models.Field,
    value: str,
    *,
    prefix: str = "",
    invalid_url: str = "",
) -> bool:
    """Run the model field's own validators (length, address), with their own messages."""
    ok = True
    for validator in target.validators:
        try:
            validator(value)
        except ValidationError as error:
            ok = False
            if isinstance(validator, URLValidator) and invalid_url:
                result.error(column, invalid_url)
                continue
            for message in error.messages:
                result.error(column, prefix + message)
    return ok


def split_list(value: str) -> list[str]:
    return [
        item.strip() for item in value.replace("\n", LIST_SPLIT).split(LIST_SPLIT) if item.strip()
    ]


def parse_date(
    result: RowResult, column: str, value: str, prefix: str = ""
) -> datetime.date | None:
    if not value:
        return None
    if DATE_FORMAT.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    result.error(
        column, prefix + _("“%(value)s” is not a date as YYYY-MM-DD.") % {"value": shown(value)}
    )
    return None


def parse_choice(
    result: RowResult, column: str, value: str, choices, default: str, prefix: str = ""
) -> str:
    if not value:
        return default
    if value in choices.values:
        return value
    result.error(
        column,
        prefix
        + _("“%(value)s” is not one of: %(choices)s.")
        % {"value": shown(value), "choices": ", ".join(choices.values)},
    )
    return default


def lookup_many(result: RowResult, column: str, value: str, index: dict, noun: str) -> list[int]:
    ids = []
    for item in split_list(value):
        pk = index.get(item.casefold())
        if pk is None:
            result.error(
                column, _("Unknown %(noun)s “%(item)s”.") % {"noun": noun, "item": shown(item)}
            )
        elif pk not in ids:
            ids.append(pk)
    return ids


# Rows -------------------------------------------------------------------------------------------


def start_row(
    number: int, cells: list[str], header: list[str]
) -> tuple[RowResult, dict, list[tuple[dict, str]]]:
    """A row's cells by column, checked for what no column can store, and its citations."""
    result = RowResult(row=number)
    if len(cells) > len(header):
        result.error("", _("This row has more cells than the header has columns."))
    values = {}
    for i, name in enumerate(header):
        value = undo_neutralize(cells[i].strip()) if i < len(cells) else ""
        values[name] = value if storable(result, name, value) else ""
    return result, values, citation_records(result, values)


def citation_records(result: RowResult, values: dict) -> list[tuple[dict, str]]:
    """The row's citations as (record, column), from the JSON cell or else the source lines."""
    raw = values.get("citations", "")
    if raw:
        return [(record, "citations") for record in parse_citations(result, raw)]
    urls = values.get("source_urls", "").split(LINE_SEPARATOR)
    titles = values.get("source_titles", "").split(LINE_SEPARATOR)
    records = []
    for i in range(max(len(urls), len(titles))):
        url = urls[i].strip() if i < len(urls) else ""
        title = titles[i].strip() if i < len(titles) else ""
        if url or title:
            records.append(({"source_url": url, "source_title": title}, "lines"))
    return records


def parse_citations(result: RowResult, raw: str) -> list[dict]:
    """The ``citations`` cell as a list of flat objects; the structure is checked first."""
    not_a_list = _("This cell is not the JSON list that the export writes.")
    if not FLAT_JSON_LIST.fullmatch(JSON_STRING.sub('""', raw)):
        result.error("citations", not_a_list)
        return []
    try:
        records = json.loads(raw)
    except (ValueError, RecursionError):
        result.error("citations", not_a_list)
        return []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        result.error("citations", not_a_list)
        return []
    return records


def check_row(
    result: RowResult, values: dict, records: list[tuple[dict, str]], lookups: Lookups
) -> None:
    language = parse_choice(
        result,
        "original_language",
        values.get("original_language", ""),
        ContentLanguage,
        ContentLanguage.ENGLISH,
    )
    title_column, summary_column = TEXT_COLUMNS[language]
    other_title = TEXT_COLUMNS["es" if language == "en" else "en"][0]
    result.language = language
    result.title = values.get(title_column, "")
    result.translated = bool(values.get(other_title))
    if not result.title and not has_error(result, title_column):
        result.error(title_column, _("A title is required."))
    if not values.get(summary_column) and not has_error(result, summary_column):
        result.error(summary_column, _("A summary of what happened is required."))
    for name in TEXT_FIELDS:
        if values.get(name):
            fits(result, name, model_field(Claim, name), values[name])
    given = values.get("country", "")
    country = given.upper()
    if country not in lookups.countries:
        # A country's name, in English or Spanish, is read as its code: "EL SALVADOR" is SV.
        country = country_code(given) or ""
        if not country:
            result.error("country", unknown_country(given))
    location_id = None
    if values.get("place"):
        location_id = lookups.places.get(values["place"].casefold())
        if location_id is None:
            result.error("place", _("Unknown place “%(item)s”.") % {"item": shown(values["place"])})
        else:
            result.place_name = lookups.place_names[location_id]
    ongoing = values.get("ongoing", "").casefold()
    if ongoing not in TRUE_WORDS | FALSE_WORDS:
        result.error("ongoing", _("Write true or false."))
    precision = parse_choice(
        result, "date_precision", values.get("date_precision", ""), DatePrecision, DatePrecision.DAY
    )
    start = parse_date(result, "event_start", values.get("event_start", ""))
    end = parse_date(result, "event_end", values.get("event_end", ""))
    check_date_range(result, start, end, precision)
    result.claim = {
        **{name: values.get(name, "") for name in TEXT_FIELDS},
        "original_language": language,
        "country": country,
        "location_id": location_id,
        "event_start": start,
        "event_end": end,
        "ongoing": ongoing in TRUE_WORDS,
        "date_precision": precision,
        "victim_count": parse_victim_count(result, values.get("victim_count", "")),
    }
    words = lookups.words
    result.category_ids = lookup_many(
        result, "categories", values.get("categories", ""), lookups.categories, words["category"]
    )
    result.category_names = [lookups.category_names[pk] for pk in result.category_ids]
    result.tag_ids = lookup_many(result, "tags", values.get("tags", ""), lookups.tags, words["tag"])
    for number, (record, column) in enumerate(records, start=1):
        check_citation(result, number, record, column, lookups)
    seen = set()
    for citation in result.citations:
        key = (citation.source_id or citation.source_key, citation.locator)
        if key in seen:
            result.error("citations", _("The same source and locator are cited twice."))
        seen.add(key)


def unknown_country(given: str) -> str:
    """Why a country cell was refused, with the code it most likely meant."""
    likely = likely_country(given)
    if likely is None:
        return _("“%(value)s” is not a country code.") % {"value": shown(given)}
    return _("“%(value)s” is not a country code: did you mean %(code)s (%(name)s)?") % {
        "value": shown(given),
        "code": likely,
        "name": countries.name(likely),
    }


def has_error(result: RowResult, column: str) -> bool:
    return any(error.column == column for error in result.errors)


def check_date_range(
    result: RowResult, start: datetime.date | None, end: datetime.date | None, precision: str
) -> None:
    """The database's own rule: an end needs a start and is not before it, at its precision."""
    if end is None:
        return
    if start is None:
        result.error("event_end", _("An end date needs a start date."))
        return
    if truncate_to_precision(end, precision) < truncate_to_precision(start, precision):
        result.error("event_end", _("The end date is before the start date."))


def parse_victim_count(result: RowResult, value: str) -> int | None:
    if not value:
        return None
    if not WHOLE_NUMBER.fullmatch(value):
        result.error("victim_count", _("Write a whole number, zero or more."))
        return None
    number = int(value)
    target = model_field(Claim, "victim_count")
    for validator in target.validators:
        try:
            validator(number)
        except ValidationError as error:
            for message in error.messages:
                result.error("victim_count", message)
            return None
    return number


def check_citation(
    result: RowResult, number: int, record: dict, column: str, lookups: Lookups
) -> None:
    """One cited source: its keys, its values as the source and citation columns take them."""
    from_lines = column == "lines"
    prefix = "" if from_lines else lookups.words["citation"] % {"number": number}
    unknown = sorted(shown(key) for key in record if key not in CITATION_KEYS)
    if unknown:
        result.error(
            column,
            prefix
            + _("Unknown keys: %(keys)s. The keys are those the export writes: %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(CITATION_KEYS))},
        )
        return

    def text(key: str) -> str:
        value = record.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            result.error(column, prefix + _("“%(key)s” must be text.") % {"key": key})
            return ""
        value = undo_neutralize(str(value).strip())
        return value if storable(result, column, value, f"{prefix}{key}: ") else ""

    confidential = record.get("confidential", False)
    if not isinstance(confidential, bool):
        result.error(column, prefix + _("“confidential” must be true or false."))
        return
    if confidential:
        result.warnings.append(
            _("A citation of a confidential source is not in the file and was left out.")
        )
        return
    url, title = text("source_url"), text("source_title")
    url_column = "source_urls" if from_lines else column
    title_column = "source_titles" if from_lines else column
    locator = text("locator")
    if locator:
        fits(result, column, model_field(Citation, "locator"), locator, prefix=f"{prefix}locator: ")
    stance = parse_choice(result, column, text("stance"), Citation.Stance, "supports", prefix)
    if url:
        invalid = prefix + _("“%(url)s” is not a web address.") % {"url": shown(url)}
        if not fits(
            result, url_column, model_field(Source, "url"), url, prefix=prefix, invalid_url=invalid
        ):
            return
        source_id = lookups.sources_by_url.get(url)
    elif title:
        source_id = lookups.sources_by_title.get(title)
    else:
        result.error(column, prefix + _("Each cited source needs a URL or a title."))
        return
    new_source = {"url": url, "title": title}
    if source_id is None:
        new_source = check_new_source(
            result, record, text, url=url, title=title, column=column, prefix=prefix
        )
        if new_source is None:
            return
        if new_source["title"]:
            fits(
                result,
                title_column,
                model_field(Source, "title"),
                title,
                prefix=f"{prefix}source_title: ",
            )
        org_slug = text("source_organization")
        if org_slug:
            new_source["organization_id"] = lookups.organizations.get(org_slug.casefold())
            if new_source["organization_id"] is None:
                result.error(
                    column,
                    prefix + _("Unknown organisation “%(item)s”.") % {"item": shown(org_slug)},
                )
    result.citations.append(
        PlannedCitation(
            quote=text("quote"),
            locator=locator,
            stance=stance,
            source_id=source_id,
            new_source=new_source,
        )
    )


def check_new_source(
    result: RowResult, record: dict, text, *, url: str, title: str, column: str, prefix: str
) -> dict | None:
    """The details of a source that the import will create, checked as its columns take them."""
    if not title:
        result.error(
            "source_titles" if column == "lines" else column,
            prefix + _("A new source needs a title: %(url)s") % {"url": shown(url)},
        )
        return None
    archived_url = text("source_archived_url")
    if archived_url:
        fits(
            result,
            column,
            model_field(Source, "archived_url"),
            archived_url,
            prefix=f"{prefix}source_archived_url: ",
            invalid_url=prefix
            + _("“%(url)s” is not a web address.") % {"url": shown(archived_url)},
        )
    author = text("source_author")
    if author:
        fits(
            result, column, model_field(Source, "author"), author, prefix=f"{prefix}source_author: "
        )
    return {
        "title": title,
        "url": url,
        "archived_url": archived_url,
        "kind": parse_choice(
            result, column, text("source_kind"), Source.Kind, Source.Kind.OTHER, prefix
        ),
        "organization_id": None,
        "author": author,
        "published_on": parse_date(result, column, text("source_published_on"), prefix),
        "published_precision": parse_choice(
            result,
            column,
            text("source_published_precision"),
            DatePrecision,
            DatePrecision.DAY,
            prefix,
        ),
        "language": parse_choice(
            result, column, text("source_language"), Source.Language, "en", prefix
        ),
    }
