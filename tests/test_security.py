"""Login throttling, session expiry, passwords, security headers and production checks."""

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def officer_with_password(db):
    user = UserFactory(username="officer.a", role="Complaints officers")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


# Login throttling (django-axes) --------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_out_from_that_address(
    client, officer_with_password, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = _sign_in(client, "officer.a", "guess")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = _sign_in(client, "officer.a", "guess")
    assert response.status_code == 429
    # Even the right password is refused now, with a page saying why and for how long.
    response = _sign_in(client, "officer.a", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page
    assert "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_ends_after_the_cool_off(client, officer_with_password):
    for _ in range(5):
        _sign_in(client, "officer.a", "guess")
    assert _sign_in(client, "officer.a", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _sign_in(client, "officer.a", PASSWORD).status_code == 302


def test_a_lockout_is_for_that_user_from_that_address_only(client, officer_with_password):
    other = UserFactory(username="officer.b", role="Complaints officers")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(5):
        _sign_in(client, "officer.a", "guess")
    # A colleague in the same office signs in; the user from another address too.
    assert _sign_in(client, "officer.b", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "officer.a", PASSWORD, address="10.0.0.2").status_code == 302


def test_signing_in_resets_the_count_of_failures(client, officer_with_password):
    for _ in range(4):
        _sign_in(client, "officer.a", "guess")
    assert _sign_in(client, "officer.a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _sign_in(client, "officer.a", "guess").status_code == 200
    assert _sign_in(client, "officer.a", PASSWORD).status_code == 302


def _behind_proxies(settings, monkeypatch, count):
    """Apply the lockout's address settings as ombudsman/settings.py makes them for
    AXES_PROXY_COUNT=count."""
    monkeypatch.setenv("AXES_PROXY_COUNT", str(count))
    spec = importlib.util.spec_from_file_location(
        "ombudsman.settings_under_test", ROOT / "ombudsman" / "settings.py"
    )
    made = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(made)
    for name in dir(made):
        if name.startswith(("AXES_IPWARE_", "IPWARE_")):
            setattr(settings, name, getattr(made, name))


VICTIM = "198.51.100.7"
ATTACKER = "203.0.113.66"
PROXY = "10.0.0.254"


@pytest.mark.parametrize(
    "forged", [VICTIM, f"{VICTIM}, {PROXY}", f"{VICTIM}, not-an-address", ", ".join([VICTIM] * 9)]
)
def test_a_forged_forwarded_address_locks_out_only_the_sender_with_no_proxy(
    client, officer_with_password, settings, monkeypatch, forged
):
    _behind_proxies(settings, monkeypatch, 0)
    for _ in range(5):
        client.post(
            "/login/",
            {"username": "officer.a", "password": "guess"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=forged,
        )
    assert _sign_in(client, "officer.a", PASSWORD, address=ATTACKER).status_code == 429
    # The officer at the address the attacker wrote in the header is not locked out.
    assert _sign_in(client, "officer.a", PASSWORD, address=VICTIM).status_code == 302


def _through_proxy(client, password, client_address, forged=None):
    # The proxy appends the address it was reached from to whatever the client sent.
    header = f"{forged}, {client_address}" if forged else client_address
    return client.post(
        "/login/",
        {"username": "officer.a", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=header,
    )


@pytest.mark.parametrize(
    "forged",
    [None, VICTIM, f"{VICTIM}, {PROXY}", f"{VICTIM}, not-an-address", ", ".join([VICTIM] * 9)],
)
def test_behind_one_proxy_a_lockout_is_for_the_clients_address_not_the_proxys(
    client, officer_with_password, settings, monkeypatch, forged
):
    _behind_proxies(settings, monkeypatch, 1)
    for _ in range(5):
        _through_proxy(client, "guess", ATTACKER, forged)
    assert _through_proxy(client, PASSWORD, ATTACKER).status_code == 429
    # Everyone comes from the proxy's address; the officer elsewhere still signs in.
    assert _through_proxy(client, PASSWORD, VICTIM).status_code == 302


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_a_user_name_too_long_to_be_anyones_is_refused_next_to_the_field(client, url):
    # Longer than any user name (150) and than django-axes can record (255): it used to
    # reach authenticate() and fail with a server error.
    response = client.post(url, {"username": "x" * 300, "password": "guess"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 150 characters" in page
    assert "_auth_user_id" not in client.session


# Sessions --------------------------------------------------------------------------------


def test_a_session_ends_after_an_hour_without_activity(client, officer_with_password):
    assert _sign_in(client, "officer.a", PASSWORD).status_code == 302
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=50)):
        assert client.get("/decisions/").status_code == 200
    # Activity moved the expiry on: 100 minutes after signing in, 50 after the last request.
    with time_machine.travel(start + timedelta(minutes=100)):
        assert client.get("/decisions/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=161)):
        response = client.get("/decisions/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_stay_signed_in_moves_the_expiry_on(client, officer_with_password):
    _sign_in(client, "officer.a", PASSWORD)
    start = timezone.now()
    page = client.get("/decisions/").content.decode()
    # The warning is on every page, told when the session ends.
    assert 'id="session-timeout"' in page
    assert 'data-idle-seconds="3600"' in page
    with time_machine.travel(start + timedelta(minutes=58)):
        assert client.post("/session/extend/").status_code == 204
    with time_machine.travel(start + timedelta(minutes=117)):
        assert client.get("/decisions/").status_code == 200
    assert client.get("/session/extend/").status_code == 405


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client, officer_with_password):
    response = _sign_in(client, "officer.a", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # a browser-session cookie
    assert not cookie["expires"]


# Passwords -------------------------------------------------------------------------------


def _change_password(client, new, again=None):
    return client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": again or new},
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-pw-1", "This password is too short. It must contain at least 12 characters."),
        ("123456789012345", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("officer.a.2024x", "The password is too similar to the username."),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(
    client, officer_with_password, new, message
):
    client.force_login(officer_with_password)
    response = _change_password(client, new)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem: your password has not been changed" in page
    assert message in page.replace("&#x27;", "'")
    officer_with_password.refresh_from_db()
    assert officer_with_password.check_password(PASSWORD)


def test_changing_ones_password(client, officer_with_password):
    client.force_login(officer_with_password)
    page = client.get("/decisions/").content.decode()
    assert 'href="/account/password/"' in page
    response = _change_password(client, "correct horse battery staple", None)
    assert response.status_code == 302
    # Still signed in, and told.
    assert "Your password has been changed" in client.get("/", follow=True).content.decode()
    officer_with_password.refresh_from_db()
    assert officer_with_password.check_password("correct horse battery staple")


def test_the_admin_refuses_a_weak_password_for_a_new_user(admin_client):
    count = get_user_model().objects.count()
    response = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "new.officer", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert get_user_model().objects.count() == count


# Headers ---------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def test_every_page_has_a_strict_content_security_policy(client, officer_with_password):
    client.force_login(officer_with_password)
    for url in ["/login/", "/decisions/", "/decisions/new/", "/statistics/"]:
        response = client.get(url)
        policy = _csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_every_page_denies_the_camera_microphone_location_and_payment(
    client, officer_with_password
):
    pages = [client.get("/login/")]
    client.force_login(officer_with_password)
    pages += [client.get("/decisions/"), client.get("/no-such-page/")]
    for response in pages:
        policy = dict(
            part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (response.request["PATH_INFO"], feature)


def test_nothing_sent_to_someone_signed_in_may_be_stored(client, officer_with_password):
    client.force_login(officer_with_password)
    for url in ["/decisions/", "/decisions/download.csv", "/decisions/download.xlsx",
                "/actions/mine/", "/statistics/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, url
    client.logout()
    # Anyone's: the sign-in page keeps Django's own never-cache headers.
    assert "no-store" in client.get("/login/")["Cache-Control"]


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def test_no_page_template_has_inline_script_or_style():
    # Which the policy would block: every behaviour lives in static/src/app.js. E-mails
    # (not served) and the PDF templates (WeasyPrint, no browser) are not pages.
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        relative = path.relative_to(ROOT / "templates")
        if relative.parts[0] in ("emails", "pdf"):
            continue
        text = path.read_text()
        for pattern in (_INLINE_SCRIPT, _EVENT_HANDLER, _STYLE):
            offenders += [f"{relative}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


# Production settings ---------------------------------------------------------------------


def _production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ombudsman.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tracker.example.gov.uk,testserver",
        SITE_URL="https://tracker.example.gov.uk",
        DATABASE_URL="sqlite:///:memory:",
        **extra,
    )
    return env


@pytest.mark.parametrize(
    "key", [secrets.token_hex(20), "ab" * 30, "django-insecure-" + secrets.token_urlsafe(50)]
)
def test_production_refuses_to_start_with_a_key_check_deploy_would_call_weak(key):
    # 40 random characters passed the start-up check while `check --deploy` wants 50.
    env = {**_production_env(), "SECRET_KEY": key}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import ombudsman.settings"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "set SECRET_KEY to a random value of at least 50 characters" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


_PRODUCTION_PROBE = """
import django
django.setup()
from django.conf import settings
# Pages name their static files through the manifest, which collectstatic writes; the
# probe has none, so it serves them plain (as the test suite does).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
get_user_model().objects.create_user("probe", password="a-long-enough-passphrase")
client = Client()
plain = client.get("/login/")
print("plain", plain.status_code, plain["Location"])
secure = client.get("/login/", secure=True)
print("hsts", secure["Strict-Transport-Security"])
signed_in = client.post(
    "/login/", {"username": "probe", "password": "a-long-enough-passphrase"}, secure=True
)
for name in ("sessionid", "csrftoken"):
    cookie = signed_in.cookies[name]
    print("cookie", name, bool(cookie["secure"]), bool(cookie["httponly"]))
"""


def test_production_serves_https_only_with_hsts_and_secure_cookies():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "plain 301 https://testserver/login/" in lines
    assert "hsts max-age=31536000; includeSubDomains; preload" in lines
    assert "cookie sessionid True True" in lines
    assert "cookie csrftoken True True" in lines
