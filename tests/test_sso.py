"""Single sign-on, end to end against a real OpenID Connect provider (django-oauth-toolkit,
run as a second local server by ``tests/oidc.py``): accounts made at the first sign-in
with the roles of the person's groups, refreshed at every sign-in; someone with no mapped
group on the no-role page; every faulty answer (tampered, expired, another's token, a
replayed state or nonce, the provider down) a clear page and no session; SSO only."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group

from ombudsman.models import DirectoryGroupRole, SingleSignOnAccount
from ombudsman.roles import COMPLAINTS_OFFICERS, MANAGERS, SERVICE_MANAGERS

from .factories import UserFactory
from .oidc import sign_in_at_provider

pytestmark = pytest.mark.django_db

COMPLAINTS_TEAM = "5e1b7a0c-complaints-team"  # group ids, as Entra ID sends them
SERVICE_LEADS = "9d2f4c81-service-leads"
FINANCE = "0a7e55d3-finance"  # a group of the directory with no role here


@pytest.fixture(autouse=True)
def _sso(sso_settings, provider):
    provider.register("http://testserver/oidc/callback/")
    roles = {COMPLAINTS_TEAM: COMPLAINTS_OFFICERS, SERVICE_LEADS: SERVICE_MANAGERS}
    for group_id, role in roles.items():
        DirectoryGroupRole.objects.create(
            group_id=group_id, role=Group.objects.get(name=role), description=role
        )


def _sign_in(client, username, **kwargs):
    """The whole sign-in: the tracker's button, the provider's form, the callback."""
    start = client.get("/oidc/authenticate/", kwargs)
    assert start.status_code == 302
    back = sign_in_at_provider(start["Location"], username)
    assert back.startswith("http://testserver/oidc/callback/?")
    return client.get(back.removeprefix("http://testserver"))


def _signed_in(client):
    return SESSION_KEY in client.session


def _failed(response, reason, client):
    assert response.status_code == 302
    assert response["Location"] == f"/login/failed/?reason={reason}"
    assert not _signed_in(client)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You are not signed in." in page.content.decode()
    return page.content.decode()


def test_the_sign_in_page_offers_the_council_account_when_configured(client, settings):
    page = client.get("/login/").content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' in page  # local passwords still work by default
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get("/login/").content.decode()
    assert "Sign in with your council account" not in page


def test_first_sign_in_makes_the_account_with_the_mapped_role(client, provider):
    provider.person("asha", groups=[COMPLAINTS_TEAM, FINANCE], name="Asha Patel")
    response = _sign_in(client, "asha")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in(client)
    user = get_user_model().objects.get(email="asha@council.example")
    assert user.username == "asha@council.example"
    assert (user.first_name, user.last_name) == ("Asha", "Patel")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [COMPLAINTS_OFFICERS]
    account = SingleSignOnAccount.objects.get(user=user)
    assert account.issuer == provider.issuer
    # Her start page, as any complaints officer's.
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/dashboard/"


def test_a_changed_group_changes_the_role_at_the_next_sign_in(client, provider):
    provider.person("ben", groups=[COMPLAINTS_TEAM])
    _sign_in(client, "ben")
    user = get_user_model().objects.get(username="ben@council.example")
    manual = Group.objects.get(name=MANAGERS)
    user.groups.add(manual)  # given by hand: the directory's groups decide at sign-in
    client.logout()
    provider.person("ben", groups=[SERVICE_LEADS])
    _sign_in(client, "ben")
    assert list(user.groups.values_list("name", flat=True)) == [SERVICE_MANAGERS]
    assert get_user_model().objects.filter(email="ben@council.example").count() == 1
    # Removed from every mapped group: no role at all at the next sign-in.
    client.logout()
    provider.person("ben", groups=[FINANCE])
    _sign_in(client, "ben")
    assert not user.groups.exists()


def test_someone_with_no_mapped_group_reaches_only_the_no_role_page(client, provider):
    provider.person("carl", groups=[FINANCE])
    _sign_in(client, "carl")
    assert _signed_in(client)
    page = client.get("/")
    assert page.status_code == 200
    assert "You do not have a role in the tracker yet" in page.content.decode()
    for url in ["/decisions/", "/actions/", "/dashboard/", "/actions/mine/", "/reports/"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_local_account_of_the_same_name_is_never_taken_over(client, provider):
    local = UserFactory(username="dee@council.example", role=MANAGERS)
    provider.person("dee", groups=[COMPLAINTS_TEAM])
    _sign_in(client, "dee")
    signed_in = get_user_model().objects.get(pk=client.session[SESSION_KEY])
    assert signed_in != local
    assert signed_in.username == "dee@council.example (2)"
    assert list(local.groups.values_list("name", flat=True)) == [MANAGERS]


@pytest.mark.parametrize(
    "switches",
    [
        {"tamper": True},  # the claims changed after the provider signed them
        {"exp": -600},  # expired ten minutes ago (beyond the minute of clock skew)
        {"aud": "another-system"},  # a token the provider issued to someone else
        {"iss": "https://impostor.example/o"},
        {"nonce": "the nonce of another sign-in"},  # a replayed ID token
    ],
    ids=["tampered", "expired", "wrong audience", "wrong issuer", "replayed nonce"],
)
def test_a_faulty_id_token_is_refused_with_a_clear_page(client, provider, switches):
    provider.person("eve", groups=[COMPLAINTS_TEAM])
    provider.switch(**switches)
    page = _failed(_sign_in(client, "eve"), "refused", client)
    assert "Your council account could not be used to sign in" in page
    assert not get_user_model().objects.filter(email="eve@council.example").exists()


def test_a_replayed_state_is_refused_and_ends_the_session(client, provider):
    provider.person("fay", groups=[COMPLAINTS_TEAM])
    start = client.get("/oidc/authenticate/")
    back = sign_in_at_provider(start["Location"], "fay").removeprefix("http://testserver")
    assert client.get(back)["Location"] == "/"
    assert _signed_in(client)
    _failed(client.get(back), "refused", client)  # the same answer again
    # In another browser, which never asked: refused too.
    other = type(client)()
    _failed(other.get(back), "refused", other)
    # A state the tracker never gave.
    code = parse_qs(urlsplit(back).query)["code"][0]
    _failed(client.get("/oidc/callback/", {"code": code, "state": "forged"}), "refused", client)


def test_a_provider_that_is_down_gives_a_clear_page(client, provider, settings):
    provider.person("gus", groups=[COMPLAINTS_TEAM])
    # Down before the sign-in starts (its discovery document cannot be read).
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/o/.well-known/openid-configuration"
    page = _failed(client.get("/oidc/authenticate/"), "unreachable", client)
    assert "The sign-in service cannot be reached" in page
    # Down between the person's sign-in there and the tracker's token request.
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    start = client.get("/oidc/authenticate/")
    back = sign_in_at_provider(start["Location"], "gus").removeprefix("http://testserver")
    with provider.down():
        _failed(client.get(back), "unreachable", client)
    assert not get_user_model().objects.filter(email="gus@council.example").exists()


def test_the_provider_refusing_or_a_cancelled_sign_in_says_so(client):
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": state})
    page = _failed(response, "cancelled", client)
    assert "Sign-in was cancelled" in page


def test_too_many_groups_to_send_is_refused_and_said(client, provider):
    provider.person("hal", groups=[COMPLAINTS_TEAM])
    provider.switch(overage=True)
    page = _failed(_sign_in(client, "hal"), "too_many_groups", client)
    assert "Your account is in too many groups to sign in" in page


def test_repeated_refusals_lock_no_one_out(client, provider, settings):
    """A refused single sign-on has no user name: django-axes must not count it against
    the address everyone signs in from."""
    settings.AXES_FAILURE_LIMIT = 2
    provider.person("ida", groups=[COMPLAINTS_TEAM])
    provider.switch(aud="another-system")
    for _ in range(3):
        _failed(_sign_in(client, "ida"), "refused", client)
    provider.switch()
    assert _sign_in(client, "ida")["Location"] == "/"
    assert _signed_in(client)


def test_an_account_made_inactive_is_signed_out(client, provider):
    provider.person("jo", groups=[COMPLAINTS_TEAM])
    _sign_in(client, "jo")
    get_user_model().objects.filter(email="jo@council.example").update(is_active=False)
    response = client.get("/decisions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_sso_only_takes_the_password_form_away_and_refuses_passwords(client, settings):
    settings.SSO_ONLY = True
    UserFactory(username="kim", role=COMPLAINTS_OFFICERS, password="a long pass phrase here")
    page = client.get("/login/").content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' not in page
    response = client.post("/login/", {"username": "kim", "password": "a long pass phrase here"})
    assert response.status_code == 403
    assert "Passwords are not used here" in response.content.decode()
    assert not _signed_in(client)
    # Nor through the administrators' page, nor the admin's own, for anyone but them.
    for url in ["/login/administrator/", "/admin/login/"]:
        response = client.post(url, {"username": "kim", "password": "a long pass phrase here"})
        assert response.status_code == 200, url
        assert not _signed_in(client), url


def test_sso_only_keeps_a_break_glass_administrator(client, settings):
    settings.SSO_ONLY = True
    admin = UserFactory(username="root-admin", password="a long pass phrase here")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    page = client.get("/login/administrator/").content.decode()
    assert "Sign in as an administrator" in page
    assert 'name="password"' in page
    response = client.post(
        "/login/administrator/", {"username": "root-admin", "password": "a long pass phrase here"}
    )
    assert response.status_code == 302
    assert _signed_in(client)
