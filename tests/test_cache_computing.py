"""A missing cache entry is computed once while the others asking for it wait for it."""

import threading
import time

import pytest
from django.core.cache import caches

from tracker import public_cache
from tracker.public_cache import cache_key, get_or_compute

PARTS = ("claims", "en", "country=SV")


class SlowCount:
    """A computation that takes a while and counts how often it ran."""

    def __init__(self, seconds: float = 0.3, value="facets"):
        self.seconds, self.value, self.calls = seconds, value, 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1
        time.sleep(self.seconds)
        return self.value


def ask_at_once(compute, readers: int = 4, **kwargs) -> list:
    results = [None] * readers

    def read(index):
        results[index] = get_or_compute("list", 7, PARTS, compute, **kwargs)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


def test_readers_missing_one_entry_at_once_compute_it_once():
    compute = SlowCount()
    assert ask_at_once(compute) == ["facets"] * 4
    assert compute.calls == 1
    assert caches["default"].get(f"{cache_key('list', 7, *PARTS)}:computing") is None


def test_a_value_not_kept_is_computed_by_each_reader():
    compute = SlowCount(seconds=0.1)
    assert ask_at_once(compute, readers=3, keep=lambda value: False) == ["facets"] * 3
    assert compute.calls == 3


def test_a_reader_waits_for_a_flag_left_behind_only_so_long(monkeypatch):
    monkeypatch.setattr(public_cache, "COMPUTE_WAIT", 0.2)
    caches["default"].add(f"{cache_key('list', 7, *PARTS)}:computing", 1, 60)
    started = time.monotonic()
    assert get_or_compute("list", 7, PARTS, lambda: "facets") == "facets"
    assert 0.2 <= time.monotonic() - started < 2


def test_a_failed_computation_lets_the_next_reader_compute():
    def fail():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        get_or_compute("list", 7, PARTS, fail)
    started = time.monotonic()
    assert get_or_compute("list", 7, PARTS, lambda: "facets") == "facets"
    assert time.monotonic() - started < 0.5


def test_each_version_is_computed_on_its_own():
    assert get_or_compute("list", 7, PARTS, lambda: "before") == "before"
    assert get_or_compute("list", 8, PARTS, lambda: "after") == "after"
    assert get_or_compute("list", 7, PARTS, lambda: "recomputed") == "before"
