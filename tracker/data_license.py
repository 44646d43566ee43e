"""The licence of the published data (the ``DATA_LICENSE`` setting), as each output carries it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase


def data_license() -> dict[str, str]:
    """The licence's name and address, e.g. ``{"name": "CC BY 4.0", "url": "https://…"}``."""
    return {"name": settings.DATA_LICENSE["name"], "url": settings.DATA_LICENSE["url"]}


def link_header() -> str:
    """An HTTP ``Link`` to the licence (RFC 8288, ``license`` relation of RFC 4946)."""
    return f'<{settings.DATA_LICENSE["url"]}>; rel="license"'


def with_license_link(response: HttpResponseBase) -> HttpResponseBase:
    """Add the licence's ``Link`` to a response of data (a CSV, a JSON, the API)."""
    response["Link"] = link_header()
    return response
