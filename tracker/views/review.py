"""The reviewers' side: the queue, the review page with its diff, and the decisions."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from tracker import workflow
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
from tracker.models import Citation, Claim, ModerationStatus, Revision, Source, Statistic
from tracker.views.mixins import ReviewerRequiredMixin


class QueueView(ReviewerRequiredMixin, TemplateView):
    """Submitted entries and pending revisions, oldest first."""

    template_name = "tracker/review/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ReviewQueueFilter(self.request.GET or None, queryset=Claim.objects.none())
        items = []
        if filterset.wants("claim"):
            claims = Claim.objects.awaiting_review().select_related("created_by")
            claims = filterset.apply(
                claims, organization_path="citations__source__organization", date_field="updated_at"
            )
            items += [("claim", claim.updated_at, claim) for claim in claims]
        if filterset.wants("statistic"):
            statistics = Statistic.objects.awaiting_review().select_related(
                "created_by", "indicator", "organization"
            )
            statistics = filterset.apply(
                statistics, organization_path="organization", date_field="updated_at"
            )
            items += [("statistic", s.updated_at, s) for s in statistics]
        if filterset.wants("revision"):
            revisions = (
                Revision.objects.filter(status=Revision.Status.PENDING)
                .select_related("created_by", "content_type")
                .prefetch_related("entry")
            )
            revisions = filterset.apply(revisions, organization_path=None, date_field="created_at")
            items += [("revision", r.created_at, r) for r in revisions]
        items.sort(key=lambda item: item[1])
        context.update(filter=filterset, items=items)
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


def render_citations(rows: list[dict]) -> list[str]:
    titles = dict(
        Source.objects.filter(pk__in=[r["source"] for r in rows if r.get("source")]).values_list(
            "pk", "title"
        )
    )
    stances = dict(Citation.Stance.choices)
    lines = []
    for row in rows:
        if row.get("source"):
            source = titles.get(row["source"], "?")
        else:
            source = _("new source: %(title)s") % {"title": row["new_source"]["title"]}
        parts = [str(source), str(stances.get(row.get("stance"), ""))]
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
    return changes


class EntryReviewView(ReviewerRequiredMixin, DetailView):
    """One entry as the reviewer sees it, with the decision and verification forms."""

    template_name = "tracker/review/entry.html"
    context_object_name = "entry"
    # Showing an unpublished entry is a preview: reviewers hold both permissions.
    permission_required = (workflow.REVIEW_PERMISSION, workflow.PREVIEW_PERMISSION)

    def get_queryset(self):
        if self.model is Claim:
            return Claim.objects.select_related("location", "created_by", "last_edited_by")
        return Statistic.objects.select_related(
            "indicator", "organization", "source", "location", "created_by", "last_edited_by"
        )

    def get_context_data(self, decision_form=None, verification_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        initial = {"version": entry.version}
        context.update(
            decision_form=decision_form or DecisionForm(initial=initial, status=entry.status),
            verification_form=verification_form
            or VerificationForm(initial={**initial, "grade": entry.verification}),
            history=workflow.history(entry),
            revisions=Revision.objects.pending().for_entry(entry).select_related("created_by"),
            is_claim=self.model is Claim,
            history_url=reverse(f"review:{entry._meta.model_name}_history", args=[entry.pk]),
            tip=getattr(entry, "tip", None) if self.model is Claim else None,
        )
        if self.model is Claim:
            context["citations"] = entry.citations.select_related("source__organization")
        return context

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
            form = DecisionForm(request.POST, status=entry.status)
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
        messages.success(request, _("Decision recorded."))
        return HttpResponseRedirect(request.path)


class RevisionReviewView(ReviewerRequiredMixin, DetailView):
    """A pending revision: the field-by-field diff against the published version."""

    template_name = "tracker/review/revision.html"
    context_object_name = "revision"
    queryset = Revision.objects.select_related("created_by", "content_type", "decided_by")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object.entry
        context.update(
            entry=entry,
            diff=revision_diff(entry, self.object.data),
            form=form or RevisionDecisionForm(),
            history=workflow.history(entry),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = revision = self.get_object()
        form = RevisionDecisionForm(request.POST)
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
        messages.success(request, _("Decision recorded."))
        return HttpResponseRedirect(request.path)


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
            is_published=entry.status == ModerationStatus.PUBLISHED,
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
