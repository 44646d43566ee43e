from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Claim tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tracker import signals, twofactor

        signals.connect(self)
        twofactor.connect_signals()
