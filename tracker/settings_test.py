"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# One cache per process, emptied by the suite between tests (and by child processes' own start).
os.environ.setdefault("CACHE_URL", "locmem://")

from tracker.settings import *  # noqa: E402,F403
from tracker.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the finders, without a collectstatic run before the tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A replica alias mirroring the test database, for the router's tests. Routing stays off unless a
# test turns it on: a mirror's connection does not see rows written inside a test's transaction.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
# Tasks run at once, inside the request or command that enqueues them (one test starts the real
# worker: tests/test_import_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No background refresh after decisions: a thread would not see a test's uncommitted rows (the
# refresh's own tests run it).
REFRESH_AHEAD = False
