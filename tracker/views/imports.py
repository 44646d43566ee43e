"""Spreadsheet import of claims for contributors: upload, dry run, confirm.

The uploaded file is kept between the dry run and the confirmation in private media storage
(never served), under a random token held in the uploader's session, with its SHA-256: the
confirmation re-reads and re-checks that very file, never data posted back by the browser.
"""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache

from tracker.imports import apply_import, max_bytes, read_claims_csv
from tracker.workflow import TransitionRefused

SESSION_KEY = "claim_import"
STORAGE_FOLDER = "imports"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV, UTF-8)"),
        help_text=_("The columns of the claims export; see the open data documentation."),
    )


class ImportPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Contributors and reviewers: whoever may create claims may import them."""

    permission_required = "tracker.add_claim"


def forget_stored_file(request) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    if stored and default_storage.exists(stored["path"]):
        default_storage.delete(stored["path"])


@method_decorator(never_cache, name="dispatch")
class ImportUploadView(ImportPermissionMixin, View):
    template_name = "tracker/imports/upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm(), "max_bytes": max_bytes()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "max_bytes": max_bytes()})
        upload = form.cleaned_data["file"]
        # Never read more than the limit (plus one byte, to know it was exceeded).
        data = upload.read(max_bytes() + 1)
        plan = read_claims_csv(data)
        if plan.file_errors:
            for error in plan.file_errors:
                form.add_error("file", error)
            return render(request, self.template_name, {"form": form, "max_bytes": max_bytes()})
        forget_stored_file(request)
        token = ""
        if plan.is_valid:
            token = secrets.token_urlsafe(24)
            path = default_storage.save(f"{STORAGE_FOLDER}/{token}.csv", ContentFile(data))
            request.session[SESSION_KEY] = {
                "token": token,
                "path": path,
                "name": upload.name,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        return render(
            request,
            "tracker/imports/preview.html",
            {"plan": plan, "token": token, "file_name": upload.name},
        )


@method_decorator(never_cache, name="dispatch")
class ImportConfirmView(ImportPermissionMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        stored = request.session.get(SESSION_KEY)
        if not stored or not secrets.compare_digest(stored["token"], request.POST.get("token", "")):
            messages.error(
                request, _("This import has expired or was replaced: upload the file again.")
            )
            return redirect("imports:upload")
        try:
            with default_storage.open(stored["path"], "rb") as file:
                data = file.read()
        except FileNotFoundError:
            request.session.pop(SESSION_KEY, None)
            messages.error(request, _("This import has expired: upload the file again."))
            return redirect("imports:upload")
        if hashlib.sha256(data).hexdigest() != stored["sha256"]:
            forget_stored_file(request)
            messages.error(request, _("The stored file changed: upload it again."))
            return redirect("imports:upload")
        # Check again: a category or place may have gone since the dry run.
        plan = read_claims_csv(data)
        if not plan.is_valid:
            return render(
                request,
                "tracker/imports/preview.html",
                {"plan": plan, "token": "", "file_name": stored["name"]},
            )
        try:
            claims = apply_import(plan, by=request.user, file_name=stored["name"])
        except TransitionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("imports:upload")
        forget_stored_file(request)
        messages.success(
            request,
            ngettext(
                "%(count)d claim was imported as your draft.",
                "%(count)d claims were imported as your drafts.",
                len(claims),
            )
            % {"count": len(claims)},
        )
        return redirect("imports:upload")
