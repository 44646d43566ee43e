"""The reviewers' side: the queue, the review page with its diff, and the decisions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from tracker import selectors, workflow
from tracker.filters import ReviewQueueFilter
from tracker.forms import (
    ClaimForm,
    DecisionForm,
    RestoreForm,
    RevisionDecisionForm,
    StatisticForm,
    VerificationForm,
)
from tracker.history import entry_versions
from tracker.models import (
    Citation,
    Claim,
    Person,
    PublishedVersion,
    Revision,
    Source,
    Statistic,
)
from tracker.models.base import ModeratedEntry
from tracker.paging import page_number
from tracker.views.mixins import ReviewerRequiredMixin


class QueueView(ReviewerRequiredMixin, TemplateView):
    """Submitted entries and pending revisions, filtered, sorted and in pages."""

    template_name = "tracker/review/queue.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ReviewQueueFilter(self.request.GET or None)
        paginator = Paginator(selectors.queue_rows(filterset), self.paginate_by)
        number, page_notice = page_number(self.request.GET.get("page"), paginator.num_pages)
        page = paginator.page(number)
        context.update(
            filter=filterset,
            notices=[*filterset.problems(), *([page_notice] if page_notice else [])],
            items=selectors.queue_items(list(page.object_list), self.request.user),
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            filtered=bool(filterset.chosen.keys() - {"sort"}),
            people_awaiting=Person.objects.awaiting_review().count(),
        )
        return context


def render_value(field, value) -> str:
    """Show a stored value as a reviewer reads it."""
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join(str(obj) for obj in field.related_model.objects.filter(pk__in=value))
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def source_titles(rows: list[dict]) -> list[str]:
    """The title of each row's source, or of the new source it enters."""
    titles = dict(
        Source.objects.filter(pk__in=[r["source"] for r in rows if r.get("source")]).values_list(
            "pk", "title"
        )
    )
    return [
        str(titles.get(row["source"], "?"))
        if row.get("source")
        else _("new source: %(title)s") % {"title": row["new_source"]["title"]}
        for row in rows
    ]


def render_reports(rows: list[dict]) -> list[str]:
    """A person record's sources as a reviewer reads them: source, case number, locator."""
    lines = []
    for source, row in zip(source_titles(rows), rows, strict=True):
        parts = [source]
        if row.get("case_number"):
            parts.append(_("case %(number)s") % {"number": row["case_number"]})
        if row.get("locator"):
            parts.append(row["locator"])
        lines.append(" · ".join(parts))
    return lines


def render_citations(rows: list[dict]) -> list[str]:
    stances = dict(Citation.Stance.choices)
    lines = []
    for source, row in zip(source_titles(rows), rows, strict=True):
        parts = [source, str(stances.get(row.get("stance"), ""))]
        if row.get("locator"):
            parts.append(row["locator"])
        if row.get("quote"):
            parts.append(f"“{row['quote']}”")
        lines.append(" · ".join(parts))
    return lines


def revision_diff(entry, data: dict) -> list[dict]:
    """Every field the revision changes: its label, the published value and the proposed one."""
    current = workflow.snapshot(entry, data)
    changes = []
    for group in ("fields", "m2m"):
        for name, proposed in data.get(group, {}).items():
            before = current[group].get(name)
            field = entry._meta.get_field(name)
            if workflow.same_value(field, before, proposed):
                continue
            changes.append(
                {
                    "label": field.verbose_name,
                    "before": render_value(field, before),
                    "after": render_value(field, proposed),
                }
            )
    if "citations" in data and current["citations"] != data["citations"]:
        changes.append(
            {
                "label": _("citations"),
                "before": "\n".join(render_citations(current["citations"])) or "—",
                "after": "\n".join(render_citations(data["citations"])) or "—",
            }
        )
    if "reports" in data and current["reports"] != data["reports"]:
        changes.append(
            {
                "label": _("sources reporting this person"),
                "before": "\n".join(render_reports(current["reports"])) or "—",
                "after": "\n".join(render_reports(data["reports"])) or "—",
            }
        )
    return changes


def staff_sources(entry) -> list[dict]:
    """An entry's sources with what only staff see: each citation's source, quote and locator
    (a figure quotes its one source itself, and names who reported it), and whether the public
    could trace it."""
    if isinstance(entry, Claim):
        rows = [
            (c.source, c.quote, c.locator, c.get_stance_display(), None)
            for c in entry.citations.all()
        ]
    elif isinstance(entry, Person):
        # A person's sources: the stance column holds the source's own case number.
        rows = [(r.source, "", r.locator, r.case_number, None) for r in entry.reports.all()]
    else:
        rows = [(entry.source, entry.quote, entry.locator, "", entry.organization)]
    return [
        {
            "source": source,
            "quote": quote,
            "locator": locator,
            "stance": stance,
            "reported_by": reported_by,
            "traceable": workflow.is_traceable(source),
        }
        for source, quote, locator, stance, reported_by in rows
    ]


def decided_url(item) -> str:
    """The page that follows a decision on ``item`` (an entry or a revision)."""
    return reverse(f"review:{item._meta.model_name}_decided", args=[item.pk])


class EntryReviewView(ReviewerRequiredMixin, DetailView):
    """One entry as the public will read it, beside its sources with their private details, its
    pending revisions and its history; the decisions this reviewer may take, and why not the
    others."""

    template_name = "tracker/review/entry.html"
    context_object_name = "entry"
    # Showing an unpublished entry is a preview: reviewers hold both permissions.
    permission_required = (workflow.REVIEW_PERMISSION, workflow.PREVIEW_PERMISSION)

    def get_queryset(self):
        if self.model is Claim:
            return Claim.objects.select_related(
                "location", "created_by", "last_edited_by"
            ).prefetch_related(
                "categories",
                "tags",
                Prefetch(
                    "citations",
                    Citation.objects.select_related("source__organization").order_by("pk"),
                ),
            )
        return Statistic.objects.select_related(
            "indicator",
            "organization",
            "source__organization",
            "location",
            "created_by",
            "last_edited_by",
        )

    def get_context_data(self, decision_form=None, verification_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        actions = self.actions
        initial = {"version": entry.version}
        name = entry._meta.model_name
        context.update(
            actions=actions,
            decision_form=decision_form or DecisionForm(initial=initial, actions=actions),
            verification_form=verification_form
            or VerificationForm(initial={**initial, "grade": entry.verification}),
            missing_provenance=(
                workflow.missing_provenance(entry) if entry.is_awaiting_review else []
            ),
            history=workflow.history(entry),
            revisions=Revision.objects.pending_for(entry).select_related("created_by"),
            kind=name,
            body_template=f"tracker/includes/{name}_body.html",
            sources=staff_sources(entry),
            corrections=PublishedVersion.objects.for_entry(entry)
            .corrections()
            .defer("data")
            .order_by("-number"),
            history_url=self.history_url(entry),
            tip=getattr(entry, "tip", None) if self.model is Claim else None,
        )
        return context

    @cached_property
    def actions(self) -> workflow.AllowedActions:
        return workflow.allowed_actions(self.object, self.request.user)

    def post(self, request, *args, **kwargs):
        self.object = entry = self.get_object()
        if "grade" in request.POST:
            form = VerificationForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(verification_form=form))
            call = {
                "function": workflow.set_verification,
                "grade": form.cleaned_data["grade"],
                "rationale": form.cleaned_data["rationale"],
                "rationale_es": form.cleaned_data["rationale_es"],
            }
        else:
            form = DecisionForm(request.POST, actions=self.actions)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(decision_form=form))
            call = {
                "function": getattr(workflow, form.cleaned_data["action"]),
                "comment": form.cleaned_data["comment"],
            }
            if form.cleaned_data["action"] == "withdraw":
                call["public_note"] = form.cleaned_data["public_note"]
                call["public_note_es"] = form.cleaned_data["public_note_es"]
        if form.cleaned_data["version"] != entry.version:
            form.add_error(None, workflow.STALE_MESSAGE)
        else:
            function = call.pop("function")
            try:
                function(entry, by=request.user, **call)
            except workflow.TransitionRefused as refused:
                form.add_error(None, refused.message)
        if form.errors:
            key = "verification_form" if isinstance(form, VerificationForm) else "decision_form"
            return self.render_to_response(self.get_context_data(**{key: form}))
        if isinstance(form, VerificationForm):
            messages.success(request, _("Grade changed."))
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(self.after_decision_url(entry))

    def after_decision_url(self, entry) -> str:
        return decided_url(entry)

    def history_url(self, entry) -> str:
        return reverse(f"review:{entry._meta.model_name}_history", args=[entry.pk])


class RevisionReviewView(ReviewerRequiredMixin, DetailView):
    """A pending revision: the field-by-field diff against the published version."""

    template_name = "tracker/review/revision.html"
    context_object_name = "revision"
    queryset = Revision.objects.select_related("created_by", "content_type", "decided_by")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = self.object
        entry = revision.entry
        actions = self.actions
        context.update(
            entry=entry,
            actions=actions,
            kind=entry._meta.model_name,
            preview=self.preview(revision),
            diff=revision_diff(entry, revision.data),
            form=form or RevisionDecisionForm(actions=actions, needs_note=self.needs_note),
            missing_provenance=(
                workflow.missing_provenance_of_revision(entry, revision.data)
                if actions.any_due and isinstance(entry, ModeratedEntry)
                else []
            ),
            history=workflow.history(entry),
        )
        return context

    @cached_property
    def actions(self) -> workflow.AllowedActions:
        return workflow.allowed_actions(self.object, self.request.user)

    def preview(self, revision: Revision) -> dict | None:
        """The entry and its sources as they will read once the revision is approved (the
        revision is applied and rolled back); None for a source or an organisation, which the
        public reads through the entries that use them."""
        if (
            not isinstance(revision.entry, ModeratedEntry)
            or revision.status != Revision.Status.PENDING
        ):
            return None
        with workflow.revision_applied(revision) as revised:
            name = revised._meta.model_name
            context = {
                "entry": revised,
                "kind": name,
                "body_template": f"tracker/includes/{name}_body.html",
                "sources": staff_sources(revised),
            }
            return {
                "body": render_to_string(
                    "tracker/review/preview_body.html", context, request=self.request
                ),
                "sources": render_to_string(
                    "tracker/review/staff_sources.html", context, request=self.request
                ),
            }

    @cached_property
    def needs_note(self) -> bool:
        """Whether approving takes a public correction note (not for a person record)."""
        return workflow.keeps_public_versions(self.object.entry)

    def post(self, request, *args, **kwargs):
        self.object = revision = self.get_object()
        form = RevisionDecisionForm(request.POST, actions=self.actions, needs_note=self.needs_note)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            try:
                if form.cleaned_data["action"] == "approve":
                    workflow.approve_revision(
                        revision,
                        by=request.user,
                        correction_note=form.cleaned_data["correction_note"],
                        correction_note_es=form.cleaned_data["correction_note_es"],
                        comment=comment,
                    )
                else:
                    workflow.reject_revision(revision, by=request.user, comment=comment)
            except workflow.TransitionRefused as refused:
                form.add_error(None, refused.message)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form))
        return HttpResponseRedirect(decided_url(revision))


class DecisionRecordedView(ReviewerRequiredMixin, DetailView):
    """After a decision: where the item now stands, its public page when it has one, and the
    next item in the queue that this reviewer may decide."""

    template_name = "tracker/review/decided.html"
    context_object_name = "item"
    # It names unpublished entries: reviewers hold both permissions.
    permission_required = (workflow.REVIEW_PERMISSION, workflow.PREVIEW_PERMISSION)

    def get_queryset(self):
        if self.model is Revision:
            return Revision.objects.select_related("decided_by")
        return self.model._default_manager.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        kind = item._meta.model_name
        entry = item.entry if isinstance(item, Revision) else item
        is_public = isinstance(entry, ModeratedEntry) and entry.is_public
        context.update(
            kind=kind,
            entry=entry,
            review_url=reverse(f"review:{kind}", args=[item.pk]),
            public_url=entry.get_absolute_url() if is_public else "",
            next_item=selectors.next_in_queue(self.request.user, after=(kind, item.pk)),
        )
        return context


class EntryHistoryView(ReviewerRequiredMixin, DetailView):
    """Every recorded version of an entry with what changed; restoring one goes through review."""

    template_name = "tracker/review/versions.html"
    context_object_name = "entry"
    # Old versions hold unpublished and private values: reviewers hold both permissions.
    permission_required = (workflow.REVIEW_PERMISSION, workflow.PREVIEW_PERMISSION)

    def get_queryset(self):
        return self.model._default_manager.all()

    def restorable_fields(self) -> list[str]:
        form_class = ClaimForm if self.model is Claim else StatisticForm
        return list(form_class._meta.fields)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        versions = entry_versions(entry)
        context.update(
            versions=versions,
            form=form,
            version=entry.version,
            review_url=reverse(f"review:{entry._meta.model_name}", args=[entry.pk]),
            is_published=entry.is_public,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = entry = self.get_object()
        form = RestoreForm(request.POST)
        if not form.is_valid() and ("history_id" in form.errors or "version" in form.errors):
            form.add_error(None, _("This page is out of date: reload it and try again."))
        elif form.is_valid():
            record = entry.history.filter(history_id=form.cleaned_data["history_id"]).first()
            if record is None:
                form.add_error(None, _("This version does not exist."))
            else:
                try:
                    result = workflow.restore_version(
                        entry,
                        record,
                        by=request.user,
                        expected_version=form.cleaned_data["version"],
                        fields=self.restorable_fields(),
                        comment=form.cleaned_data["comment"],
                    )
                except workflow.TransitionRefused as refused:
                    form.add_error(None, refused.message)
        if form.errors:
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        if isinstance(result, Revision):
            messages.success(
                request, _("The old version awaits review as a correction of the entry.")
            )
            return HttpResponseRedirect(reverse("review:revision", args=[result.pk]))
        messages.success(request, _("The old version was restored."))
        return HttpResponseRedirect(request.path)
