"""Labels for the staff pages: moderation states and recorded actions in words."""

from django import template
from django.utils.translation import pgettext_lazy

from tracker.models import ModerationStatus, VerificationGrade

register = template.Library()

ACTION_LABELS = {
    "create": pgettext_lazy("history event", "created"),
    "edit": pgettext_lazy("history event", "edited"),
    "submit": pgettext_lazy("history event", "submitted for review"),
    "retract_submission": pgettext_lazy("history event", "took the submission back"),
    "approve": pgettext_lazy("history event", "approved"),
    "request_changes": pgettext_lazy("history event", "requested changes"),
    "reject": pgettext_lazy("history event", "rejected"),
    "withdraw": pgettext_lazy("history event", "withdrew"),
    "set_verification": pgettext_lazy("history event", "changed the grade"),
    "propose_revision": pgettext_lazy("history event", "proposed a correction"),
    "approve_revision": pgettext_lazy("history event", "approved a correction"),
    "reject_revision": pgettext_lazy("history event", "rejected a correction"),
    "receive_tip": pgettext_lazy("history event", "received from the public"),
    "from_tip": pgettext_lazy("history event", "written from a tip from the public"),
    "tips_kept_apart": pgettext_lazy("history event", "set aside: tips are kept in the tip inbox"),
    "load": pgettext_lazy("history event", "loaded"),
    "publish_trusted": pgettext_lazy("history event", "published from reviewed data"),
}


@register.filter
def state_label(value: str) -> str:
    """A moderation status or verification grade in words."""
    labels = {**dict(ModerationStatus.choices), **dict(VerificationGrade.choices)}
    return labels.get(value, value)


@register.filter
def action_label(value: str) -> str:
    return ACTION_LABELS.get(value, value)
