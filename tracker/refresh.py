"""Refresh-ahead: the most visited public pages computed again right after a decision commits.

A decision bumps the public-data version (``tracker.public_cache``), so every cached count,
facet and page of the public lists is missed at once. Without this, the first reader of the
claim list after a decision pays for its facets over every published claim. Here, once the
decision's transaction has committed, a background thread of the same process requests those
pages in every language through the site's own WSGI handler (middleware, views and templates as
a reader meets them, without a socket), which fills the shared cache under the new version. A
reader arriving meanwhile waits for the entry being computed rather than computing it again
(``get_or_compute``). Decisions in quick succession are coalesced: the thread refreshes once for
all that came before it started.

Only processes that serve pages refresh (``tracker.wsgi`` says so: gunicorn and runserver), not
management commands, which would exit before the refresh is done. ``REFRESH_AHEAD`` (on by
default; off in the test settings) turns it off.
"""

from __future__ import annotations

import io
import logging
import threading
import time

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# The public pages whose first reader after a decision would otherwise wait longest: the lists
# over every published entry (counts and facets), and the home page.
PAGES = (
    "public:home",
    "public:claim_list",
    "public:statistic_list",
    "public:organization_list",
)

_wanted = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None
_serving = False


def serve_pages() -> None:
    """Mark this process as one that serves pages (called by ``tracker.wsgi``)."""
    global _serving
    _serving = True


def paths() -> list[str]:
    """Every page of ``PAGES`` in every language of the site."""
    found = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.extend(reverse(name) for name in PAGES)
    return found


def request_host() -> str:
    """A host name the site accepts (``ALLOWED_HOSTS``), for the internal requests."""
    for host in settings.ALLOWED_HOSTS:
        if host and not host.startswith((".", "*")):
            return host
    return "localhost"


def environ_for(path: str, host: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def refresh() -> dict[str, int]:
    """Request every page of ``paths()`` once; return each path's status code."""
    handler = WSGIHandler()
    host = request_host()
    statuses = {}
    for path in paths():
        started: list[str] = []
        response = handler(
            environ_for(path, host), lambda status, _headers, s=started: s.append(status)
        )
        try:
            for _chunk in response:
                pass
        finally:
            response.close()
        statuses[path] = int(started[0].split(" ", 1)[0])
    return statuses


def _run() -> None:
    while True:
        _wanted.wait()
        _wanted.clear()
        started = time.monotonic()
        try:
            statuses = refresh()
        except Exception:
            logger.exception("Refreshing the public pages after a decision failed")
        else:
            failed = {path: code for path, code in statuses.items() if code != 200}
            if failed:
                logger.warning("Refreshing the public pages answered %s", failed)
            logger.info(
                "Refreshed %d public pages in %.0f ms",
                len(statuses),
                (time.monotonic() - started) * 1000,
            )
        finally:
            connections.close_all()


def schedule() -> None:
    """Ask this process's refresh thread to refresh the pages (starting it if need be). Called
    once a decision has committed (``bump_public_version``)."""
    global _thread
    if not (settings.REFRESH_AHEAD and _serving):
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="refresh-ahead", daemon=True)
            _thread.start()
    _wanted.set()
