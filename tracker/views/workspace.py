"""The contributors' workspace: their entries, and the forms to enter and edit them."""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import (
    DetailView,
    TemplateView,
    View,
)
from django.views.generic.detail import SingleObjectMixin

from tracker import import_jobs, workflow
from tracker.filters import SEARCH_MAX_LENGTH
from tracker.forms import (
    CitationFormSet,
    ClaimForm,
    StatisticForm,
    citation_initial,
)
from tracker.imports import max_bytes
from tracker.imports.people import COLUMNS as CASE_LIST_COLUMNS
from tracker.imports.people import CaseListSheet
from tracker.models import (
    Citation,
    Claim,
    ImportJob,
    ModerationStatus,
    Person,
    Revision,
    Statistic,
    Tip,
)
from tracker.people_forms import CaseListForm, PersonForm, PersonReportFormSet
from tracker.selectors import likely_duplicates
from tracker.views.imports import recent_jobs
from tracker.views.mixins import OwnerOrReviewerMixin, StaffPermissionMixin
from tracker.workflow.edits import citation_rows, report_rows


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
        entries += list(Person.objects.owned_by(user).order_by("-updated_at", "-pk"))
        by_status = defaultdict(list)
        for entry in entries:
            kind = entry._meta.model_name
            by_status[entry.status].append(
                {
                    "entry": entry,
                    "url": reverse(
                        f"workspace:{kind}_{'edit' if entry.is_draft else 'detail'}",
                        args=[entry.pk],
                    ),
                    "edit_url": reverse(f"workspace:{kind}_edit", args=[entry.pk]),
                    "submit_url": reverse(f"workspace:{kind}_submit", args=[entry.pk]),
                    "retract_url": reverse(f"workspace:{kind}_retract", args=[entry.pk]),
                    "correctable": entry.is_public and workflow.can_edit(entry, user),
                }
            )
        # Only the states that hold something: a new contributor sees where to start instead.
        context["groups"] = [
            {"status": status, "label": label, "entries": by_status[status]}
            for status, label in ModerationStatus.choices
            if by_status.get(status)
        ]
        context["revisions"] = list(
            Revision.objects.pending()
            .filter(created_by=user)
            .select_related("content_type")
            .prefetch_related("entry")
        )
        context["is_empty"] = not (entries or context["revisions"])
        return context


class EntryDetailView(OwnerOrReviewerMixin, DetailView):
    """One's own claim, figure or person record as it stands, whatever its state: what was
    submitted, what a reviewer decided, and what may be done next. Its owner and reviewers
    only."""

    permission_required = "tracker.add_claim"
    template_name = "tracker/workspace/entry_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        if self.model is Claim:
            return Claim.objects.select_related("location").prefetch_related(
                "categories",
                "tags",
                Prefetch(
                    "citations",
                    Citation.objects.select_related("source__organization").order_by("pk"),
                ),
            )
        if self.model is Person:
            return Person.objects.select_related("place")
        return Statistic.objects.select_related(
            "indicator", "organization", "source__organization", "location"
        )

    def get(self, request, *args, **kwargs):
        # The permission check has fetched the entry already.
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        entry = self.object
        name = entry._meta.model_name
        return super().get_context_data(
            kind=name,
            body_template=f"tracker/includes/{name}_body.html",
            can_edit=workflow.can_edit(entry, self.request.user),
            edit_url=reverse(f"workspace:{name}_edit", args=[entry.pk]),
            retract_url=reverse(f"workspace:{name}_retract", args=[entry.pk]),
            history=workflow.history(entry),
            **kwargs,
        )


class EntryFormView(StaffPermissionMixin, SingleObjectMixin, TemplateView):
    """Create or edit a claim or figure; the workflow decides whether an edit waits for review.

    Someone proposing a correction of another person's entry sees it as the public does plus
    what they need to edit it: never its private notes, victims' identities, review comments,
    or the citations of confidential sources they may not see (those are kept as they are).
    """

    form_class = ClaimForm
    # The sources an entry gives: a claim's citations, a person record's reports.
    formset_class = CitationFormSet
    relation = "citations"
    with_citations = True
    entry_name = ""  # what the page calls the entry, when not the model's name
    template_name = "tracker/workspace/entry_form.html"

    def get_permission_required(self):
        label = self.model._meta.model_name
        return [f"tracker.{'change' if 'pk' in self.kwargs else 'add'}_{label}"]

    def has_object_permission(self) -> bool:
        self.object = self.get_object() if "pk" in self.kwargs else None
        self.tip = self.get_tip()
        return self.object is None or workflow.can_edit(self.object, self.request.user)

    def get_tip(self) -> Tip | None:
        """The new tip a claim is being written from (``?tip=``), if the user may handle it."""
        number = self.request.POST.get("tip") or self.request.GET.get("tip")
        if self.model is not Claim or "pk" in self.kwargs or not number:
            return None
        tip = Tip.objects.new().filter(pk=number).first() if number.isdigit() else None
        if tip is None or not workflow.can_handle_tips(self.request.user):
            raise Http404
        return tip

    def shows_private(self) -> bool:
        return self.object is None or workflow.can_see_private(self.object, self.request.user)

    def relation_rows(self, entry) -> list[dict]:
        return citation_rows(entry)

    def initial_rows(self, rows: list[dict]) -> list[dict]:
        return citation_initial(rows)

    def citation_rows(self) -> tuple[list[dict], list[dict]]:
        """The entry's citations: those the user may edit, and those kept out of their sight."""
        if self.object is None:
            return [], []
        rows = self.relation_rows(self.object)
        visible = set(
            workflow.visible_sources(self.request.user)
            .filter(pk__in=[row["source"] for row in rows])
            .values_list("pk", flat=True)
        )
        return (
            [row for row in rows if row["source"] in visible],
            [row for row in rows if row["source"] not in visible],
        )

    def get_forms(self, data=None, typed=None):
        """The entry's form and its citations' formset: bound to ``data``, or showing again,
        unchecked, the values of ``typed`` (bound forms) with room for one more citation."""
        form = self.form_class(
            data=data,
            initial=typed_values(typed[0]) if typed else None,
            instance=self.object,
            show_private=self.shows_private(),
        )
        restrict_sources(form, self.request.user, self.object)
        formset = None
        if self.with_citations:
            shown, self.hidden_citations = self.citation_rows()
            if typed:
                initial = [typed_values(cform) for cform in typed[1].forms]
            else:
                initial = self.initial_rows(shown) if self.object else None
            formset = self.formset_class(
                data=data,
                initial=initial,
                prefix=self.relation,
                form_kwargs={"sources": workflow.visible_sources(self.request.user)},
            )
            if typed:
                formset.extra = 1
        return form, formset

    def get(self, request, *args, **kwargs):
        return self.render(*self.get_forms())

    def post(self, request, *args, **kwargs):
        if self.with_citations and "add_citation" in request.POST:
            # One more empty citation, with everything typed so far; nothing is saved.
            return self.render(*self.get_forms(typed=self.get_forms(request.POST)))
        form, formset = self.get_forms(request.POST)
        if formset is not None and "search_sources" in request.POST:
            problem = formset.narrow_sources(request.POST.get("source_query", ""))
            return self.render(form, formset, searched=problem is None, search_problem=problem)
        if not (form.is_valid() and (formset is None or formset.is_valid())):
            return self.render(form, formset)
        data = form.entry_data()
        if formset is not None:
            data[self.relation] = formset.rows() + self.hidden_citations
        try:
            if self.object is None:
                entry = form.save(commit=False)
                if self.tip is not None:
                    workflow.start_claim_from_tip(self.tip, entry, by=request.user, relations=data)
                else:
                    workflow.create_entry(entry, by=request.user, relations=data)
                saved = _("Draft saved. Submit it for review when ready.")
            else:
                version = form.cleaned_data["version"]
                result = workflow.edit(
                    self.object, by=request.user, expected_version=version, data=data
                )
                entry = self.object
                if isinstance(result, Revision):
                    saved = _("Your edit awaits review. The public sees the published version.")
                else:
                    saved = _("Changes saved.")
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.render(form, formset)
        if "save_and_submit" in request.POST and entry.is_draft:
            return self.submit(entry)
        messages.success(request, saved)
        return HttpResponseRedirect(self.edit_url(entry))

    def submit(self, entry):
        """Send the entry just saved to review, through the workflow like any submission."""
        try:
            workflow.submit(entry, by=self.request.user)
        except workflow.TransitionRefused as refused:
            # The draft stays saved; only its submission was refused.
            messages.error(
                self.request,
                _("Draft saved, not submitted: %(reason)s") % {"reason": refused.message},
            )
            return HttpResponseRedirect(self.edit_url(entry))
        messages.success(self.request, _("Saved and submitted: a reviewer will look at it."))
        name = self.model._meta.model_name
        return HttpResponseRedirect(reverse(f"workspace:{name}_detail", args=[entry.pk]))

    def edit_url(self, entry):
        return reverse(f"workspace:{self.model._meta.model_name}_edit", kwargs={"pk": entry.pk})

    def render(self, form, formset, searched=False, search_problem=None):
        duplicates = []
        if self.model is Claim:
            duplicates = likely_duplicates(
                form["title"].value() or "",
                user=self.request.user,
                exclude_pk=getattr(self.object, "pk", None),
            )
        entry = self.object
        private = self.shows_private()
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                searched=searched,
                source_search_problem=search_problem,
                search_max_length=SEARCH_MAX_LENGTH,
                duplicates=duplicates,
                tip=self.tip,
                hidden_citations=len(getattr(self, "hidden_citations", [])),
                gives_reports=self.relation == "reports",
                model_name=self.entry_name or self.model._meta.verbose_name,
                history=workflow.history(entry) if entry and private else [],
                pending=Revision.objects.pending_for(entry).exists() if entry else False,
            )
        )


def typed_values(form) -> dict:
    """What a bound form holds, field by field, as initial values of a form shown again."""
    return {name: form[name].value() for name in form.fields}


def restrict_sources(form, user, entry) -> None:
    """Offer a figure only the sources its editor may see; a confidential source they may not
    see keeps the figure's source, quote and locator out of their form (and of their edit)."""
    if "source" not in form.fields:
        return
    if entry is not None and not workflow.can_see_record(entry.source, user):
        for name in ("source", "quote", "locator"):
            form.fields.pop(name, None)
        return
    sources = workflow.visible_sources(user).select_related("organization")
    form.fields["source"].queryset = sources.order_by("title")


class ClaimFormView(EntryFormView):
    model = Claim


class StatisticFormView(EntryFormView):
    model = Statistic
    form_class = StatisticForm
    with_citations = False


class PersonFormView(EntryFormView):
    """A person record, with the sources reporting it and their case numbers: drafts only (a
    published record takes no pending revision, see ``workflow.can_edit``)."""

    model = Person
    form_class = PersonForm
    formset_class = PersonReportFormSet
    relation = "reports"
    entry_name = gettext_lazy("person record")

    def relation_rows(self, entry) -> list[dict]:
        return report_rows(entry)

    def initial_rows(self, rows: list[dict]) -> list[dict]:
        return rows


class CaseListImportView(StaffPermissionMixin, TemplateView):
    """A source's case list: its file checked here as a whole (size, encoding, columns), then
    stored and handed to the import worker as a job (``tracker.import_jobs``): a dry run, nothing
    saved; once the user confirms, every row as their draft person record, or none."""

    permission_required = "tracker.add_person"
    template_name = "tracker/workspace/case_list.html"

    def form(self, data=None, files=None) -> CaseListForm:
        sources = workflow.visible_sources(self.request.user)
        return CaseListForm(data, files, sources=sources)

    def get(self, request, *args, **kwargs):
        return self.page(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        # Never read more than the limit (plus one byte, to know it was exceeded).
        data = upload.read(max_bytes() + 1)
        sheet = CaseListSheet(data)
        if sheet.file_errors:
            for error in sheet.file_errors:
                form.add_error("file", error)
            return self.page(form)
        job = import_jobs.start_import(
            owner=request.user,
            file_name=upload.name,
            data=data,
            language=get_language(),
            kind=ImportJob.Kind.CASE_LIST,
            source=form.cleaned_data["source"],
        )
        return HttpResponseRedirect(reverse("imports:job", args=[job.pk]))

    def page(self, form):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                columns=CASE_LIST_COLUMNS,
                max_bytes=max_bytes(),
                jobs=recent_jobs(self.request.user, ImportJob.Kind.CASE_LIST),
            )
        )


class EntryActionView(OwnerOrReviewerMixin, SingleObjectMixin, View):
    """Submit an entry for review, or take a submission back."""

    http_method_names = ["post"]
    permission_required = "tracker.add_claim"
    action = "submit"

    def post(self, request, *args, **kwargs):
        try:
            getattr(workflow, self.action)(self.object, by=request.user)
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            if self.action == "submit":
                messages.success(request, _("Submitted: a reviewer will look at it."))
            else:
                messages.success(request, _("Taken back to draft."))
        return HttpResponseRedirect(reverse("workspace:home"))
