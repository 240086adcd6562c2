"""Every page needs a login; each role sees what its permissions allow and gets 403 else."""

import pytest
from django.contrib.auth.models import Group

from .factories import AgreedActionFactory, DecisionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(db):
    decision = DecisionFactory()
    AgreedActionFactory(decision=decision, due_date=None)
    return decision


def _urls(decision):
    slug = decision.complaint.slug
    action = decision.actions.first()
    return {
        "mine": "/actions/mine/",
        "action": f"/actions/{action.pk}/",
        "complete": f"/actions/{action.pk}/complete/",
        "extend": f"/actions/{action.pk}/extend/",
        "compliance": f"/actions/{action.pk}/compliance/",
        "list": "/decisions/",
        "new": "/decisions/new/",
        "detail": f"/decisions/{decision.pk}/",
        "edit": f"/decisions/{decision.pk}/edit/",
        "complaint": f"/complaints/{slug}/",
        "further": f"/complaints/{slug}/decisions/new/",
    }


def test_anonymous_user_is_sent_to_login_from_every_page(client, decision):
    for url in [*_urls(decision).values(), "/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


# Expected status of each page for each role.
_PAGES = [
    "mine",
    "action",
    "complete",
    "extend",
    "compliance",
    "list",
    "new",
    "detail",
    "edit",
    "complaint",
    "further",
]
MATRIX = {
    # A service manager who does not own the action gets 403 on changing it.
    "Complaints officers": [200, 200, 200, 200, 200, 200, 200, 200, 200, 302, 200],
    "Service managers":    [200, 200, 403, 403, 403, 200, 403, 200, 403, 302, 403],
    "Managers":            [200, 200, 403, 403, 403, 200, 403, 200, 403, 302, 403],
    "Monitoring officers": [200, 200, 403, 403, 403, 200, 403, 200, 403, 302, 403],
    None:                  [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_gets_the_pages_it_may_use_and_403_for_the_rest(client, decision, role):
    user = UserFactory(username=f"u-{role}", role=role)
    client.force_login(user)
    urls = _urls(decision)
    got = {name: client.get(url).status_code for name, url in urls.items()}
    assert got == dict(zip(_PAGES, MATRIX[role], strict=True))


def test_a_forbidden_post_changes_nothing(client, decision):
    client.force_login(UserFactory(username="mgr", role="Managers"))
    response = client.post(f"/decisions/{decision.pk}/edit/", {"decision-outcome": "advice"})
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.outcome == "upheld"


def test_roles_exist_with_their_permissions():
    officers = Group.objects.get(name="Complaints officers")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in officers.permissions.all()}
    assert {"decisions.add_decision", "decisions.change_decision",
            "remedies.change_agreedaction"} <= perms  # fmt: skip
    for name in ("Service managers", "Managers", "Monitoring officers"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert "view_decision" in codenames
        assert "add_decision" not in codenames


def test_navigation_offers_only_what_the_user_may_do(client, decision):
    client.force_login(UserFactory(username="mgr2", role="Managers"))
    page = client.get("/decisions/").content.decode()
    assert 'href="/decisions/new/"' not in page
    client.force_login(UserFactory(username="off2", role="Complaints officers"))
    page = client.get("/decisions/").content.decode()
    assert 'href="/decisions/new/"' in page


def test_login_page_signs_in_and_lands_on_decisions(client, decision):
    UserFactory(username="officer9", role="Complaints officers")
    response = client.post(
        "/login/", {"username": "officer9", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200
    client.logout()
    bad = client.post("/login/", {"username": "officer9", "password": "wrong"})
    assert "Please enter a correct username and password" in bad.content.decode()
