from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tracker.models import VerificationGrade

register = template.Library()


@register.inclusion_tag("tracker/includes/grade_badge.html")
def grade_badge(entry):
    """Show an entry's verification grade as a badge with its definition."""
    grade = VerificationGrade(entry.verification)
    return {"grade": grade, "label": grade.label, "definition": grade.definition}


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
