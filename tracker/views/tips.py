"""The public tip form: anyone may send an allegation; it goes to the review queue."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from tracker import workflow
from tracker.forms import TipForm
from tracker.models import Tip


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
        title = Truncator(" ".join(tip.what.split())).chars(120)
        workflow.receive_tip(tip, title=title)
        return thanks


class TipThanksView(TemplateView):
    template_name = "tracker/tips/thanks.html"
