"""Tips: the public form anyone may use, and the staff's tip inbox where tips are handled."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from tracker import workflow
from tracker.forms import ArchiveTipForm, TipForm
from tracker.models import Tip
from tracker.views.mixins import StaffPermissionMixin


def sender_fingerprint(request) -> str:
    """A keyed hash of the sender's address: enough to count tips, useless to identify them."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TIPS_CLIENT_IP_HEADER:
        # The last value is the one our own proxy appended; earlier ones the sender could forge.
        forwarded = request.META.get(settings.TIPS_CLIENT_IP_HEADER, "").split(",")[-1].strip()
        address = forwarded or address
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


class TipFormView(FormView):
    template_name = "tracker/tips/report.html"
    form_class = TipForm

    def form_valid(self, form):
        thanks = HttpResponseRedirect(reverse("tips:thanks"))
        if form.cleaned_data.get("website"):
            return thanks  # a bot filled in the hidden field: say thanks, keep nothing
        fingerprint = sender_fingerprint(self.request)
        # Counted in the database, so the limit holds across every app process.
        recent = Tip.objects.filter(
            sender_fingerprint=fingerprint,
            created_at__gte=timezone.now() - datetime.timedelta(hours=1),
        ).count()
        if recent >= settings.TIPS_PER_HOUR:
            form.add_error(
                None, _("Too many tips from your connection in the last hour. Try again later.")
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        tip = form.save(commit=False)
        tip.sender_fingerprint = fingerprint
        workflow.receive_tip(tip)
        return thanks


class TipThanksView(TemplateView):
    template_name = "tracker/tips/thanks.html"


class TipInboxView(StaffPermissionMixin, ListView):
    """Tips from the public, newest first, by status: new ones until someone handles them."""

    permission_required = "tracker.view_tip"
    template_name = "tracker/tips/inbox.html"
    context_object_name = "tips"
    paginate_by = 50

    def status(self) -> str:
        status = self.request.GET.get("status", Tip.Status.NEW)
        return status if status in Tip.Status.values else Tip.Status.NEW

    def get_queryset(self):
        return Tip.objects.filter(status=self.status()).select_related("handled_by", "claim")

    def get_context_data(self, **kwargs):
        counts = dict(
            Tip.objects.values_list("status").annotate(count=models.Count("pk")).order_by()
        )
        statuses = [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Tip.Status.choices
        ]
        return super().get_context_data(statuses=statuses, status=self.status(), **kwargs)


class TipDetailView(StaffPermissionMixin, DetailView):
    """One tip with its private contact; the staff member writes a draft from it or archives it."""

    permission_required = "tracker.view_tip"
    template_name = "tracker/tips/detail.html"
    context_object_name = "tip"
    queryset = Tip.objects.select_related("handled_by", "claim")

    def get_context_data(self, form=None, **kwargs):
        tip = self.object
        user = self.request.user
        claim = tip.claim
        return super().get_context_data(
            form=form or ArchiveTipForm(),
            can_handle=workflow.can_handle_tips(user) and tip.is_new,
            claim_url=(
                reverse("workspace:claim_edit", args=[claim.pk])
                if claim and workflow.can_edit(claim, user)
                else ""
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = tip = self.get_object()
        form = ArchiveTipForm(request.POST)
        if form.is_valid():
            try:
                workflow.archive_tip(tip, by=request.user, reason=form.cleaned_data["reason"])
            except workflow.TransitionRefused as refused:
                form.add_error(None, refused.message)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("The tip was archived."))
        return HttpResponseRedirect(reverse("workspace:tip_inbox"))
