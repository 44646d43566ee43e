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
    from tests import factories

    with django_db_blocker.unblock():
        return factories.migrated_apps()


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def migrated_state(request):
    """What every migrated database and warmed-up process has, for every test using the database.

    A transactional test ends by emptying every table, which takes the role groups of the data
    migration with it: whatever ran before, each test starts with them. The content types are
    looked up once per process in production, so a test's query count does not depend on
    whether an earlier test looked them up.
    """
    uses_database = request.node.get_closest_marker("django_db") is not None or (
        DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database:
        return
    request.getfixturevalue("db")
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import restore_role_groups

    restore_role_groups()
    ContentType.objects.get_for_models(*apps.get_models())
