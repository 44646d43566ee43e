"""Spreadsheet imports for contributors: upload, dry run, confirm, follow the job.

The claims spreadsheet is uploaded here; a source's case list on its own page
(``workspace.CaseListImportView``); both then have the same job pages, which take what differs
by kind from ``PAGES``.

A request never checks or imports rows itself: the upload stores the file in private media
storage (never served) and the task worker checks it, then imports it once its owner confirms
(``tracker.import_jobs``). Only the file's own problems (size, encoding, columns) are answered
at once, without storing anything. A job is its uploader's alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from tracker import import_jobs
from tracker.imports import ClaimSheet, max_bytes, template_csv
from tracker.models import Claim, ImportJob, Person
from tracker.views.mixins import ImportJobOwnerMixin, ImportPermissionMixin
from tracker.workflow import TransitionRefused

RECENT_JOBS = 10


@dataclass(frozen=True)
class KindPage:
    """What a job's pages say and link to for one kind of file (``import_jobs.KINDS`` says how
    it is checked and imported)."""

    permission: str  # to upload such a file
    upload_url: str  # the page to upload another
    template: str  # the kind's parts of the job page: "ready", "sample", "done" and "draft"
    confirm_label: str
    model: type  # what the drafts are
    edit_url: str


PAGES = {
    ImportJob.Kind.CLAIMS: KindPage(
        permission="tracker.add_claim",
        upload_url="imports:upload",
        template="tracker/imports/includes/claims.html",
        confirm_label=_("Import these claims"),
        model=Claim,
        edit_url="workspace:claim_edit",
    ),
    ImportJob.Kind.CASE_LIST: KindPage(
        permission="tracker.add_person",
        upload_url="workspace:case_list_import",
        template="tracker/imports/includes/case_list.html",
        confirm_label=_("Import these person records"),
        model=Person,
        edit_url="workspace:person_edit",
    ),
}


def recent_jobs(user, kind: str):
    """A user's last jobs of one kind, for its upload page."""
    return ImportJob.objects.owned_by(user).filter(kind=kind)[:RECENT_JOBS]


class JobPageMixin(ImportJobOwnerMixin):
    """The job pages: open to whoever may import some kind of file; a job is its owner's."""

    job_permissions = tuple(page.permission for page in PAGES.values())


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV, UTF-8)"),
        help_text=_("The columns of the claims export; see the open data documentation."),
    )


class ImportUploadView(ImportPermissionMixin, View):
    template_name = "tracker/imports/upload.html"

    def get(self, request):
        return self.page(ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        # Never read more than the limit (plus one byte, to know it was exceeded).
        data = upload.read(max_bytes() + 1)
        sheet = ClaimSheet(data)
        if sheet.file_errors:
            for error in sheet.file_errors:
                form.add_error("file", error)
            return self.page(form)
        job = import_jobs.start_import(
            owner=request.user, file_name=upload.name, data=data, language=get_language()
        )
        return redirect("imports:job", pk=job.pk)

    def page(self, form):
        jobs = recent_jobs(self.request.user, ImportJob.Kind.CLAIMS)
        return render(
            self.request,
            self.template_name,
            {"form": form, "max_bytes": max_bytes(), "jobs": jobs},
        )


class ImportTemplateView(ImportPermissionMixin, View):
    """A CSV to start from: the import's columns and one example row."""

    def get(self, request):
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims-import-template.csv"'
        return response


class ImportJobView(JobPageMixin, View):
    template_name = "tracker/imports/job.html"

    def get(self, request, pk):
        job = import_jobs.refresh_if_interrupted(self.get_job())
        page = PAGES[job.kind]
        # The first drafts it created, to open them at once; the workspace lists them all.
        drafts = page.model.objects.owned_by(request.user).filter(
            pk__in=job.result.get("drafts", []) if job.is_done else []
        )
        return render(
            request,
            self.template_name,
            {"job": job, "page": page, "drafts": drafts.order_by("pk"), **job_context(job)},
        )


def job_context(job: ImportJob) -> dict:
    report = job.report or {}
    shown = len(report.get("errors", []))
    if job.is_done:
        citations, sources = job.result.get("citations", 0), job.result.get("sources", 0)
    else:
        citations, sources = report.get("citations", 0), report.get("new_sources", 0)
    return {
        **counted(citations=citations, sources=sources),
        "report": report,
        "more_errors": max(report.get("error_count", 0) - shown, 0),
        "more_warnings": max(report.get("warning_count", 0) - len(report.get("warnings", [])), 0),
        "progress_text": progress_text(job),
        "status_url": reverse("imports:status", args=[job.pk]),
    }


def counted(*, citations: int, sources: int) -> dict:
    """Citations and new sources in words that agree with their numbers."""
    return {
        "citations_text": ngettext("%(count)s citation", "%(count)s citations", citations)
        % {"count": number_format(citations, force_grouping=True)},
        "sources_text": ngettext("%(count)s new source", "%(count)s new sources", sources)
        % {"count": number_format(sources, force_grouping=True)},
    }


def progress_text(job: ImportJob) -> str:
    if job.state == ImportJob.State.QUEUED or not job.rows_total:
        return str(job.get_state_display())
    return ngettext(
        "%(done)s of %(total)s row",
        "%(done)s of %(total)s rows",
        job.rows_total,
    ) % {
        "done": number_format(job.rows_done, force_grouping=True),
        "total": number_format(job.rows_total, force_grouping=True),
    }


class ImportJobStatusView(JobPageMixin, View):
    """The job's state and progress as JSON, polled by its page (static/js/import-progress.js)."""

    def get(self, request, pk):
        job = import_jobs.refresh_if_interrupted(self.get_job())
        return JsonResponse(
            {
                "state": job.state,
                "state_label": str(job.get_state_display()),
                "rows_done": job.rows_done,
                "rows_total": job.rows_total,
                "progress_text": progress_text(job),
            }
        )


class JobActionView(JobPageMixin, View):
    """A POST that moves the owner's job on, through ``tracker.import_jobs``."""

    http_method_names = ["post"]

    def post(self, request, pk):
        job = self.get_job()
        try:
            return self.act(job)
        except TransitionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("imports:job", pk=job.pk)

    def act(self, job: ImportJob):
        raise NotImplementedError


class ImportConfirmView(JobActionView):
    def act(self, job):
        import_jobs.confirm_import(job, by=self.request.user)
        return redirect("imports:job", pk=job.pk)


class ImportRetryView(JobActionView):
    def act(self, job):
        import_jobs.retry_import(job, by=self.request.user)
        return redirect("imports:job", pk=job.pk)


class ImportDiscardView(JobActionView):
    def act(self, job):
        import_jobs.discard_import(job, by=self.request.user)
        messages.success(self.request, _("The import was discarded."))
        return redirect(PAGES[job.kind].upload_url)
