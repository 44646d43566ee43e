"""The API's throttle: requests per client address, counted atomically in the shared cache."""

from __future__ import annotations

import hashlib
import ipaddress

from django.core.cache import cache as default_cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from tracker.middleware import client_ip


class ClientAddressThrottle(SimpleRateThrottle):
    """Allow ``API_ANON_RATE`` requests per client address in each window of the rate's period.

    The address is ``client_ip``'s, as for the login lockout: X-Forwarded-For counts only as far
    as ``TRUSTED_PROXY_COUNT`` says our own proxies wrote it, so a forged header changes nothing.
    DRF's own throttles read the whole header when no proxy count is set, and keep a list of
    timestamps that concurrent requests overwrite; this one increments one counter per window,
    which Redis and the local-memory cache both do atomically.
    """

    scope = "anon"
    # The ``default`` cache, named here rather than inherited: Redis shared by every app process
    # when CACHE_URL (or REDIS_URL) is set; otherwise each process's local memory, where each
    # process counts alone (see the README).
    cache = default_cache
    cache_format = "throttle:%(scope)s:%(ident)s:%(window)s"

    def get_rate(self) -> str | None:
        # Read at each request rather than once at import, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        ident = client_ip(request) or "unknown"
        try:
            ident = str(ipaddress.ip_address(ident))
        except ValueError:
            # Not an address (a misconfigured proxy count): hashed, so a cache key stays short
            # and free of spaces and control characters.
            ident = hashlib.sha256(ident.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident, "window": self.window}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.now = self.timer()
        self.window = int(self.now // self.duration)
        self.key = self.get_cache_key(request, view)
        # add() creates the window's counter only if no other request has; incr() is atomic.
        self.cache.add(self.key, 0, timeout=self.duration)
        try:
            count = self.cache.incr(self.key)
        except ValueError:  # the counter expired between add() and incr()
            self.cache.set(self.key, 1, timeout=self.duration)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the next window opens."""
        return (self.window + 1) * self.duration - self.now
