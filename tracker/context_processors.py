"""Template context shared by every page."""

from functools import partial

from django.utils.functional import SimpleLazyObject

from tracker import workflow
from tracker.data_license import data_license as current_data_license
from tracker.selectors import awaiting_review_count, new_tip_count


def review_queue(request):
    """What awaits the user, counted only when a staff page shows it.

    A reviewer's count leaves out what they may not decide themselves (their own entries).
    """
    user = getattr(request, "user", None)
    context = {"review_count": None, "tip_count": None}
    if workflow.can_review(user):
        context["review_count"] = SimpleLazyObject(partial(awaiting_review_count, user))
    if user is not None and user.is_authenticated and user.has_perm("tracker.view_tip"):
        context["tip_count"] = SimpleLazyObject(new_tip_count)
    return context


def data_license(request):
    """The data's licence, for the footer and the open-data page."""
    return {"data_license": current_data_license()}
