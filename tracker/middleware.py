"""Middleware: the Content-Security-Policy, the client address behind a proxy, the second
log-in step and the idle-session timeout, and the benchmark's measurement headers
(``BENCH_HEADERS=1`` only, never in production)."""

import os
import time
from contextlib import ExitStack

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connections
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    With ``TRUSTED_PROXY_COUNT = n``, the n-th address from the right of X-Forwarded-For is the
    one the outermost trusted proxy saw; anything to its left was written by the client and
    cannot be trusted.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class ServerTimingMiddleware:
    """Add the view's duration, its number of SQL queries and the worker's pid to responses.

    Queries run while a streamed body is sent are not counted: the headers have gone by then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(count))
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        response["X-Bench-Queries"] = str(queries)
        response["X-Bench-Pid"] = str(os.getpid())
        return response


class NullCharacterMiddleware:
    """Turn away a request whose address, query string or form data holds a NUL character.

    No text the tracker keeps may contain one, and PostgreSQL refuses it in any query, so a NUL
    that reached a filter or a search would be a server error. The answer is a 400 that says why.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.has_null(request):
            message = _(
                "The request contains a NUL character, which no field accepts. "
                "Remove it and try again."
            )
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def has_null(self, request: HttpRequest) -> bool:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
            return True
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            try:
                return any("\x00" in key or "\x00" in value for key, value in _pairs(request.POST))
            except Exception:  # noqa: BLE001 - a body Django cannot parse is the view's to refuse
                return False
        return False


def _pairs(query_dict):
    for key, values in query_dict.lists():
        for value in values:
            yield key, value if isinstance(value, str) else ""


class StaffIdleTimeoutMiddleware:
    """Log out a session that made no request for ``STAFF_IDLE_TIMEOUT`` seconds.

    The last-activity mark is rewritten at most once a minute, so that a busy session is not
    written to the database on every request.
    """

    SESSION_KEY = "tracker_last_activity"
    RESOLUTION_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            timeout = settings.STAFF_IDLE_TIMEOUT
            if last is not None and now - last > timeout:
                logout(request)
                minutes = max(1, timeout // 60)
                messages.info(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity. "
                        "Log in again to go on.",
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Log in again to go on.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                return redirect_to_login(_resume_path(request))
            if last is None or now - last >= self.RESOLUTION_SECONDS:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)

    @classmethod
    def mark_log_in(cls, sender, request, user, **kwargs) -> None:
        """Start the clock at log-in, which writes the session anyway."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.SESSION_KEY] = int(time.time())


class TwoFactorMiddleware:
    """Hold a half-logged-in session (password only) at the second step, on every page.

    A user with a device must verify it; one who must use two factors and has none must add
    one. Until then every view answers with a redirect to that step, except the views below:
    the second step itself, the passkey endpoints, log-out and the language switch (static files
    are served before any view). The one place that decides it, after django-otp's
    OTPMiddleware, so that no staff page, admin page or future view can forget it.
    """

    COMMON = frozenset({"logout", "set_language", "otp_webauthn:js-i18n-catalog"})
    ALLOWED = {
        "verify": COMMON
        | {
            "two_factor_verify",
            "otp_webauthn:credential-authentication-begin",
            "otp_webauthn:credential-authentication-complete",
        },
        "setup": COMMON
        | {
            "two_factor",
            "two_factor_totp",
            "otp_webauthn:credential-registration-begin",
            "otp_webauthn:credential-registration-complete",
        },
    }
    DESTINATION = {"verify": "two_factor_verify", "setup": "two_factor"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from tracker.twofactor import pending_step

        step = pending_step(request.user)
        if step is None or request.resolver_match.view_name in self.ALLOWED[step.value]:
            return None
        destination = reverse(self.DESTINATION[step.value])
        return HttpResponseRedirect(f"{destination}?{urlencode({'next': _resume_path(request)})}")


def _resume_path(request: HttpRequest) -> str:
    """Where to come back to after logging in: this page, unless it was a form's target."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return reverse(settings.LOGIN_REDIRECT_URL)
