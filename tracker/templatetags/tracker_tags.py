from django import template

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
