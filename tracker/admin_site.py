"""The admin site: Django's, whose own log-in page sends people to the staff log-in.

Staff log in once, through the two steps of ``/accounts/login/``; the admin's password-only form
would be a way around the second step. ``TwoFactorMiddleware`` keeps a half-logged-in admin out
of every admin page.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.urls import reverse

# This module is imported while apps load (INSTALLED_APPS names its AdminConfig): auth views,
# which import models, are imported when a request needs them.


class TrackerAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        """Send the visitor to the staff log-in, then back to the admin."""
        from django.contrib.auth import REDIRECT_FIELD_NAME
        from django.contrib.auth.views import redirect_to_login

        index = reverse("admin:index", current_app=self.name)
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(index)
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index)


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
