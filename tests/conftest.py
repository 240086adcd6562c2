from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from ombudsman.dbcheck import postgres_problem

from .factories import (
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)


def pytest_sessionstart(session):
    """The suite runs against PostgreSQL; say so plainly when it is not there."""
    problem = postgres_problem(django_settings.DATABASES["default"])
    if problem:
        pytest.exit(problem, returncode=2)


# The tests `make test-fast` (pytest -m "not slow") leaves out: those that drive a browser,
# start a Celery worker, Redis or an OpenID Connect provider of their own, generate
# hundreds of inputs (Hypothesis), load the whole demo, or take more than about two
# seconds on their own (measured with --durations). The whole suite, `make test`, runs them all.
TESTS = Path(__file__).parent
SLOW_FOLDERS = {"browser", "hostile"}
SLOW_FILES = {
    "test_celery_worker.py",
    "test_outbox_worker.py",
    "test_demo.py",
    "test_demo_fresh.py",
    "test_sso.py",  # starts an OpenID Connect provider; each sign-in goes through it
}
SLOW_TESTS = {
    "test_access.py": {
        "test_each_role_gets_the_status_in_the_matrix_for_every_page",
        "test_every_form_the_matrix_sends_is_saved_when_an_allowed_user_sends_it",
    },
    "test_reports.py": {
        "test_the_pdf_is_tagged_with_title_language_and_a_reading_order",
        "test_annual_report_has_the_letters_figures_against_the_averages",
    },
    "test_upload_limits.py": {"test_a_word_document_of_thousands_of_parts_is_not_evidence"},
    "test_platform.py": {"test_the_migrations_and_the_decisions_search_run_on_the_embedded_sqlite"},
    "test_benchmark_pages.py": {
        "test_fills_times_each_page_under_load_and_leaves_the_sweep_undone"
    },
}


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests (above) ``slow``, by where they are rather than in each file."""
    stale = [name for name in [*SLOW_FOLDERS, *SLOW_FILES] if not (TESTS / name).exists()]
    for item in items:
        if TESTS not in item.path.parents:
            continue
        where = item.path.relative_to(TESTS)
        names = SLOW_TESTS.get(where.as_posix(), set())
        module = getattr(item, "module", None)
        stale += [f"{where}::{name}" for name in names if not hasattr(module, name)]
        if (
            where.parts[0] in SLOW_FOLDERS
            or where.name in SLOW_FILES
            or getattr(item, "originalname", item.name) in names
        ):
            item.add_marker(pytest.mark.slow)
    if stale:
        # A renamed test would otherwise drop out of the slow ones unnoticed.
        names = ", ".join(sorted(set(stale)))
        raise pytest.UsageError(f"tests/conftest.py marks as slow what is not there: {names}")


def pytest_terminal_summary(terminalreporter):
    """Print how many generated inputs the hostile-input tests tried, by form."""
    import sys

    module = sys.modules.get("tests.hostile.kit")
    tried = getattr(module, "INPUTS_TRIED", None)
    if not tried:
        return
    terminalreporter.write_sep("-", f"hostile inputs tried: {sum(tried.values()):,}")
    for name, count in sorted(tried.items()):
        terminalreporter.write_line(f"  {name}: {count:,}")


# The data the migrations put in the test database (roles, categories...), as Django
# serialized it when it made the database; see tests/browser/conftest.py.
SERIALIZED_AT_SETUP: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            SERIALIZED_AT_SETUP[alias] = contents


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Templates must render without a collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back at its end.

    What a module-scoped fixture writes under it (with ``django_db_blocker.unblock()``) is
    made once and read by each of the module's tests; pytest-django rolls each test's own
    changes back to a savepoint inside it. Every test of the module that runs after the
    fixture sees those rows, so a test that needs an empty database goes in another module.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


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


# The people, service areas and decision that the tests of owners, an action's Change page
# and assigning several actions share: a complaints officer, leads of two service areas
# (and an area with none), service managers to give work to, a manager, and a decision on a
# complaint filed under Adults. A test module's own fixture of the same name wins.


@pytest.fixture
def people(db):
    return {
        "officer": UserFactory(username="officer", first_name="Ona", last_name="Officer",
                               role="Complaints officers"),
        "jane": UserFactory(username="jane", first_name="Jane", last_name="Smith",
                            role="Service managers"),
        "lead": UserFactory(username="lead", first_name="Lea", last_name="Lead",
                            role="Service managers"),
        "housing lead": UserFactory(username="hlead", first_name="Hal", last_name="Housing",
                                    role="Service managers"),
        "owner": UserFactory(username="owner", first_name="Olu", last_name="Owner",
                             role="Service managers"),
        "manager": UserFactory(username="manager", role="Managers"),
    }  # fmt: skip


@pytest.fixture
def areas(people):
    return {
        "adults": ServiceAreaFactory(directorate="Adults", service="Care", lead=people["lead"]),
        "housing": ServiceAreaFactory(
            directorate="Place", service="Housing", lead=people["housing lead"]
        ),
        "no lead": ServiceAreaFactory(directorate="Place", service="Parks"),
    }


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Westmere Borough Council", is_home_authority=True)


@pytest.fixture
def decision(areas, council):
    complaint = ComplaintFactory(
        reference="24 005 859a", organisations=[council], service_area=areas["adults"]
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


@pytest.fixture(scope="session")
def provider(tmp_path_factory):
    """A real OpenID Connect provider on this machine (tests/oidc.py), started the first
    time a test asks for it."""
    from .oidc import Provider

    server = Provider(tmp_path_factory.mktemp("provider"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sso_settings(settings, provider):
    """The tracker set up for single sign-on with ``provider``, whose ID tokens are sound
    until a test switches them."""
    from ombudsman import sso

    from .oidc import CLIENT_ID, CLIENT_SECRET

    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_TIMEOUT = 2
    sso.forget_provider()
    provider.switch()
    yield settings
    sso.forget_provider()


def passed_second_factor(session, user) -> None:
    """Mark ``session`` as having passed ``user``'s second factor, as entering a code does
    (``ombudsman.two_factor``), for a person signed in by a test without the sign-in page;
    the second factor's own tests go through its pages."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ombudsman.two_factor import required

    if required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``Client.force_login`` (a test's shortcut past the sign-in page) signs in as far as
    the pages: past the second factor an administrator must give, too."""
    from django.contrib.auth import login as django_login
    from django.test import client as test_client

    def login(request, user, backend=None):
        django_login(request, user, backend)
        passed_second_factor(request.session, user)

    original = test_client.Client._login

    def _login(self, user, backend=None):
        monkeypatch.setattr("django.contrib.auth.login", login)
        try:
            original(self, user, backend)
        finally:
            monkeypatch.setattr("django.contrib.auth.login", django_login)

    monkeypatch.setattr(test_client.Client, "_login", _login)
