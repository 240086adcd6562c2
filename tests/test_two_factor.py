"""The second factor of password sign-ins: setting up an authenticator app (its QR code,
a code to show it works, ten recovery codes), signing in with a code, a wrong code, a
recovery code used once, throttling; administrators, and everyone when the setting says
so, must have one; the rest are offered it; single sign-on is not asked for it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombudsman.roles import COMPLAINTS_OFFICERS

from .factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long pass phrase for the second factor"  # noqa: S105


def _admin():
    admin = UserFactory(username="ada", password=PASSWORD)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def _code(device, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():06d}"


def _sign_in(client, username, next_url="/"):
    return client.post("/login/", {"username": username, "password": PASSWORD, "next": next_url})


def _set_up(client):
    """Set up the app on the set-up page; the recovery codes shown."""
    page = client.get("/account/two-factor/set-up/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/account/two-factor/set-up/", {"code": _code(device), "next": "/"})
    assert response.status_code == 200
    return re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", response.content.decode())


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(client):
    _admin()
    response = _sign_in(client, "ada", "/admin/")
    assert response["Location"] == "/admin/"
    # Every page but signing in and out sends them to set one up first.
    for url in ["/admin/", "/dashboard/", "/account/password/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-factor/set-up/?next="), url
    page = client.get("/account/two-factor/set-up/?next=/admin/").content.decode()
    assert "Set up a second factor" in page
    assert "Your account must have a second factor before you can go on" in page
    assert "<svg" in page and "QR code to scan with the authenticator app" in page
    device = TOTPDevice.objects.get(user__username="ada")
    assert not device.confirmed
    assert device.config_url.startswith("otpauth://totp/Ombudsman%20decision%20tracker%3Aada")
    # A wrong code: said next to the field, nothing set up.
    response = client.post("/account/two-factor/set-up/", {"code": "000000", "next": "/admin/"})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # The right one: set up, with ten recovery codes shown once, and the pages open.
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        response = client.post(
            "/account/two-factor/set-up/", {"code": _code(device), "next": "/admin/"}
        )
        page = response.content.decode()
        assert "Your second factor is set up" in page
        codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", page)
        assert len(set(codes)) == 10
        assert 'href="/admin/"' in page
        assert client.get("/admin/").status_code == 200


def test_signing_in_with_a_code_a_wrong_code_and_throttling(client):
    _admin()
    _sign_in(client, "ada")
    _set_up(client)
    device = TOTPDevice.objects.get(user__username="ada", confirmed=True)
    client.logout()

    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False) as clock:
        response = _sign_in(client, "ada", "/decisions/")
        assert response["Location"] == "/decisions/"
        response = client.get("/decisions/")
        assert response["Location"] == "/account/two-factor/code/?next=%2Fdecisions%2F"
        page = client.get(response["Location"]).content.decode()
        assert "Enter the code from your authenticator app" in page
        # A wrong code, then the right one at once: throttled, and said how long.
        response = client.post(
            "/account/two-factor/code/", {"code": "123456", "next": "/decisions/"}
        )
        assert response.status_code == 400
        assert "The code is not right" in response.content.decode()
        response = client.post(
            "/account/two-factor/code/", {"code": _code(device), "next": "/decisions/"}
        )
        assert "Too many wrong codes: wait 1 second" in response.content.decode()
        assert client.get("/decisions/").status_code == 302
        # Each wrong code doubles the wait.
        clock.shift(2)
        client.post("/account/two-factor/code/", {"code": "654321"})
        response = client.post("/account/two-factor/code/", {"code": _code(device)})
        assert "wait 2 seconds" in response.content.decode()
        clock.shift(3)
        response = client.post(
            "/account/two-factor/code/", {"code": _code(device), "next": "/decisions/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/decisions/"
        assert client.get("/decisions/").status_code == 200
        device.refresh_from_db()
        assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once(client):
    _admin()
    _sign_in(client, "ada")
    codes = _set_up(client)
    for attempt in range(2):
        client.logout()
        _sign_in(client, "ada")
        response = client.post(
            "/account/two-factor/code/", {"code": codes[0].upper(), "next": "/dashboard/"}
        )
        if attempt == 0:
            assert response["Location"] == "/dashboard/"
            assert StaticToken.objects.count() == 9
        else:
            assert response.status_code == 400
            assert "The code is not right" in response.content.decode()
            assert client.get("/dashboard/").status_code == 302


def test_the_rest_are_offered_a_second_factor_and_asked_once_they_have_one(client):
    UserFactory(username="oli", role=COMPLAINTS_OFFICERS, password=PASSWORD)
    _sign_in(client, "oli")
    page = client.get("/dashboard/").content.decode()
    assert 'href="/account/two-factor/">Second factor</a>' in page
    page = client.get("/account/two-factor/").content.decode()
    assert "Your account is opened by your password alone" in page
    _set_up(client)
    page = client.get("/account/two-factor/").content.decode()
    assert "You have 10 recovery codes left" in page
    # New recovery codes replace the old.
    old = set(StaticToken.objects.values_list("token", flat=True))
    page = client.post("/account/two-factor/").content.decode()
    new = set(re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", page))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.values_list("token", flat=True)) == new
    client.logout()
    _sign_in(client, "oli")
    assert client.get("/dashboard/")["Location"].startswith("/account/two-factor/code/")


def test_the_setting_requires_it_of_everyone(client, settings):
    UserFactory(username="oli", role=COMPLAINTS_OFFICERS, password=PASSWORD)
    _sign_in(client, "oli")
    assert client.get("/dashboard/").status_code == 200
    client.logout()
    settings.SECOND_FACTOR_FOR_EVERYONE = True
    _sign_in(client, "oli")
    assert client.get("/dashboard/")["Location"].startswith("/account/two-factor/set-up/")


def test_single_sign_on_is_not_asked_for_this_second_factor(client, settings):
    user = UserFactory(username="sso-person", role=COMPLAINTS_OFFICERS)
    user.set_unusable_password()
    user.save()
    client.force_login(user, backend="ombudsman.sso.SingleSignOnBackend")
    settings.SECOND_FACTOR_FOR_EVERYONE = True
    page = client.get("/dashboard/")
    assert page.status_code == 200
    # Nor offered a password of its own to change.
    assert "Change password" not in page.content.decode()


def test_a_code_of_any_shape_is_refused_by_the_field_never_a_server_error(client):
    _admin()
    _sign_in(client, "ada")
    _set_up(client)
    client.logout()
    _sign_in(client, "ada")
    for code in ["", " ", "x" * 21, "12 34 56", "-", "\u202e123456", "1e6"]:
        response = client.post("/account/two-factor/code/", {"code": code})
        assert response.status_code == 400, code
        assert "govuk-error-message" in response.content.decode(), code
    assert Group.objects.exists()  # the session and the database are still fine


def test_a_session_begun_before_any_request_notes_whether_there_is_an_app():
    """Pages read from the session whether the person has an authenticator app (no query
    a page); a process that signs someone in before serving any request (the benchmark's,
    a worker's first sign-in) must note it too, so the note is hooked up when Django
    starts, not when the middleware first loads. A fresh interpreter, as such a process."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth.signals import user_logged_in\n"
        "names = [r() and r().__name__ for _key, r, *_ in user_logged_in.receivers]\n"
        "print('_note_whether_set_up' in names)\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, our own settings
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "True", done.stderr
