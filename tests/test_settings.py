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


def cache_backend(**env_overrides) -> str:
    env = {
        key: value for key, value in child_env().items() if key not in {"CACHE_URL", "REDIS_URL"}
    }
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="tracker.settings", **env_overrides)
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_cache_is_local_memory_by_default():
    assert cache_backend() == "django.core.cache.backends.locmem.LocMemCache"


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
