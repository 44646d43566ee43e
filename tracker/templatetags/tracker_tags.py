from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tracker.models import Qualifier, VerificationGrade
from tracker.models.base import ContentLanguage, LocalizedText, localized_text

register = template.Library()


@register.simple_tag
def grade_badge(entry) -> str:
    """Show an entry's verification grade as a badge with its definition.

    Built here rather than by a template: lists and figure tables show one per row."""
    grade = VerificationGrade(entry.verification)
    return format_html(
        '<span class="badge badge-{}" title="{}">{}</span>',
        grade.value,
        grade.definition,
        grade.label,
    )


@register.filter
def grade_label(value: str) -> str:
    """The translated label of a verification grade value."""
    return VerificationGrade(value).label if value in VerificationGrade.values else value


def source_cite(source) -> str:
    """A source as a citation names it: a confidential one only as such (never its title,
    address, organisation or date); a public one linked, with its organisation, date, original
    address and archived copy."""
    if source.confidential:
        return format_html('<span class="confidential">{}</span>', capfirst(source.public_title))
    parts = [
        format_html(
            '<a href="{}"{}>{}</a>', source.get_absolute_url(), source_lang(source), source.title
        )
    ]
    if source.organization:
        name = source.organization.localized_name
        parts.append(
            format_html(
                '<a href="{}"{}>{}</a>',
                source.organization.get_absolute_url(),
                lang_attr(name),
                name,
            )
        )
    if source.published_on:
        parts.append(conditional_escape(source.published_display))
    for address, words in ((source.url, _("original")), (source.archived_url, _("archived copy"))):
        if address:
            parts.append(
                format_html(
                    '<a href="{}" rel="noopener noreferrer external">{}</a>', address, words
                )
            )
    return mark_safe(" · ".join(parts))


register.simple_tag(source_cite)


# The cells of a table of figures, by column: each the contents of one figure's cell.
def as_of_cell(statistic) -> str:
    if not statistic.period_start:
        return conditional_escape(statistic.as_of_display)
    counted = _("counted from %(start)s") % {
        "start": conditional_escape(statistic.period_start_display)
    }
    # As a template's blocktranslate: the sentence is the translator's, the date escaped.
    return format_html(
        '{}<br><span class="note">{}</span>', statistic.as_of_display, mark_safe(counted)
    )


def indicator_cell(statistic, at_place: bool = False) -> str:
    indicator = statistic.indicator
    cell = format_html(
        '<a href="{}">{}</a>', indicator.get_absolute_url(), indicator.localized_name
    )
    if at_place and statistic.location:
        place = statistic.location.localized_name
        cell += format_html('<br><span class="note"{}>{}</span>', lang_attr(place), place)
    return cell


def reported_by_cell(statistic) -> str:
    organization = statistic.organization
    name = organization.localized_name
    return format_html(
        '<a href="{}"{}>{}</a>', organization.get_absolute_url(), lang_attr(name), name
    )


def figure_cell(statistic) -> str:
    cell = format_html(
        '<a href="{}">{}</a> <span class="note">{}</span>',
        statistic.get_absolute_url(),
        statistic.value_display,
        statistic.indicator.localized_unit,
    )
    note = statistic.localized("note")
    if note:
        cell += format_html(' <span class="note"{}>({})</span>', lang_attr(note), note)
    if statistic.corrected_at:
        cell += format_html(' <span class="corrected">{}</span>', _("Corrected"))
    return cell


def qualifier_cell(statistic) -> str:
    # The choice's label read directly: ``get_qualifier_display`` hashes every choice's lazy
    # label on each call.
    value = statistic.qualifier
    return conditional_escape(Qualifier(value).label if value in Qualifier.values else value)


# Each column: its heading, its cell and the relations of a figure it reads (joined by
# ``with_figure_relations``). Built here rather than in a template: the indicator page shows 25 rows
# of six columns, and a template's test of every column name in every cell took longer than
# the page's queries.
FIGURE_COLUMNS = {
    "as_of": (_("As of"), as_of_cell, ()),
    "indicator": (_("Indicator"), indicator_cell, ("indicator",)),
    "indicator_at_place": (
        _("Indicator"),
        lambda statistic: indicator_cell(statistic, True),
        ("indicator", "location"),
    ),
    "reported_by": (_("Reported by"), reported_by_cell, ("organization",)),
    "figure": (_("Figure"), figure_cell, ("indicator",)),
    "qualifier": (_("Qualifier"), qualifier_cell, ()),
    "source": (
        _("Source"),
        lambda statistic: source_cite(statistic.source),
        ("source__organization",),
    ),
    "grade": (_("Grade"), grade_badge, ()),
}


def with_figure_relations(figures, columns: str):
    """``figures`` (a queryset) joined to what a table of these columns reads of each figure,
    and to nothing else: a page whose table shows fewer columns than the figures list joins
    fewer tables."""
    relations = {relation for name in columns.split() for relation in FIGURE_COLUMNS[name][2]}
    figures = figures.select_related(None)
    # Only with names: ``select_related()`` without any joins every relation.
    return figures.select_related(*sorted(relations)) if relations else figures


def figure_rows(statistics, names: list[str]):
    """Each figure's row: its first cell a header naming the row, each labelled by its column
    (the label a narrow screen shows beside it)."""
    columns = []
    for number, name in enumerate(names):
        label, cell, _reads = FIGURE_COLUMNS[name]
        tag = "th" if number == 0 else "td"
        scope = ' scope="row"' if number == 0 else ""
        # Each column's label translated once for the table, not once for each of its cells.
        columns.append(
            (format_html('<{}{} data-label="{}">', tag, mark_safe(scope), label), cell, f"</{tag}>")
        )
    for statistic in statistics:
        yield mark_safe("".join(f"{start}{cell(statistic)}{end}" for start, cell, end in columns))


@register.inclusion_tag("tracker/includes/figures_table.html")
def figures_table(statistics, columns: str, caption: str, empty: str = "", table_id: str = ""):
    """A table of figures with the named columns, in that order; the first names each row."""
    names = columns.split()
    unknown = set(names) - set(FIGURE_COLUMNS)
    if unknown:
        raise template.TemplateSyntaxError(f"figures_table: unknown columns {sorted(unknown)}")
    return {
        "rows": figure_rows(statistics, names),
        "columns": [FIGURE_COLUMNS[name][0] for name in names],
        "caption": caption,
        "empty": empty,
        "table_id": table_id,
    }


@register.simple_tag
def chart_table_rows(series: list[dict]) -> str:
    """The rows of an indicator chart's figures as a table: one per point (up to some 400),
    by organisation and date. Built here: a template's loop over them was most of the 10 ms
    the indicator's figures took to render."""
    organisation, as_of, figure = (
        str(label) for label in (_("Organisation"), _("As of"), _("Figure"))
    )
    return format_html_join(
        "\n",
        '<tr><th scope="row" data-label="{}">{}</th><td data-label="{}">{}</td>'
        '<td data-label="{}">{}</td></tr>',
        (
            (organisation, line["label"], as_of, point["date"], figure, point["text"])
            for line in series
            for point in line["points"]
        ),
    )


@register.simple_tag(takes_context=True)
def language_links(context) -> str:
    """This page's canonical address in the reader's language, and its address in every other
    language: each answers 200, where the address without a language redirects."""
    request = context.get("request")
    if request is None:
        return ""
    links = [format_html('<link rel="canonical" href="{}">', request.build_absolute_uri())]
    path = request.path
    for code, _name in settings.LANGUAGES:
        links.append(
            format_html(
                '<link rel="alternate" hreflang="{}" href="{}">',
                code,
                request.build_absolute_uri(translate_url(path, code)),
            )
        )
    return mark_safe("\n  ".join(links))


# Notices of an entry whose texts are not (all) in the reader's language, by the language the
# entry was written in.
ONLY_IN = {
    ContentLanguage.ENGLISH: _("Only in English"),
    ContentLanguage.SPANISH: _("Only in Spanish"),
}
TRANSLATED_FROM = {
    ContentLanguage.ENGLISH: _("Translated from English"),
    ContentLanguage.SPANISH: _("Translated from Spanish"),
}
PARTLY_TRANSLATED_FROM = {
    ContentLanguage.ENGLISH: _("Partly translated from English"),
    ContentLanguage.SPANISH: _("Partly translated from Spanish"),
}


@register.filter
def localized(entry, name: str) -> LocalizedText:
    """Text ``name`` of an entry (or of a ``values()`` row) in the reader's language when it
    has one, else as written; its ``lang`` says which."""
    if isinstance(entry, dict):
        return localized_text({"en": entry.get(name) or "", "es": entry.get(f"{name}_es") or ""})
    return entry.localized(name)


@register.filter
def lang_attr(text) -> str:
    """`` lang="xx"`` for a text that is not in the reader's language, else nothing."""
    if isinstance(text, LocalizedText) and text.is_foreign:
        return format_html(' lang="{}"', text.lang)
    return ""


@register.filter
def in_lang(text) -> str:
    """The text, in a ``<span lang="xx">`` when it is not in the reader's language."""
    if isinstance(text, LocalizedText) and text.is_foreign:
        return format_html('<span lang="{}">{}</span>', text.lang, text)
    return conditional_escape(text)


@register.filter
def source_lang(source) -> str:
    """`` lang="xx"`` for a source's own words (its title, a quote), in the language it has."""
    language = getattr(source, "language", "")
    if language in ContentLanguage.values:
        return format_html(' lang="{}"', language)
    return ""


@register.simple_tag(takes_context=True)
def language_notice(context, entry, compact: bool = False) -> str:
    """Say when an entry is shown in another language than the reader's, or translated into
    it: "Only in English", or "Translated from Spanish — see the original" with a link to the
    page in the language it was written in. ``compact`` (a card in a list): the words alone.

    Built here rather than by a template: every card of a list shows one."""
    state = entry.translation_state()
    original = entry.written_in
    notice = {
        "untranslated": ONLY_IN,
        "translated": TRANSLATED_FROM,
        "partly": PARTLY_TRANSLATED_FROM,
    }.get(state, {})
    text = notice.get(original, "")
    if not text:
        return ""
    if compact:
        return format_html('<span class="language-notice">{}</span>', text)
    request = context.get("request")
    if state == "untranslated" or request is None:
        return format_html('<p class="language-notice" role="note">{}</p>', text)
    return format_html(
        '<p class="language-notice" role="note">{} — <a href="{}" hreflang="{}">{}</a></p>',
        text,
        translate_url(request.path, original),
        original,
        _("see the original"),
    )
