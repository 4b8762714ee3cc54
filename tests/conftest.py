import pytest
from django.db import connection

from tests.accounts.factories import StaffFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` (row locks, concurrency) run only against PostgreSQL (CI)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="nécessite PostgreSQL (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def greffe(db):
    """A greffe officer of no establishment (tests of a module that needs one give their own)."""
    return StaffFactory(username="greffe", role="greffe")


@pytest.fixture
def communication(db):
    """The communication officer: the CMS only, no Django admin."""
    return StaffFactory(username="communication", role="communication", is_staff=False)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Production hashes passwords with PBKDF2 (slow by design); the tests need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _french_outside_requests():
    """Each test starts and ends in French, the source: a request to /en/ or /ar/ activates its language in the
    test's thread (as each request of a server does), which must not leak into the next test's French asserts."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _portal_at_its_configured_address(settings):
    """The tests reach the portal at PORTAL_BASE_URL (or at the live server they set it to): the embedded default's
    following of the request's host and port (core.addresses) is off unless a test turns it on."""
    settings.PORTAL_BASE_URL_FROM_REQUEST = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what an earlier test cached (the site's menus, rate limits)
    belongs to data its rollback took away."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _celery_tasks_in_process():
    """Tasks sent by the code under test run in-process, even when CI gives a Redis broker: no
    worker consumes the test's queue, and a worker would not see the test's uncommitted rows.
    Tests of the real worker path switch this off themselves (tests/config/test_celery.py, bench/)."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def restore_migrated_data() -> None:
    """Put back what the migrations wrote and a transactional test's flush took away: content types,
    permissions and the role groups (post_migrate), Wagtail's locale, root page and root collection.
    Idempotent. (Serialized rollback is not used: its restore clashes with rows recreated here.)"""
    from django.conf import settings as django_settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS
    from wagtail.models import Collection, Locale, Page

    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    Locale.objects.get_or_create(language_code=django_settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Racine", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Racine")


@pytest.fixture(autouse=True)
def _migrated_data_in_transactional_tests(request):
    """Transactional tests (live_server, threads) start from a database emptied by the previous one's
    flush: give them the migrations' data back before they run."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_migrated_data()
