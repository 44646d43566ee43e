"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from tracker import moderation


def review_queue(request):
    """How many items await review, counted only when a reviewer's page shows it."""
    user = getattr(request, "user", None)
    if not moderation.can_review(user):
        return {"review_count": None}
    return {"review_count": SimpleLazyObject(moderation.awaiting_review_count)}
