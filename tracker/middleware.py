"""Middleware: the Content-Security-Policy, the client address behind a proxy, and the
benchmark's measurement headers (``BENCH_HEADERS=1`` only, never in production)."""

import os
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


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
