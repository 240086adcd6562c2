"""The error pages (400, 403, 404, 500 and the expired-form page) as people see them with
DEBUG off: inside the product's layout, saying what happened and what to do next, with a
way back and whom to ask, and never a traceback."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, RequestFactory, override_settings

from ombudsman import views

from .error_urls import SECRET
from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    ServiceAreaFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]
PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _debug_off():
    with override_settings(DEBUG=False):
        yield


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="it.admin", first_name="Priya", last_name="Admin", email="priya@council.example",
        is_staff=True, is_superuser=True,
    )  # fmt: skip


def _page(response) -> dict:
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    return {
        "html": html,
        "text": text,
        "title": unescape(title.group(1).strip()) if title else None,
        "h1": unescape(h1.group(1).strip()) if h1 else None,
    }


def _assert_error_page(response, status, heading, *, signed_in=True):
    """The status, the product's header, the title agreeing with the h1, the navigation of a
    signed-in person, and nothing of a traceback or the exception's own words."""
    assert response.status_code == status
    page = _page(response)
    assert page["h1"] == heading
    assert page["title"] == f"{heading} – Ombudsman decision tracker"
    assert 'class="govuk-header' in page["html"]
    assert "Ombudsman decision tracker" in page["text"]
    assert ('class="govuk-service-navigation' in page["html"]) is signed_in
    assert ">Sign out<" in page["html"] if signed_in else ">Sign out<" not in page["html"]
    for leak in ("Traceback", SECRET, 'File "/', "django.", "DEBUG"):
        assert leak not in page["html"], leak
    assert 'href="/">Go to your start page</a>' in page["html"]
    assert "If you need help, ask the tracker's administrator in your council" in page["text"]
    return page


# 404


def test_a_page_that_does_not_exist_is_the_products_page_not_found(client):
    client.force_login(UserFactory(username="sm", role="Service managers"))
    page = _assert_error_page(client.get("/no-such-page/"), 404, "Page not found")
    assert "If you typed the web address, check it is correct." in page["text"]
    assert "If you pasted the web address, check you copied the entire address." in page["text"]
    assert 'href="/actions/mine/"' in page["html"]  # the navigation of the person's role


def test_a_record_that_does_not_exist_is_page_not_found_too(client):
    client.force_login(UserFactory(username="officer", role="Complaints officers"))
    _assert_error_page(client.get("/decisions/999999/"), 404, "Page not found")


def test_page_not_found_for_someone_not_signed_in_has_no_navigation(client):
    _assert_error_page(client.get("/no-such-page/"), 404, "Page not found", signed_in=False)


# 403


def test_a_page_the_role_may_not_open_says_what_it_needs_and_who_gives_it(client, administrator):
    client.force_login(UserFactory(username="sm", role="Service managers"))
    page = _assert_error_page(client.get("/dashboard/"), 403, "You do not have access to this page")
    text = page["text"]
    assert "It needs the permission ‘Can see the overdue-remedy dashboard’" in text
    roles = re.search(r"these roles have: (.*?) Roles are given", text).group(1)
    assert roles == "Complaints officers Managers Monitoring officers"
    assert "Roles are given by the tracker's administrator" in text
    assert "Priya Admin, priya@council.example" in text
    assert 'href="mailto:priya@council.example"' in page["html"]
    assert 'href="/actions/mine/"' in page["html"]


def test_a_403_for_one_record_says_the_rule_beyond_the_permission(client):
    owner = UserFactory(username="owner", role="Service managers")
    # The other manager leads the complaint's service area: they see the action, not theirs.
    other = UserFactory(username="other", role="Service managers")
    complaint = ComplaintFactory(service_area=ServiceAreaFactory(lead=other))
    action = AgreedActionFactory(decision=DecisionFactory(complaint=complaint), owner=owner)
    client.force_login(other)
    page = _assert_error_page(
        client.get(f"/actions/{action.pk}/complete/"), 403, "You do not have access to this page"
    )
    assert "these roles have: Complaints officers Service managers" in page["text"]
    assert "Service managers may complete only the actions they own" in page["text"]


def test_a_403_on_a_page_without_a_known_need_still_says_whom_to_ask(client, administrator):
    client.force_login(UserFactory(username="sm", role="Service managers"))
    response = client.get("/test/forbidden/")
    page = _assert_error_page(response, 403, "You do not have access to this page")
    assert "It needs the permission" not in page["text"]
    assert "Priya Admin" in page["text"]


def test_a_403_names_no_administrator_who_cannot_give_roles(client, administrator):
    UserFactory(username="helpdesk", first_name="Not", last_name="Staff", is_staff=False,
                is_superuser=True)  # fmt: skip
    clerk = UserFactory(username="clerk", first_name="Admin", last_name="Clerk", is_staff=True)
    client.force_login(UserFactory(username="sm", role="Service managers"))
    text = _page(client.get("/dashboard/"))["text"]
    assert "Not Staff" not in text and "Admin Clerk" not in text
    clerk.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert "Admin Clerk" in _page(client.get("/dashboard/"))["text"]


# 400


def test_a_request_the_tracker_cannot_read_gets_its_own_page(client):
    client.force_login(UserFactory(username="officer", role="Complaints officers"))
    page = _assert_error_page(
        client.get("/test/bad-request/"), 400, "Sorry, the tracker could not read what was sent"
    )
    assert "nothing has been saved" in page["text"]


def test_too_many_fields_in_a_request_is_the_400_page(client):
    client.force_login(UserFactory(username="officer", role="Complaints officers"))
    query = "&".join(f"f{i}=1" for i in range(1200))
    _assert_error_page(
        client.get(f"/decisions/?{query}"), 400, "Sorry, the tracker could not read what was sent"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/decisions/complaint/?reference=%00",
        "/admin/remedies/agreedaction/?status=%00",
        "/admin/decisions/complaint/?q=%00",
        "/admin/decisions/complaint/?%00=1",
        "/admin/autocomplete/?term=%00&app_label=decisions&model_name=complaint&field_name=related",
    ],
)
def test_a_nul_in_an_admin_addresss_query_is_the_400_page(administrator, url):
    # The admin's list filters passed it to PostgreSQL, which cannot hold it: a server error.
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    _assert_error_page(client.get(url), 400, "Sorry, the tracker could not read what was sent")


def test_a_nul_in_a_list_filter_is_refused_beside_the_field(administrator):
    # The product's pages read queries through forms: the message is next to the filter.
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    response = client.get("/decisions/?q=%00")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


# 500


def test_a_failure_is_the_products_problem_page_without_a_traceback(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/test/server-error/")
    # Rendered without the request: no navigation, because the user is never asked for.
    page = _assert_error_page(
        response, 500, "Sorry, there is a problem with the service", signed_in=False
    )
    assert "Try again later." in page["text"]


def test_the_500_page_needs_neither_the_user_nor_the_database(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no user, no session: middleware never ran
    with django_assert_num_queries(0):
        response = views.server_error(request)
    page = _assert_error_page(response, 500, "Sorry, there is a problem with the service",
                              signed_in=False)  # fmt: skip
    assert "Try again later." in page["text"]


def test_the_500_page_falls_back_to_plain_html_if_the_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry for 'dist/app.css'")

    monkeypatch.setattr(views.loader, "render_to_string", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = _page(response)
    heading = "Sorry, there is a problem with the service"
    assert page["h1"] == heading
    assert page["title"] == f"{heading} – Ombudsman decision tracker"
    assert "manifest" not in page["html"]


# 503: the database does not answer


def test_the_database_not_answering_is_service_unavailable_with_a_way_to_try_again(
    django_assert_num_queries,
):
    request = RequestFactory().get("/decisions/?outcome=upheld")
    try:
        raise OperationalError(f"connection to server failed: {SECRET}")
    except OperationalError:
        with django_assert_num_queries(0):
            response = views.server_error(request)
    page = _assert_error_page(response, 503, "Sorry, the service is unavailable",
                              signed_in=False)  # fmt: skip
    assert '<a class="govuk-link" href="/decisions/?outcome=upheld">Try again</a>' in page["html"]
    assert response["Retry-After"] == "120"


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x"])
def test_try_again_never_leads_to_another_site(path):
    request = RequestFactory().get("/")
    request.path = path
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        response = views.server_error(request)
    assert response.status_code == 503
    href = re.search(r'href="([^"]*)">Try again</a>', response.content.decode()).group(1)
    assert href.startswith("/")
    assert not href.startswith("//") and "\\" not in href  # both lead browsers elsewhere


_DATABASE_DOWN_PROBE = """
import json
import django
django.setup()
from django.conf import settings
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-of-someone-signed-in"
pages = [
    client.get("/decisions/", secure=True),
    client.post("/login/", {"username": "officer", "password": "guess"}, secure=True),
]
print(json.dumps([[p.status_code, p.get("Retry-After"), p.content.decode()] for p in pages]))
"""


def test_with_the_database_down_every_page_is_service_unavailable(tmp_path):
    # A port nothing listens on: the connection is refused, as when PostgreSQL is down.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="ombudsman.settings", DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="testserver",
        SITE_URL="https://tracker.example.gov.uk",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/ombudsman",
    )  # fmt: skip
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _DATABASE_DOWN_PROBE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for status, retry_after, html in json.loads(result.stdout.splitlines()[-1]):
        assert status == 503
        assert retry_after == "120"
        assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html
        assert 'class="govuk-header' in html
        assert ">Try again</a>" in html
        for leak in ("Traceback", "OperationalError", "127.0.0.1", str(port)):
            assert leak not in html, leak


# The expired form (CSRF failure)


def test_a_form_sent_without_its_token_says_it_expired_and_leads_back_to_it(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get("/account/password/")  # the CSRF cookie, as a browser would have it
    response = client.post(
        "/account/password/", {"old_password": "x"},
        HTTP_REFERER="http://testserver/account/password/",
    )  # fmt: skip
    page = _assert_error_page(response, 403, "The form has expired")
    assert "Nothing from it has been saved." in page["text"]
    assert "open for a long time" in page["text"]
    back = "http://testserver/account/password/"
    assert f'<a class="govuk-link" href="{back}">open the form again</a>' in page["html"]
    assert "cookie" not in page["text"]
    assert 'href="/dashboard/"' in page["html"]  # the navigation is there


def test_the_expired_form_page_links_back_only_to_the_trackers_own_pages(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get("/account/password/")
    response = client.post("/account/password/", {}, HTTP_REFERER="https://evil.example/form")
    page = _assert_error_page(response, 403, "The form has expired")
    assert "evil.example" not in page["html"]
    assert "open the form again" not in page["text"]


def test_signing_in_without_the_cookie_says_to_accept_cookies(db):
    UserFactory(username="officer", role="Complaints officers")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "officer", "password": PASSWORD})
    page = _assert_error_page(response, 403, "The form has expired", signed_in=False)
    assert "check that it accepts cookies from this site" in page["text"]
    assert "_auth_user_id" not in client.session
