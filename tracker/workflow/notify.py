"""E-mail about decisions, sent only once the decision is committed.

Subjects never carry text that a user wrote (a title, a tip): only the kind of item and its
number, so that no newline or header can be smuggled into a message's headers. A failure to
send is logged and never undoes or hides a decision that has been committed.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.workflow.permissions import REVIEW_PERMISSION

logger = logging.getLogger(__name__)


def after_commit(function, *args) -> None:
    """Run ``function`` once the transaction commits; an error there is logged, not raised."""
    transaction.on_commit(lambda: function(*args), robust=True)


def reviewer_addresses() -> list[str]:
    app_label, codename = REVIEW_PERMISSION.split(".")
    has_perm = (
        Q(groups__permissions__codename=codename)
        & Q(groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename)
        & Q(user_permissions__content_type__app_label=app_label)
        | Q(is_superuser=True)
    )
    return sorted(
        set(
            get_user_model()
            .objects.filter(has_perm, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def item_label(item: models.Model) -> str:
    """'claim #12', 'pending revision #3': the kind and number of an item, no user text."""
    return f"{item._meta.verbose_name} #{item.pk}"


def notify_reviewers(item: models.Model) -> None:
    """Tell reviewers that something new awaits review."""
    recipients = reviewer_addresses()
    if not recipients:
        return
    send_mail(
        _("New in the review queue: %(item)s") % {"item": item_label(item)},
        _("Something new awaits review in the claim tracker: %(item)s.")
        % {"item": item_label(item)},
        None,
        recipients,
    )


def notify_tip_received(tip: models.Model) -> None:
    """Tell staff that a tip arrived, without a word of it: tips stay in the tip inbox."""
    recipients = reviewer_addresses()
    if not recipients:
        return
    send_mail(
        _("A tip from the public arrived: %(item)s") % {"item": item_label(tip)},
        _("A new tip from the public is in the tip inbox of the claim tracker: %(item)s.")
        % {"item": item_label(tip)},
        None,
        recipients,
    )


DECISION_LABELS = {
    "approve": gettext_lazy("approved and published"),
    "request_changes": gettext_lazy("sent back for changes"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn from the public site"),
    "approve_revision": gettext_lazy("revision approved"),
    "reject_revision": gettext_lazy("revision rejected"),
}


def notify_author(entry: models.Model, action: str, comment: str, author=None) -> None:
    """Tell the author of an entry (or of a revision) what the reviewer decided."""
    author = author or entry.created_by
    if author is None or not author.email:
        return
    body = _("Your entry “%(entry)s” (%(item)s) was %(decision)s.") % {
        "entry": str(entry),
        "item": item_label(entry),
        "decision": DECISION_LABELS[action],
    }
    if comment:
        body += "\n\n" + _("The reviewer wrote:") + "\n" + comment
    send_mail(_("Decision on %(item)s") % {"item": item_label(entry)}, body, None, [author.email])
