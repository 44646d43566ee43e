"""The workspace's sources and organisations: lists to reuse them, the forms to enter and
edit them through the workflow, and a source's stored file for those who may see it."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, UpdateView, View

from tracker import workflow
from tracker.evidence import SERVED_FILE_POLICY, download_name, sniff_evidence_type
from tracker.filters import SEARCH_MAX_LENGTH, search_problem
from tracker.forms import OrganizationForm, SourceForm
from tracker.models import Organization, Revision, Source
from tracker.models.base import normalize_search_text
from tracker.models.sources import sha256_of
from tracker.views.mixins import StaffPermissionMixin


class SourceListView(StaffPermissionMixin, ListView):
    """The sources on file, for reuse: everyone's but other people's confidential ones."""

    permission_required = "tracker.view_source"
    template_name = "tracker/workspace/source_list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_queryset(self):
        sources = (
            workflow.visible_sources(self.request.user)
            .select_related("organization")
            .order_by("title", "pk")
        )
        query = self.request.GET.get("q", "").strip()
        self.notices = []
        if query and (problem := search_problem(query)):
            self.notices.append(problem)
        elif query:
            sources = sources.filter(search_text__contains=normalize_search_text(query))
        return sources

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notices=self.notices, search_max_length=SEARCH_MAX_LENGTH, **kwargs
        )


class OrganizationListView(StaffPermissionMixin, ListView):
    permission_required = "tracker.view_organization"
    template_name = "tracker/workspace/organization_list.html"
    context_object_name = "organizations"
    paginate_by = 100
    queryset = Organization.objects.order_by("name")


class RecordFormMixin(StaffPermissionMixin):
    """Create or edit a source or organisation through the workflow, without losing the edit.

    A record that published entries use is changed through a pending revision; only its
    creator and reviewers see its private notes; a confidential source is theirs alone.
    """

    template_name = "tracker/workspace/record_form.html"

    def get_permission_required(self):
        action = "change" if "pk" in self.kwargs else "add"
        return [f"tracker.{action}_{self.model._meta.model_name}"]

    def has_object_permission(self) -> bool:
        if "pk" not in self.kwargs:
            return True
        record = self.get_object()
        return workflow.can_edit_record(record, self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        record = kwargs.get("instance")
        kwargs["show_private"] = record is None or workflow.can_see_private(record, user)
        if self.model is Source:
            kwargs["can_clear_confidential"] = workflow.can_review(user)
        return kwargs

    def get_context_data(self, **kwargs):
        record = getattr(self, "object", None)
        return super().get_context_data(
            model_name=self.model._meta.verbose_name,
            in_public_use=bool(record and workflow.is_used_publicly(record)),
            pending=bool(record and Revision.objects.pending_for(record).exists()),
            history=workflow.history(record)
            if record and workflow.can_see_private(record, self.request.user)
            else [],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            if self.object is None:
                record = form.save(commit=False)  # a new file's hash is taken as it is saved
                self.object = workflow.create_record(record, by=self.request.user)
                messages.success(self.request, _("Saved."))
                return HttpResponseRedirect(self.get_success_url())
            data = form.entry_data()
            if self.model is Source and "file" in form.changed_data:
                upload = form.cleaned_data["file"]
                data["fields"].update(store_file(upload, form.instance.original_name))
            result = workflow.edit_record(
                self.object,
                by=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                data=data,
                rationale=form.cleaned_data.get("rationale", ""),
            )
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if isinstance(result, Revision):
            messages.success(
                self.request,
                _("Published entries use it: your change awaits review by a second person."),
            )
        else:
            messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse(
            f"workspace:{self.model._meta.model_name}_edit", kwargs={"pk": self.object.pk}
        )


def store_file(upload, original_name: str) -> dict:
    """Keep a newly uploaded file in storage now; the edit carries its stored name and SHA-256.

    Files are stored under random names and never overwritten, so the file a pending revision
    names is still there when a reviewer approves it, and the previous one stays on record.
    """
    if not upload:  # the "clear" box: the edit removes the file from the source
        return {"file": "", "sha256": "", "original_name": ""}
    digest = sha256_of(upload)
    name = Source._meta.get_field("file").generate_filename(None, upload.name)
    return {
        "file": default_storage.save(name, upload),
        "sha256": digest,
        "original_name": original_name,
    }


class SourceCreateView(RecordFormMixin, CreateView):
    model = Source
    form_class = SourceForm


class SourceUpdateView(RecordFormMixin, UpdateView):
    model = Source
    form_class = SourceForm


class OrganizationCreateView(RecordFormMixin, CreateView):
    model = Organization
    form_class = OrganizationForm


class OrganizationUpdateView(RecordFormMixin, UpdateView):
    model = Organization
    form_class = OrganizationForm


class SourceFileView(StaffPermissionMixin, View):
    """Serve a source's file to the staff who may see the source, as a download that browsers
    never render inline.

    The type is read from the file's first bytes, so a file stored before uploads were checked
    is served as what it is, or as plain bytes, never as the type its name suggests.
    """

    permission_required = "tracker.view_source"

    def has_object_permission(self) -> bool:
        self.source = get_object_or_404(Source, pk=self.kwargs["pk"])
        return workflow.can_see_record(self.source, self.request.user)

    def get(self, request, pk):
        source = self.source
        if not source.file:
            raise Http404
        try:
            handle = source.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        kind = sniff_evidence_type(handle)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=download_name(source.original_name or source.file.name, kind),
            content_type=kind.content_type if kind else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = SERVED_FILE_POLICY
        response["Cache-Control"] = "private, no-store"
        return response
