"""The one place where staff pages check who may see and do what."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from tracker import workflow
from tracker.models import ImportJob


@method_decorator(never_cache, name="dispatch")
class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous users go to the log-in page; users without the role's permission get a 403.

    ``permission_required`` is checked first, then ``has_object_permission`` for pages about
    one object: an object the user may not see answers 404, exactly as a missing one does, so
    that no one learns which ids exist. Staff pages are never cached: they show unpublished
    and private content.
    """

    def has_permission(self) -> bool:
        if not super().has_permission():
            return False
        if not self.has_object_permission():
            raise Http404
        return True

    def has_object_permission(self) -> bool:
        return True


class ReviewerRequiredMixin(StaffPermissionMixin):
    permission_required = workflow.REVIEW_PERMISSION


class OwnerOrReviewerMixin(StaffPermissionMixin):
    def has_object_permission(self) -> bool:
        self.object = self.get_object()
        user = self.request.user
        return workflow.is_owner(self.object, user) or workflow.can_review(user)


class ImportPermissionMixin(StaffPermissionMixin):
    """Contributors and reviewers: whoever may create claims may import them."""

    permission_required = "tracker.add_claim"


class ImportJobOwnerMixin(StaffPermissionMixin):
    """An import job is its uploader's alone: anyone else gets a 404, as for a missing one.

    Its pages are open to whoever holds one of ``job_permissions`` (to import one kind of file
    or another); the job itself decides the rest.
    """

    job_permissions: tuple[str, ...] = ()

    def has_permission(self) -> bool:
        user = self.request.user
        return any(user.has_perm(name) for name in self.job_permissions)

    def get_job(self) -> ImportJob:
        jobs = ImportJob.objects.owned_by(self.request.user).select_related("source")
        return get_object_or_404(jobs, pk=self.kwargs["pk"])
