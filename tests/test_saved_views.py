"""Saved views: a person saves a list's filters under a name, finds them on the list as
"Your saved views", opens and deletes them; nobody sees another's; the name is asked for
with GOV.UK error messages; a saved query gone stale gets the list's own messages."""

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from decisions.models import ServiceArea
from ombudsman.models import SavedView
from remedies.models import AgreedAction

from .factories import AgreedActionFactory, ServiceAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 11, 9, 30, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):  # fmt: skip
        yield


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def actions(db):
    housing = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    AgreedActionFactory(description="housing late", service_area=housing,
                        due_date=date(2025, 5, 1))  # fmt: skip
    AgreedActionFactory(description="other late", due_date=date(2025, 5, 2))
    AgreedActionFactory(description="not yet due", due_date=date(2025, 7, 1))
    return {"housing": housing}


def _saved_links(page: str) -> dict[str, str]:
    part = page.split('id="saved-views"')[1].split("</div>")[0]
    return {
        html.unescape(name): html.unescape(href)
        for href, name in re.findall(r'<li><a class="govuk-link" href="([^"]*)">([^<]*)</a>', part)
    }


def test_a_manager_saves_the_filters_and_opens_them_again(manager_client, manager, actions):
    query = f"overdue=yes&service_area={actions['housing'].pk}"
    listed = manager_client.get(f"/actions/?{query}").content.decode()
    save_link = re.search(r'href="([^"]*)">Save these filters as a view<', listed)[1]
    save_url = html.unescape(save_link)
    assert save_url.startswith("/actions/views/new/?overdue=yes")

    page = manager_client.get(save_url).content.decode()
    assert "Today: 1 overdue action the council answers for, Housing: Homelessness" in page
    response = manager_client.post(save_url, {"name": "Housing overdue"})
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.user, view.list_name, view.name) == (manager, "actions", "Housing overdue")

    page = manager_client.get(response["Location"]).content.decode()
    assert "Your view “Housing overdue” is saved." in page
    link = _saved_links(page)["Housing overdue"]
    opened = manager_client.get(link)
    assert [a.description for a in opened.context["page"]] == ["housing late"]


def test_the_name_is_required_short_enough_and_ones_own_only_once(manager_client, actions):
    url = "/actions/views/new/?overdue=yes"
    for name, message in [
        ("", "Enter a name for the view"),
        ("x" * 81, "The name must be 80 characters or fewer"),
    ]:
        page = manager_client.post(url, {"name": name}).content.decode()
        assert "govuk-error-summary" in page and message in page
        assert "<title>Error:" in page
    assert manager_client.post(url, {"name": "Late"}).status_code == 302
    page = manager_client.post(url, {"name": " late "}).content.decode()
    assert "You already have a view called “late”: choose another name" in page
    # The same name on the other list, or by someone else, is another view.
    assert manager_client.post("/decisions/views/new/", {"name": "Late"}).status_code == 302
    assert SavedView.objects.count() == 2


def test_filters_that_are_not_valid_cannot_be_saved(manager_client, actions):
    response = manager_client.post("/actions/views/new/?overdue=maybe", {"name": "Odd"})
    page = response.content.decode()
    assert "Some filters are not valid" in page and "Select a valid choice" in page
    assert not SavedView.objects.exists()


def test_nobody_sees_or_deletes_anothers_views(client, manager, actions):
    other = UserFactory(username="other-manager", role="Managers")
    theirs = SavedView.objects.create(user=other, list_name="actions", name="Theirs",
                                      query="overdue=yes")  # fmt: skip
    client.force_login(manager)
    assert _saved_links(client.get("/actions/").content.decode()) == {}
    assert client.get(f"/saved-views/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/saved-views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_deleting_a_view_asks_then_deletes_it(manager_client, manager, actions):
    view = SavedView.objects.create(user=manager, list_name="decisions", name="Upheld",
                                    query="outcome=upheld")  # fmt: skip
    page = manager_client.get(f"/saved-views/{view.pk}/delete/").content.decode()
    assert "Delete your view “Upheld”" in page
    response = manager_client.post(f"/saved-views/{view.pk}/delete/")
    assert response["Location"] == "/decisions/"
    assert not SavedView.objects.exists()


def test_a_stale_or_tampered_saved_query_gets_the_lists_own_messages(
    manager_client, manager, actions
):
    area = actions["housing"]
    view = SavedView.objects.create(
        user=manager, list_name="actions", name="Gone",
        query=f"service_area={area.pk}&sort=nonsense&due_from-day=31&due_from-month=2&due_from-year=2025",
    )  # fmt: skip
    # The service area is removed after the view was saved.
    AgreedAction.objects.filter(service_area=area).update(service_area=None)
    ServiceArea.objects.filter(pk=area.pk).delete()
    link = _saved_links(manager_client.get("/actions/").content.decode())["Gone"]
    response = manager_client.get(link)
    page = response.content.decode()
    assert response.status_code == 200 and not response.context["rows_ok"]
    assert "Select a valid choice" in page
    assert "Sort by one of:" in page
    assert "must be a real date" in page
    assert view.query in html.unescape(page)  # the link the person followed
