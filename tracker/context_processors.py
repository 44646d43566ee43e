"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from tracker import workflow
from tracker.selectors import awaiting_review_count


def review_queue(request):
    """How many items await review, counted only when a reviewer's page shows it."""
    user = getattr(request, "user", None)
    if not workflow.can_review(user):
        return {"review_count": None}
    return {"review_count": SimpleLazyObject(awaiting_review_count)}
