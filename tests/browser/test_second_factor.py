"""Setting up and using a second factor in the browser, as an administrator must: the
set-up page with its QR code, the recovery codes, the code after the password; axe-core
on each page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ..factories import UserFactory
from ..test_two_factor import _code
from .helpers import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a long pass phrase for the administrator"  # noqa: S105
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _sign_in(page, browse):
    browse(page, "/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_an_administrator_sets_up_and_uses_a_second_factor(page, browse, screenshot, live_server):
    admin = UserFactory(username="ada", password=PASSWORD)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    found = {}

    _sign_in(page, browse)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(
        page.get_by_role("img", name="QR code to scan with the authenticator app")
    ).to_be_visible()
    found["set-up"] = axe_violations(page)
    screenshot(page, "second-factor", "1-set-up")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    assert page.evaluate(WIDTH)[0] <= 390
    screenshot(page, "second-factor", "1-set-up-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    found["set-up-with-error"] = axe_violations(page)
    page.wait_for_timeout(1100)  # past the throttle of one wrong code
    device = TOTPDevice.objects.get(user=admin)
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your second factor is set up")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    found["recovery-codes"] = axe_violations(page)
    screenshot(page, "second-factor", "2-recovery-codes")
    page.get_by_role("button", name="I have kept them: continue").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")

    browse(page, "/account/two-factor/")
    found["status"] = axe_violations(page)
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, browse)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    found["code"] = axe_violations(page)
    screenshot(page, "second-factor", "3-code")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )
