import subprocess
import sys
from pathlib import Path

from tests.processes import child_env

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in child_env().items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_start_without_secret_key_in_production():
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_start_with_a_secret_key_in_production():
    result = run_check(SECRET_KEY="a-long-random-production-key", ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_settings_start_without_secret_key_in_development():
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr


def cache_setting(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in child_env().items()
        if key not in {"CACHE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    env.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env_overrides)
    setup = "import django; django.setup(); from django.conf import settings; "
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def cache_backend(**env_overrides) -> str:
    overrides = {"DEBUG": "1", **env_overrides}
    result = cache_setting("print(settings.CACHES['default']['BACKEND'])", **overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_cache_is_local_memory_in_development():
    assert cache_backend() == "django.core.cache.backends.locmem.LocMemCache"


def test_settings_cache_is_the_local_redis_in_production():
    result = cache_setting(
        "print(settings.CACHES['default']['LOCATION'], settings.CACHES['default']['KEY_PREFIX'])",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-key",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker_site",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://127.0.0.1:6379/0", "tracker:tracker_site"]


def test_settings_cache_is_local_memory_when_asked_in_production():
    backend = cache_backend(DEBUG="0", SECRET_KEY="a-long-random-key", CACHE_URL="locmem://")
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_settings_refuse_an_unknown_cache_url():
    result = cache_setting("", DEBUG="1", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must start with" in result.stderr


def test_settings_cache_is_redis_with_redis_url():
    backend = cache_backend(REDIS_URL="redis://127.0.0.1:6379/3")
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_settings_start_up_keeps_the_login_protection_banner_quiet():
    # `make run` starts three processes (the worker, the reloader and the server): a banner
    # each process printed would be printed three times.
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "AXES: BEGIN" not in result.stdout + result.stderr


def test_settings_log_each_development_server_message_once():
    env = {**child_env(), "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    code = "import django, logging; django.setup(); "
    code += "logging.getLogger('django.utils.autoreload').info('Watching for file changes')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Watching for file changes") == 1
