from urllib.parse import urlsplit

import pytest
from axes.utils import reset as axes_reset
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from .kit import (
    INPUTS_TRIED,
    NUL,
    PASSWORD,
    SCRIPT,
    _filled,
    _fuzzable,
    check_refused,
    examples,
    follow,
    named,
    page_form,
    rolled_back,
    row_counts,
    signed_in,
    slots,
    spoil,
)

pytestmark = pytest.mark.django_db

# --- Signing in ------------------------------------------------------------------------------


@examples(30)
@given(picks=slots)
@named("username", choice_field="next")
@example(picks={"password": SCRIPT})
@example(picks={"next": "//evil.example/"})
@example(picks={"next": "javascript:alert(1)"})
def test_signing_in_refuses_hostile_input(officer, picks):
    INPUTS_TRIED["sign in"] += 1
    with rolled_back():
        axes_reset()  # failed attempts of earlier examples never lock this one out
        client = Client()
        form = page_form(client.get("/login/").content.decode(), "username")
        form = _filled(form, {"username": "officer", "password": PASSWORD})
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        response = client.post("/login/", form.data(spoilt))
        if response.status_code == 302:
            # Signed in (the name and password were left right): never sent off the site.
            target = urlsplit(response["Location"])
            assert not target.scheme and not target.netloc, response["Location"]
            assert "\\" not in response["Location"][:2]
        else:
            check_refused(response, before, spoilt)


# --- Changing one's password ------------------------------------------------------------


@examples(12)  # each example hashes passwords: slow on purpose
@given(picks=slots, same_twice=st.booleans())
@named("new_password1", same_twice=True)
@example(picks={"old_password": NUL}, same_twice=False)
@example(picks={"new_password1": "12345678901234567890"}, same_twice=True)
def test_changing_ones_password_refuses_or_changes_it(officer, picks, same_twice):
    """From the right current password and a strong new one: refused with the reason next
    to the field and the old password still good, or changed to exactly what was typed."""
    INPUTS_TRIED["change password"] += 1
    url = "/account/password/"
    officer.refresh_from_db()  # an earlier example's change was rolled back
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "new_password1")
        new = "a fresh and long pass phrase"
        fill = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        form = _filled(form, fill)
        spoilt = spoil(form, _fuzzable(form), picks)
        if same_twice and "new_password1" in spoilt:
            spoilt["new_password2"] = spoilt["new_password1"]
        before = row_counts()
        response = client.post(url, form.data(spoilt))
        officer.refresh_from_db()
        if response.status_code == 302:
            follow(client, response)
            typed = form.data(spoilt)["new_password1"][0]
            assert officer.check_password(typed), "Changed, but not to what was typed."
        else:
            check_refused(response, before, spoilt)
            assert officer.check_password(PASSWORD), "Refused, yet the password changed."


# --- A second factor's code ------------------------------------------------------------


@examples(20)
@given(picks=slots)
@named("code", choice_field="next")
@example(picks={"code": NUL})
@example(picks={"next": "//evil.example/"})
def test_a_second_factors_code_refuses_hostile_input(officer, picks):
    """The code after the password (or a recovery code): refused next to the field, or,
    when the right code was left as it was, accepted and never sent off the site."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ..test_two_factor import _code

    INPUTS_TRIED["second factor"] += 1
    with rolled_back():
        device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
        client = signed_in(officer)
        url = "/account/two-factor/code/"
        form = page_form(client.get(url).content.decode(), "code")
        form = _filled(form, {"code": _code(device), "next": "/decisions/"})
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        response = client.post(url, form.data(spoilt))
        if response.status_code == 302:
            target = urlsplit(response["Location"])
            assert not target.scheme and not target.netloc, response["Location"]
            assert "\\" not in response["Location"][:2]
        else:
            check_refused(response, before, spoilt)
