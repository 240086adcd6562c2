"""Signing in with a council account, in the browser: the tracker's sign-in page, the
provider's own sign-in page (a real OpenID Connect provider run beside the tracker), back
to the start page of the role the person's directory group gives; axe-core on the pages
single sign-on adds."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from ombudsman.models import DirectoryGroupRole

from ..factories import UserFactory
from ..oidc import PASSWORD
from .helpers import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_signing_in_with_a_council_account(
    page, browse, live_server, provider, sso_settings, screenshot
):
    provider.register(f"{live_server.url}/oidc/callback/")
    DirectoryGroupRole.objects.create(
        group_id="5e1b7a0c-complaints-team", role=Group.objects.get(name="Complaints officers")
    )
    provider.person("priya", groups=["5e1b7a0c-complaints-team"], name="Priya Shah")
    found = {}

    browse(page, "/login/")
    found["login-with-sso"] = axe_violations(page)
    screenshot(page, "single-sign-on", "1-sign-in")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "single-sign-on", "1-sign-in-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Sign in with your council account").click()
    # The provider's own page.
    expect(page.get_by_role("heading", name="Council sign-in service")).to_be_visible()
    page.get_by_label("Work account").fill("priya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the council").click()
    # Back in the tracker, signed in as a complaints officer, on their start page.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    screenshot(page, "single-sign-on", "2-signed-in")
    page.get_by_role("button", name="Sign out").click()

    # A failed sign-in's page, and the administrators' own sign-in page.
    browse(page, "/login/failed/?reason=unreachable")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The sign-in service cannot be reached"
    )
    found["sso-failed"] = axe_violations(page)
    screenshot(page, "single-sign-on", "3-failed")
    browse(page, "/login/administrator/")
    found["administrator-sign-in"] = axe_violations(page)

    # With passwords turned off, a password form sent anyway (opened before they were).
    UserFactory(username="kim", password="a long pass phrase here")
    browse(page, "/login/")
    sso_settings.SSO_ONLY = True
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("a long pass phrase here")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwords are not used here")
    found["passwords-off"] = axe_violations(page)
    browse(page, "/login/")
    expect(page.get_by_label("Password")).to_have_count(0)
    found["login-sso-only"] = axe_violations(page)
    screenshot(page, "single-sign-on", "4-sso-only")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )
