import psycopg
import pytest
from django.conf import settings as django_settings

from .factories import UserFactory


def pytest_sessionstart(session):
    """The suite runs against PostgreSQL; say so plainly when it is not there."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The tests run against PostgreSQL: set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/ombudsman (`make test` does this).",
            returncode=2,
        )
    try:
        psycopg.connect(
            host=db["HOST"] or "localhost",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT'] or 5432} ({exc}). "
            "Start it, or set DATABASE_URL to a server that answers.",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Templates must render without a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", role="Complaints officers")


@pytest.fixture
def service_manager(db):
    return UserFactory(username="service.manager", role="Service managers")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role="Managers")


@pytest.fixture
def monitoring_officer(db):
    return UserFactory(username="monitoring", role="Monitoring officers")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
