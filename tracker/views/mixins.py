"""The one place where staff pages check who may see and do what."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from tracker import workflow


@method_decorator(never_cache, name="dispatch")
class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous users go to the login page; users without the permission get a 403.

    ``permission_required`` is checked first, then ``has_object_permission`` for pages about
    one object. Staff pages are never cached: they show unpublished and private content.
    """

    def has_permission(self) -> bool:
        return super().has_permission() and self.has_object_permission()

    def has_object_permission(self) -> bool:
        return True


class ReviewerRequiredMixin(StaffPermissionMixin):
    permission_required = workflow.REVIEW_PERMISSION


class OwnerOrReviewerMixin(StaffPermissionMixin):
    def has_object_permission(self) -> bool:
        self.object = self.get_object()
        user = self.request.user
        return workflow.is_owner(self.object, user) or workflow.can_review(user)
