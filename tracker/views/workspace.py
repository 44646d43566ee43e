"""The contributors' workspace: their entries, and the forms to enter and edit them."""

from collections import defaultdict

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, TemplateView, UpdateView, View
from django.views.generic.detail import SingleObjectMixin

from tracker import moderation
from tracker.evidence import SERVED_FILE_POLICY, download_name, sniff_evidence_type
from tracker.filters import SEARCH_MAX_LENGTH, search_problem
from tracker.forms import (
    CitationFormSet,
    ClaimForm,
    OrganizationForm,
    SourceForm,
    StatisticForm,
    citation_initial,
)
from tracker.models import Claim, ModerationStatus, Organization, Revision, Source, Statistic
from tracker.models.base import normalize_search_text
from tracker.selectors import likely_duplicates
from tracker.views.mixins import OwnerOrReviewerMixin, StaffPermissionMixin


class HomeView(StaffPermissionMixin, TemplateView):
    """My entries grouped by state, with counts."""

    permission_required = "tracker.add_claim"
    template_name = "tracker/workspace/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        entries = list(Claim.objects.owned_by(user).order_by("-updated_at", "-pk"))
        entries += list(
            Statistic.objects.owned_by(user).select_related("indicator").order_by("-updated_at")
        )
        by_status = defaultdict(list)
        for entry in entries:
            kind = entry._meta.model_name
            by_status[entry.status].append(
                {
                    "entry": entry,
                    "edit_url": reverse(f"workspace:{kind}_edit", args=[entry.pk]),
                    "submit_url": reverse(f"workspace:{kind}_submit", args=[entry.pk]),
                    "retract_url": reverse(f"workspace:{kind}_retract", args=[entry.pk]),
                }
            )
        context["groups"] = [
            {"status": status, "label": label, "entries": by_status.get(status, [])}
            for status, label in ModerationStatus.choices
        ]
        context["revisions"] = (
            Revision.objects.filter(created_by=user, status=Revision.Status.PENDING)
            .select_related("content_type")
            .prefetch_related("entry")
        )
        return context


class EntryFormView(StaffPermissionMixin, SingleObjectMixin, TemplateView):
    """Create or edit a claim or figure; the workflow decides whether an edit waits for review."""

    form_class = ClaimForm
    with_citations = True
    template_name = "tracker/workspace/entry_form.html"

    def get_permission_required(self):
        label = self.model._meta.model_name
        return [f"tracker.{'change' if 'pk' in self.kwargs else 'add'}_{label}"]

    def has_object_permission(self) -> bool:
        self.object = self.get_object() if "pk" in self.kwargs else None
        return self.object is None or moderation.can_edit(self.object, self.request.user)

    def get_forms(self, data=None):
        form = self.form_class(data=data, instance=self.object)
        formset = None
        if self.with_citations:
            initial = citation_initial(self.object) if self.object else None
            formset = CitationFormSet(data=data, initial=initial, prefix="citations")
        return form, formset

    def get(self, request, *args, **kwargs):
        return self.render(*self.get_forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.get_forms(request.POST)
        if formset is not None and "search_sources" in request.POST:
            problem = formset.narrow_sources(request.POST.get("source_query", ""))
            return self.render(form, formset, searched=problem is None, search_problem=problem)
        if not (form.is_valid() and (formset is None or formset.is_valid())):
            return self.render(form, formset)
        data = form.entry_data()
        if formset is not None:
            data["citations"] = formset.rows()
        try:
            if self.object is None:
                entry = form.save(commit=False)
                entry = moderation.create_entry(entry, by=request.user, relations=data)
                messages.success(request, _("Draft saved. Submit it for review when ready."))
            else:
                version = form.cleaned_data["version"]
                result = moderation.edit(
                    self.object, by=request.user, expected_version=version, data=data
                )
                entry = self.object
                if isinstance(result, Revision):
                    messages.success(
                        request,
                        _("Your edit awaits review. The public sees the published version."),
                    )
                else:
                    messages.success(request, _("Changes saved."))
        except moderation.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.render(form, formset)
        return HttpResponseRedirect(self.edit_url(entry))

    def edit_url(self, entry):
        return reverse(f"workspace:{self.model._meta.model_name}_edit", kwargs={"pk": entry.pk})

    def render(self, form, formset, searched=False, search_problem=None):
        duplicates = []
        if self.model is Claim:
            title = form["title"].value() or ""
            duplicates = likely_duplicates(title, exclude_pk=getattr(self.object, "pk", None))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                searched=searched,
                source_search_problem=search_problem,
                search_max_length=SEARCH_MAX_LENGTH,
                duplicates=duplicates,
                model_name=self.model._meta.verbose_name,
                submit_url=reverse(
                    f"workspace:{self.model._meta.model_name}_submit", args=[self.object.pk]
                )
                if self.object
                else "",
                history=moderation.history(self.object) if self.object else [],
                pending=moderation.pending_revisions(self.object).exists()
                if self.object
                else False,
            )
        )


class ClaimFormView(EntryFormView):
    model = Claim


class StatisticFormView(EntryFormView):
    model = Statistic
    form_class = StatisticForm
    with_citations = False


class EntryActionView(OwnerOrReviewerMixin, SingleObjectMixin, View):
    """Submit an entry for review, or take a submission back."""

    http_method_names = ["post"]
    permission_required = "tracker.add_claim"
    action = "submit"

    def post(self, request, *args, **kwargs):
        try:
            getattr(moderation, self.action)(self.object, by=request.user)
        except moderation.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            if self.action == "submit":
                messages.success(request, _("Submitted: a reviewer will look at it."))
            else:
                messages.success(request, _("Taken back to draft."))
        return HttpResponseRedirect(reverse("workspace:home"))


class SourceListView(StaffPermissionMixin, ListView):
    permission_required = "tracker.view_source"
    template_name = "tracker/workspace/source_list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_queryset(self):
        sources = Source.objects.select_related("organization").order_by("title")
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
    """Create or edit a source or organisation, refusing a stale edit without losing it."""

    template_name = "tracker/workspace/record_form.html"

    def get_permission_required(self):
        action = "change" if "pk" in self.kwargs else "add"
        return [f"tracker.{action}_{self.model._meta.model_name}"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_name=self.model._meta.verbose_name, **kwargs)

    def form_valid(self, form):
        record = form.save(commit=False)  # a new file's hash is taken as it is saved
        try:
            self.object = moderation.save_record(
                record, by=self.request.user, expected_version=form.cleaned_data.get("version")
            )
        except moderation.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse(
            f"workspace:{self.model._meta.model_name}_edit", kwargs={"pk": self.object.pk}
        )


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
    """Serve a source's file to staff only, as a download that browsers never render inline.

    The type is read from the file's first bytes, so a file stored before uploads were checked
    is served as what it is, or as plain bytes, never as the type its name suggests.
    """

    permission_required = "tracker.view_source"

    def get(self, request, pk):
        source = get_object_or_404(Source, pk=pk)
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
