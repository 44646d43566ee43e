import pytest

from tests.clients import TwoFactorClient
from tests.factories import make_user


@pytest.fixture
def client():
    """pytest-django's test client, whose ``force_login`` also passes the second step.

    ``client.force_login(user, verified=False)`` leaves the session half logged in.
    """
    return TwoFactorClient()


@pytest.fixture
def contributor(db):
    return make_user("contributor")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer")


@pytest.fixture
def second_reviewer(db):
    return make_user("reviewer")


@pytest.fixture
def admin_user(db):
    return make_user("admin")


@pytest.fixture
def demo_data(db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploaded files of each test in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_caches():
    """Start every test with empty caches: a rolled-back test leaves the data version as it was."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Restore the language after each test: a request to /es/ leaves Spanish active."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session")
def migrated_apps(django_db_setup, django_db_blocker):
    """The app registry as the migrations leave it, for re-running a data migration."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    with django_db_blocker.unblock():
        return MigrationLoader(connection).project_state().apps


@pytest.fixture
def roles(transactional_db, migrated_apps) -> None:
    """Recreate the role groups of the data migration, which a transactional test's flush empties.

    (``serialized_rollback`` proved unreliable here: when other database tests ran first, its
    snapshot was missing and the groups were not restored.)
    """
    from tracker.roles import sync_groups

    sync_groups(migrated_apps)
