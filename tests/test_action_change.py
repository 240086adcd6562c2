"""An agreed action's own Change page: what it is, who must do it, by when and who answers
for it, with the log-a-decision row's rules, the version check, the audit trail and the
complaints team's permission."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from remedies.models import AgreedAction
from remedies.services import action_change

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    UserFactory,
)
from .hostile.kit import page_form

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
ONE_MONTH = "within one month of the final decision"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def action(people, areas):
    council = OrganisationFactory(name="Westmere Borough Council", is_home_authority=True)
    complaint = ComplaintFactory(
        reference="24 005 859a", organisations=[council], service_area=areas["adults"]
    )
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    return AgreedActionFactory(
        decision=decision, kind="apology", amount=None, organisation=council,
        deadline_phrase=ONE_MONTH, due_date=date(2025, 3, 13), owner=people["owner"],
        service_area=areas["adults"],
    )  # fmt: skip


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(action) -> str:
    return f"/actions/{action.pk}/change/"


def _with_date(data: dict, name: str, iso: str) -> dict:
    """``data`` with the date ``name`` sent as one ISO value (read by both the GOV.UK date
    input and a single box), whatever boxes the page had."""
    data = {k: v for k, v in data.items() if not k.startswith(f"{name}-")}
    data[name] = iso
    return data


def _form(client, action, **changes) -> dict:
    """The page's form as a browser sends it back, with ``changes`` typed in."""
    response = client.get(_url(action))
    assert response.status_code == 200
    data = page_form(response.content.decode(), "payee_label").data()
    data = {k: v[0] if len(v) == 1 else v for k, v in data.items()}
    for name, value in changes.items():
        if name == "due_date":
            data = _with_date(data, name, value)
        else:
            data[name] = value
    return data


def _title_and_h1(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?) – Ombudsman decision tracker</title>", html, re.S)
    h1 = re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', html, re.S)
    return title.group(1).strip(), h1.group(1).strip()


def test_the_change_page_shows_the_action_as_it_is(people, action):
    response = _client(people["officer"]).get(_url(action))
    html = response.content.decode()
    assert response.status_code == 200
    assert _title_and_h1(html) == ("Change agreed action", "Change agreed action")
    assert "Apology to Mr X, 24 005 859a" in html
    assert 'class="govuk-back-link"' in html and f'href="/actions/{action.pk}/"' in html
    assert "---------" not in html
    for words in ("Choose a kind of action", "Choose an organisation", "Choose a service area",
                  "Choose an owner"):  # fmt: skip
        assert words in html
    form = page_form(html, "payee_label")
    data = form.data()
    assert data["kind"] == ["apology"] and data["payee_label"] == ["Mr X"]
    assert data["owner"] == [str(people["owner"].pk)]
    assert data["version"] == [str(action.version)]


def test_the_owners_offered_are_active_people_with_a_role(people, action):
    UserFactory(username="admin", first_name="Ada", last_name="Admin", is_superuser=True)
    UserFactory(username="gone", first_name="Gus", last_name="Gone", is_active=False,
                role="Service managers")  # fmt: skip
    form = page_form(_client(people["officer"]).get(_url(action)).content.decode(), "owner")
    offered = set(form.options["owner"]) - {""}
    assert offered == {str(p.pk) for p in people.values()}


def test_an_officer_changes_an_action_and_the_history_says_who(people, areas, action):
    client = _client(people["officer"])
    data = _form(
        client, action, kind="financial", payee_label="Mrs Y", amount="£250.50",
        description="Pay for the distress caused.", service_area=str(areas["housing"].pk),
        owner=str(people["lead"].pk),
    )  # fmt: skip
    response = client.post(_url(action), data)
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    action.refresh_from_db()
    assert (action.kind, action.payee_label, action.amount) == ("financial", "Mrs Y",
                                                                 Decimal("250.50"))  # fmt: skip
    assert (action.service_area, action.owner) == (areas["housing"], people["lead"])
    latest = action.history.order_by("-history_id").first()
    assert latest.history_user == people["officer"]
    assert latest.history_type == "~"
    page = client.get(response["Location"]).content.decode()
    assert "Agreed action changed." in page
    assert "by Ona Officer" in page  # the timeline


def test_an_owner_or_area_left_empty_follows_the_default_rule(people, areas, action):
    client = _client(people["officer"])
    client.post(_url(action), _form(client, action, service_area=str(areas["housing"].pk),
                                    owner=""))  # fmt: skip
    action.refresh_from_db()
    assert (action.service_area, action.owner) == (areas["housing"], people["housing lead"])
    client.post(_url(action), _form(client, action, service_area="", owner=""))
    action.refresh_from_db()
    assert (action.service_area, action.owner) == (areas["adults"], people["lead"])


def test_a_typed_due_date_wins_and_an_empty_one_is_worked_out_from_the_wording(people, action):
    client = _client(people["officer"])
    client.post(_url(action), _form(client, action, due_date="2025-04-30"))
    action.refresh_from_db()
    assert (action.due_date, action.due_date_set_by_hand) == (date(2025, 4, 30), True)

    # A date set by hand stays when only the wording changes.
    client.post(_url(action), _form(client, action, deadline_phrase="within two months"))
    action.refresh_from_db()
    assert (action.due_date, action.due_date_set_by_hand) == (date(2025, 4, 30), True)

    # Emptied: worked out from the wording again.
    client.post(_url(action), _form(client, action, due_date=""))
    action.refresh_from_db()
    assert (action.due_date, action.due_date_set_by_hand) == (date(2025, 4, 13), False)

    # A worked-out date left as shown follows new wording.
    client.post(_url(action), _form(client, action, deadline_phrase="within three months"))
    action.refresh_from_db()
    assert (action.due_date, action.due_date_set_by_hand) == (date(2025, 5, 13), False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_date": "2025-01-31"}, "due_date",
         "The due date cannot be before the decision date (13 February 2025)."),
        ({"amount": "200"}, "amount",
         "Only a financial remedy has an amount: clear the amount, or choose Financial remedy."),
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"kind": ""}, "kind", "Choose what kind of action this is."),
        ({"organisation": ""}, "organisation", "Choose the organisation that must do this."),
    ],
)  # fmt: skip
def test_a_refused_change_says_why_next_to_the_field_and_saves_nothing(
    people, action, changes, field, message
):
    client = _client(people["officer"])
    before = list(AgreedAction.objects.values())
    history = action.history.count()
    response = client.post(_url(action), _form(client, action, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: Change agreed action" in html
    pattern = rf'<p id="id_{field}-error" class="govuk-error-message">(.*?)</p>'
    error = re.search(pattern, html, re.S)
    assert error is not None and message in error.group(1)
    assert list(AgreedAction.objects.values()) == before
    assert action.history.count() == history


def test_a_stale_form_is_refused_with_the_changes_since_and_nothing_saved(people, action):
    ann = _client(people["officer"])
    ben_user = UserFactory(username="ben", first_name="Ben", last_name="Bell",
                           role="Complaints officers")  # fmt: skip
    ben = _client(ben_user)
    anns, bens = _form(ann, action, payee_label="Ms Z"), _form(ben, action, notes="Phoned.")
    with time_machine.travel(datetime(2025, 6, 2, 0, 5, tzinfo=UTC), tick=False):
        response = ann.post(_url(action), anns)
    assert response["Location"] == f"/actions/{action.pk}/"
    response = ben.post(_url(action), bens)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this action while you had it open" in html
    changes = html[html.index('id="changes-meanwhile"') :]
    assert "Mr X → Ms Z" in changes and "by Ona Officer" in changes
    assert "Phoned." in html  # Ben's input is still there
    action.refresh_from_db()
    assert (action.payee_label, action.notes) == ("Ms Z", "")
    # Having seen it, Ben saves again: the page now carries the current version.
    again = page_form(html, "payee_label").data()
    again = {k: v[0] if len(v) == 1 else v for k, v in again.items()}
    assert ben.post(_url(action), again).status_code == 302
    action.refresh_from_db()
    assert action.notes == "Phoned."


@pytest.mark.parametrize("who", ["owner", "lead", "manager"])
def test_only_the_complaints_team_may_change_an_action(people, action, who):
    client = _client(people[who])
    before = list(AgreedAction.objects.values())
    assert client.get(_url(action)).status_code == 403
    assert client.post(_url(action), {"payee_label": "Mrs Y"}).status_code == 403
    # Refused before the lookup: no 404 telling which ids exist.
    assert client.get("/actions/999999/change/").status_code == 403
    assert list(AgreedAction.objects.values()) == before
    assert "/change/" not in client.get(f"/actions/{action.pk}/").content.decode()


def test_the_action_page_links_to_its_change_page_for_the_complaints_team(people, action):
    page = _client(people["officer"]).get(f"/actions/{action.pk}/").content.decode()
    assert f'href="/actions/{action.pk}/change/"' in page
    assert _client(people["officer"]).get("/actions/999999/change/").status_code == 404


def test_a_done_action_can_still_be_corrected(people, action):
    AgreedAction.objects.filter(pk=action.pk).update(status="done", completed_on=date(2025, 3, 1))
    client = _client(people["officer"])
    response = client.post(_url(action), _form(client, action, payee_label="Mrs Y"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on, action.payee_label) == (
        "done", date(2025, 3, 1), "Mrs Y",
    )  # fmt: skip


def test_the_service_records_who_and_works_out_the_date(people, areas, action):
    data = {
        "kind": "apology", "description": "", "organisation": action.organisation,
        "payee_label": "Mr X", "amount": None, "deadline_phrase": "within two months",
        "notes": "", "service_area": None, "owner": None, "due_date": None,
        "due_date_set_by_hand": False,
    }  # fmt: skip
    changed = action_change(action=action, user=people["officer"], data=data)
    assert changed.due_date == date(2025, 4, 13)
    assert (changed.service_area, changed.owner) == (areas["adults"], people["lead"])
    assert changed.history.order_by("-history_id").first().history_user == people["officer"]
    assert changed.version == action.version + 1
