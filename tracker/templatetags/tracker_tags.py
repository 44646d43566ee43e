from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tracker.models import VerificationGrade
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


FIGURE_COLUMNS = {
    "as_of": _("As of"),
    "indicator": _("Indicator"),
    "indicator_at_place": _("Indicator"),
    "reported_by": _("Reported by"),
    "figure": _("Figure"),
    "qualifier": _("Qualifier"),
    "source": _("Source"),
    "grade": _("Grade"),
}


@register.inclusion_tag("tracker/includes/figures_table.html")
def figures_table(statistics, columns: str, caption: str, empty: str = "", table_id: str = ""):
    """A table of figures with the named columns, in that order; the first names each row."""
    names = columns.split()
    unknown = set(names) - set(FIGURE_COLUMNS)
    if unknown:
        raise template.TemplateSyntaxError(f"figures_table: unknown columns {sorted(unknown)}")
    return {
        "statistics": statistics,
        "columns": [(name, FIGURE_COLUMNS[name]) for name in names],
        "caption": caption,
        "empty": empty,
        "table_id": table_id,
    }


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
