"""The API's throttle: one count per client address, shared by every process through the cache."""

import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from tracker.throttling import ClientAddressThrottle

pytestmark = pytest.mark.django_db

LIMIT = 3
# A fixed clock: every request of a test falls in the same counting window.
NOW = 1_800_000_030.0
# A Redis database of its own for these tests; keys carry a per-run prefix, so that two runs of
# the suite at once (SQLite and PostgreSQL) never count each other's requests.
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True)
def low_rate(settings, monkeypatch):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/minute"},
    }
    monkeypatch.setattr(ClientAddressThrottle, "timer", staticmethod(lambda: NOW))


def statuses(client, path: str, count: int, **headers_per_request) -> list[int]:
    results = []
    for n in range(count):
        extra = {key: value.format(n=n) for key, value in headers_per_request.items()}
        results.append(client.get(path, **extra).status_code)
    return results


def test_throttle_forged_forwarded_for_does_not_evade_the_limit_without_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    results = statuses(client, "/api/indicators/", LIMIT + 3, HTTP_X_FORWARDED_FOR="10.9.0.{n}")
    assert results == [200] * LIMIT + [429] * 3


def test_throttle_forged_forwarded_for_does_not_evade_the_limit_behind_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    results = statuses(
        client,
        "/api/indicators/",
        LIMIT + 3,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.0.{n}, 198.51.100.7",
    )
    assert results == [200] * LIMIT + [429] * 3


def test_throttle_counts_the_client_address_behind_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(LIMIT):
        client.get("/api/indicators/", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    spent = client.get("/api/indicators/", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    other = client.get("/api/indicators/", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert (spent.status_code, other.status_code) == (429, 200)


def test_throttle_answer_says_when_to_retry(client):
    for _ in range(LIMIT):
        client.get("/api/indicators/")
    response = client.get("/api/indicators/")
    assert response.status_code == 429
    # The window of a minute started 30 seconds before NOW.
    assert response["Retry-After"] == "30"


def callbacks(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from callbacks(entry)
        else:
            yield entry.callback


def api_views() -> list:
    """Every view under /api/: the viewsets, the API root, the schema and the docs."""
    (api,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == "api/"
    ]
    return list(callbacks(api))


def test_throttle_is_the_one_class_of_every_api_view():
    views = api_views()
    assert len(views) >= 14  # six lists, six details, the schema, the docs (and the API root)
    for view in views:
        assert issubclass(view.cls, APIView)
        assert view.cls.throttle_classes == [ClientAddressThrottle], view.cls
    assert list(api_settings.DEFAULT_THROTTLE_CLASSES) == [ClientAddressThrottle]


@pytest.mark.parametrize("path", ["/api/schema/?format=json", "/api/docs/"])
def test_throttle_counts_the_schema_and_docs_with_the_api(client, path):
    for _ in range(LIMIT):
        client.get("/api/indicators/")
    assert client.get(path).status_code == 429


def test_throttle_counts_in_the_default_cache(client):
    for _ in range(LIMIT):
        client.get("/api/indicators/")
    assert client.get("/api/indicators/").status_code == 429
    caches["default"].clear()
    assert client.get("/api/indicators/").status_code == 200


@pytest.fixture
def redis_connections():
    """Two separate connections to one Redis, as two app processes have."""
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    connections = [RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2)]
    try:
        connections[0].get("ping")
    except Exception as error:  # noqa: BLE001 - say what is missing, whatever the client raised
        pytest.fail(f"These tests need Redis at {REDIS_URL}: {error}")
    yield connections
    # Clear what the test counted (only its own keys: another run may share this database).
    client = connections[0]._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    for connection in connections:
        connection.close()


def api_request(address: str):
    request = RequestFactory().get("/api/claims/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def throttle_with(cache) -> ClientAddressThrottle:
    throttle = ClientAddressThrottle()
    throttle.cache = cache
    return throttle


def test_throttle_two_processes_share_one_count_in_redis(redis_connections):
    request = api_request("203.0.113.9")
    allowed = [
        throttle_with(redis_connections[n % 2]).allow_request(request, None)
        for n in range(LIMIT + 4)
    ]
    assert allowed == [True] * LIMIT + [False] * 4


def test_throttle_concurrent_requests_in_two_processes_are_all_counted(redis_connections):
    """Requests at the same moment from two processes: none is lost from the count."""
    limit = 20
    request = api_request("203.0.113.10")
    start = threading.Barrier(8)
    allowed: list[bool] = []
    lock = threading.Lock()

    def burst(cache) -> None:
        throttle_class = type("Burst", (ClientAddressThrottle,), {"rate": f"{limit}/minute"})
        start.wait()
        for _ in range(10):
            throttle = throttle_class()
            throttle.cache = cache
            result = throttle.allow_request(request, None)
            with lock:
                allowed.append(result)

    threads = [threading.Thread(target=burst, args=(redis_connections[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 80
    assert allowed.count(True) == limit


def test_throttle_counts_a_malformed_forwarded_address_like_any_other(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2  # one proxy too many: the client writes the counted value
    results = statuses(
        client, "/api/indicators/", LIMIT + 1, HTTP_X_FORWARDED_FOR="not an address\t, 10.0.0.2"
    )
    assert results == [200] * LIMIT + [429]
