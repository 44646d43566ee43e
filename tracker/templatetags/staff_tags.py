"""Labels for the staff pages: moderation states and recorded actions in words."""

from django import template
from django.utils.translation import gettext_lazy as _

from tracker.models import ModerationStatus, VerificationGrade

register = template.Library()

ACTION_LABELS = {
    "create": _("created"),
    "edit": _("edited"),
    "submit": _("submitted for review"),
    "retract_submission": _("took the submission back"),
    "approve": _("approved"),
    "request_changes": _("requested changes"),
    "reject": _("rejected"),
    "withdraw": _("withdrew"),
    "set_verification": _("changed the grade"),
    "propose_revision": _("proposed a correction"),
    "approve_revision": _("approved a correction"),
    "reject_revision": _("rejected a correction"),
    "receive_tip": _("received from the public"),
    "load": _("loaded"),
    "publish_trusted": _("published from reviewed data"),
}


@register.filter
def state_label(value: str) -> str:
    """A moderation status or verification grade in words."""
    labels = {**dict(ModerationStatus.choices), **dict(VerificationGrade.choices)}
    return labels.get(value, value)


@register.filter
def action_label(value: str) -> str:
    return ACTION_LABELS.get(value, value)
