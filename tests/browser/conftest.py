"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

The journeys run under the product's own Content-Security-Policy (no ``bypass_csp``): a
CSP refusal, a JavaScript error or a static file that fails to load fails the test. axe-core
is injected through the DevTools protocol (``page.evaluate``), which a page's CSP does not
govern, so the audit needs no exception to the policy either.
"""

import os
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from ..conftest import passed_second_factor

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is deliberate. Django reads the
# variable at each call, so setting it here, before any test runs, is enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artefacts" / "screenshots"
PASSWORD = "a long pass phrase for the browser tests"


def pytest_collection_modifyitems(items):
    # pytest-playwright 0.10 defines its fallback base_url fixture as a method, which pytest 9
    # warns about on every run; nothing here can change it.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:Session-scoped fixtures defined as instance methods"
                    ":pytest.PytestRemovedIn10Warning"
                )
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        # Part of the required suite: a missing browser is a failure, not a skip.
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}. "
            "Install it with `sudo apt-get install chromium` (Debian) or point the CHROMIUM "
            "environment variable at a Chromium or Chrome executable. "
            "`playwright install` is not used.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The council's staff: British English and London time (Accept-Language, Intl, dates).
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def type_date(page):
    """Types a date into the GOV.UK date input whose Day box has the focus: the day, Tab,
    the month, Tab, the year, as a person does with the keyboard (over what each box
    held)."""

    def type_date(day):
        for i, part in enumerate((day.day, day.month, day.year)):
            if i:
                page.keyboard.press("Tab")
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(str(part))

    return type_date


@pytest.fixture(scope="module", autouse=True)
def _serialized_data_in_playwrights_context(django_db_setup, playwright):
    """Gives the database connection the browser tests use the migrations' data to restore.

    Once Playwright runs its event loop in this thread, Django's connection handler (an
    asgiref Local) hands this thread a new connection, without the data Django serialized
    when it made the test database on the first one (when other tests ran before). Without
    it, serialized_rollback restores nothing and the roles are gone after the first
    browser test. Module scope: it runs before the test's database set-up."""
    from django.db import connections

    from ..conftest import SERIALIZED_AT_SETUP

    for alias, contents in SERIALIZED_AT_SETUP.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class BrowserProblems:
    """What the browser complained of: CSP refusals, script errors, failed sub-resources."""

    items: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.items, "The browser reported problems:\n" + "\n".join(self.items)


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(context, problems):
    """pytest-playwright's page, watched: any console error (a CSP "Refused to ..." is
    one), uncaught exception or failed static file is recorded and fails the test."""
    page = context.new_page()
    page.set_default_timeout(10_000)

    def on_console(message):
        text = message.text
        # Chromium 156 says "Executing inline script violates the following Content
        # Security Policy directive ..."; earlier versions "Refused to execute ...".
        if "Refused to" in text or "Content Security Policy" in text:
            problems.items.append(f"CSP: {text} ({page.url})")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # A page answered with 400 (a form with errors) logs "Failed to load resource"
            # for the document itself; sub-resources are checked in on_response instead.
            problems.items.append(f"console error: {text} ({page.url})")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.items.append(f"{response.status} for {response.url} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.items.append(f"page error: {error} ({page.url})"))
    page.on("requestfailed", lambda request: _request_failed(problems, request, page))
    page.on("response", on_response)
    yield page
    page.close()
    problems.check()


def _request_failed(problems, request, page):
    # A download is handed to the browser's download manager and reported as aborted.
    if request.failure == "net::ERR_ABORTED" and request.resource_type == "document":
        return
    # The browser fetches the icon on its own after the page has loaded and cancels the
    # fetch when the test moves to the next page first; a missing icon is still caught,
    # as a 404, by on_response.
    if request.failure == "net::ERR_ABORTED" and request.url.endswith("/favicon.svg"):
        return
    problems.items.append(f"request failed: {request.url} {request.failure} ({page.url})")


@pytest.fixture
def browse(live_server):
    """Opens live-server paths: ``browse(page, "/dashboard/")``."""

    def go(page, path):
        response = page.goto(live_server.url + path)
        assert response is not None
        return response

    return go


@pytest.fixture
def sign_in(live_server):
    """Signs a user in by giving the browser a session cookie (the login form itself is
    exercised by the first journey and the login page's audit)."""

    def sign_in(context, user):
        session = import_module(django_settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        passed_second_factor(session, user)
        session.create()
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return sign_in


@pytest.fixture
def screenshot():
    """Saves a full-page PNG under artefacts/screenshots/<journey>/<name>.png."""

    def shoot(page, journey, name):
        folder = SCREENSHOTS / journey
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
