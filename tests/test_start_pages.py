"""Each role lands on its own start page after signing in and on "/": service managers on
My actions, monitoring officers on Committee reports, managers and the complaints team on
the dashboard; someone with no role on a page saying whom to ask, not a refusal."""

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombudsman.roles import DASHBOARD, DECISIONS, start_page

from .factories import UserFactory
from .test_two_factor import _code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"

START = {
    "Complaints officers": "/dashboard/",
    "Managers": "/dashboard/",
    "Monitoring officers": "/reports/",
    "Service managers": "/actions/mine/",
}


def _sign_in(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD}, follow=True)


def _lands_on(response) -> str:
    assert response.status_code == 200
    return response.request["PATH_INFO"]


@pytest.mark.parametrize(("role", "path"), START.items())
def test_signing_in_lands_each_role_on_its_start_page(client, role, path):
    UserFactory(username="someone", role=role)
    response = _sign_in(client, "someone")
    assert [url for url, _ in response.redirect_chain] == ["/", path]
    assert _lands_on(response) == path


@pytest.mark.parametrize(("role", "path"), START.items())
def test_the_home_address_takes_each_role_to_its_start_page(client, role, path):
    client.force_login(UserFactory(username="someone", role=role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == path
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("roles", "path"),
    [
        (["Service managers", "Monitoring officers"], "/reports/"),
        (["Service managers", "Complaints officers"], "/dashboard/"),
        (["Monitoring officers", "Managers"], "/dashboard/"),
        (["Service managers", "Managers", "Monitoring officers"], "/dashboard/"),
    ],
)
def test_someone_with_several_roles_starts_where_the_first_job_does(client, roles, path):
    user = UserFactory(username="several")
    user.groups.add(*Group.objects.filter(name__in=roles))
    assert _lands_on(_sign_in(client, "several")) == path


def test_a_superuser_starts_on_the_dashboard_once_past_the_second_factor(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    # An administrator sets up a second factor first (ombudsman/two_factor.py)...
    assert _lands_on(_sign_in(client, "root")) == "/account/two-factor/set-up/"
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    client.post("/account/two-factor/set-up/", {"code": _code(device), "next": "/"})
    # ...then starts on the dashboard.
    assert _lands_on(client.get("/", follow=True)) == "/dashboard/"


def test_someone_who_may_see_decisions_without_a_role_starts_on_the_list(client):
    user = UserFactory(username="auditor")
    user.user_permissions.add(Permission.objects.get(codename="view_decision"))
    assert _lands_on(_sign_in(client, "auditor")) == "/decisions/"


def test_someone_with_no_role_is_told_to_ask_for_one_not_refused(client):
    UserFactory(
        username="it.admin", first_name="Priya", last_name="Admin",
        email="priya@council.example", is_staff=True, is_superuser=True,
    )  # fmt: skip
    UserFactory(username="newcomer", first_name="Nia", last_name="Newcomer")
    response = _sign_in(client, "newcomer")
    # Lands on "/" itself, with no redirect onwards and so no loop.
    assert [url for url, _ in response.redirect_chain] == ["/"]
    assert response.status_code == 200
    html = response.content.decode()
    heading = "You do not have a role in the tracker yet"
    assert f"<title>{heading} – Ombudsman decision tracker</title>" in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert "You are signed in as Nia Newcomer" in html
    for role in START:
        assert f"<li>{role}: " in html
    assert "Priya Admin" in html and 'href="mailto:priya@council.example"' in html
    # The layout, with nothing in the navigation to follow but signing out.
    assert response.context["nav_items"] == []
    assert ">Sign out<" in html


def test_a_role_whose_start_page_is_taken_away_falls_back_to_the_decisions_list(db):
    """The start page is one the person may open: if an administrator takes the dashboard
    from managers, they start on the decisions list rather than on a refusal."""
    managers = Group.objects.get(name="Managers")
    managers.permissions.remove(Permission.objects.get(codename="view_dashboard"))
    user = UserFactory(username="manager", role="Managers")
    assert start_page(user) == DECISIONS


def test_the_rule_needs_no_request(db):
    assert start_page(UserFactory(username="officer", role="Complaints officers")) == DASHBOARD
    assert start_page(UserFactory(username="nobody")) is None
