"""Giving several agreed actions one owner or service area at once: selected by their
checkboxes on a decision's page or the actions list, chosen, checked, assigned in one
transaction with one history row each; a list out of date, a finished action or an owner
who can no longer be given work refuses the lot, saying why."""

import re
from datetime import date
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from remedies.models import AgreedAction
from remedies.services import AssignRefused, actions_assign

from .factories import (
    AgreedActionFactory,
    UserFactory,
)
from .hostile.kit import page_form

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
ASSIGN = "/actions/assign/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _actions(decision, n, **values):
    return [
        AgreedActionFactory(
            decision=decision,
            kind="apology",
            amount=None,
            payee_label=f"Mr {chr(65 + i)}",
            due_date=date(2025, 3, 13),
            **values,
        )  # fmt: skip
        for i in range(n)
    ]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _chosen(actions) -> list[str]:
    return [f"{a.pk}:{a.version}" for a in actions]


def _history_rows() -> int:
    return AgreedAction.history.count()


def test_the_decision_page_offers_a_checkbox_and_a_change_link_per_action(people, decision):
    actions = _actions(decision, 2)
    html = _client(people["officer"]).get(f"/decisions/{decision.pk}/").content.decode()
    form = page_form(html, "next")
    assert (form.action, form.method) == (ASSIGN, "get")
    assert form.data()["next"] == [f"/decisions/{decision.pk}/"]
    for action in actions:
        assert f'value="{action.pk}:{action.version}" form="assign-form"' in html
        assert f'<span class="govuk-visually-hidden">Select Apology to {action.payee_label}, ' \
               f'24 005 859a</span>' in html  # fmt: skip
        assert f'href="/actions/{action.pk}/change/"' in html
    assert 'data-module="moj-multi-select"' in html and 'id="select-all"' in html

    for who in ("jane", "manager"):
        page = _client(people[who]).get(f"/decisions/{decision.pk}/").content.decode()
        assert 'name="actions"' not in page and "/change/" not in page
        assert ASSIGN not in page


def test_the_actions_list_offers_checkboxes_to_the_complaints_team_only(people, decision):
    (action,) = _actions(decision, 1)
    done = _actions(decision, 1, status="done", completed_on=date(2025, 3, 1))[0]
    html = _client(people["officer"]).get("/actions/?service_area=").content.decode()
    assert f'value="{action.pk}:{action.version}"' in html
    assert f'id="select-action-{done.pk}"' not in html  # a finished action keeps its people
    assert page_form(html, "next").data()["next"] == ["/actions/?service_area="]
    page = _client(people["manager"]).get("/actions/").content.decode()
    assert 'name="actions"' not in page and ASSIGN not in page


def test_an_officer_gives_three_actions_one_owner_in_three_steps(people, areas, decision):
    actions = _actions(decision, 3)
    officer = _client(people["officer"])
    back = f"/decisions/{decision.pk}/"

    # 1. Choose: the actions selected, and what to give them.
    choose = officer.get(ASSIGN, {"actions": _chosen(actions), "next": back})
    html = choose.content.decode()
    assert choose.status_code == 200
    assert "<title>Assign 3 actions – Ombudsman decision tracker</title>" in html
    assert '<h1 class="govuk-heading-l">Assign 3 actions</h1>' in html
    assert 'class="govuk-back-link">Back</a>' in html and f'href="{back}"' in html
    assert "Choose an owner" in html and "Choose a service area" in html
    assert "---------" not in html
    form = page_form(html, "owner")
    offered = set(form.options["owner"]) - {""}
    assert offered == {str(p.pk) for p in people.values()}  # people with a role only
    assert sorted(form.data()["actions"]) == sorted(_chosen(actions))

    # 2. Check: what each action will have.
    data = form.data({"owner": str(people["jane"].pk)})
    check = officer.get(ASSIGN, data)
    html = check.content.decode()
    assert check.status_code == 200
    assert '<h1 class="govuk-heading-l">Check and assign 3 actions</h1>' in html
    for action in actions:
        assert f"Apology to {action.payee_label} (24 005 859a)" in html
    assert html.count("Jane Smith") >= 4  # the summary and each row
    post = page_form(html, "owner")
    assert post.method == "post"

    # 3. Assign.
    before = _history_rows()
    response = officer.post(ASSIGN, post.data())
    assert response.status_code == 302
    assert response["Location"] == back
    page = officer.get(back).content.decode()
    assert "3 actions assigned to Jane Smith" in page
    for action in actions:
        action.refresh_from_db()
        # An action with no service area takes the complaint's (the usual default).
        assert (action.owner, action.service_area) == (people["jane"], areas["adults"])
    # One history row per action, recording who assigned them.
    assert _history_rows() == before + 3
    for action in actions:
        latest = action.history.order_by("-history_id").first()
        assert (latest.history_user, latest.owner_id) == (people["officer"], people["jane"].pk)


def test_a_new_service_area_brings_its_lead_where_the_owner_was_only_the_old_lead(
    people, areas, decision
):
    default_owned = _actions(decision, 1, service_area=areas["adults"], owner=people["lead"])[0]
    unowned = _actions(decision, 1, owner=None)[0]
    chosen = _actions(decision, 1, service_area=areas["adults"], owner=people["jane"])[0]
    actions_assign(
        actions_with_versions={a.pk: a.version for a in (default_owned, unowned, chosen)},
        user=people["officer"],
        service_area=areas["housing"],
    )
    got = {a.pk: (a.service_area, a.owner) for a in AgreedAction.objects.all()}
    assert got == {
        default_owned.pk: (areas["housing"], people["housing lead"]),
        unowned.pk: (areas["housing"], people["housing lead"]),
        chosen.pk: (areas["housing"], people["jane"]),
    }


def test_an_owner_and_an_area_together(people, areas, decision):
    actions = _actions(decision, 2)
    officer = _client(people["officer"])
    data = {
        "actions": _chosen(actions), "owner": str(people["jane"].pk),
        "service_area": str(areas["housing"].pk), "next": "/actions/",
    }  # fmt: skip
    response = officer.post(ASSIGN, data)
    assert response["Location"] == "/actions/"
    banner = officer.get("/actions/").content.decode()
    assert "2 actions assigned to Jane Smith, Place: Housing" in banner
    assert {(a.owner, a.service_area) for a in AgreedAction.objects.all()} == {
        (people["jane"], areas["housing"])
    }


def test_choosing_nothing_says_what_to_choose_next_to_the_owner(people, decision):
    actions = _actions(decision, 2)
    officer = _client(people["officer"])
    response = officer.get(ASSIGN, {"actions": _chosen(actions), "step": "check"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Assign 2 actions" in html
    error = re.search(r'<p id="id_owner-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert "Choose an owner, a service area or both." in error.group(1)
    assert 'href="#id_owner"' in html  # the error summary links to it


def test_no_actions_selected_says_so(people):
    response = _client(people["officer"]).get(ASSIGN, {"next": "/actions/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select the actions to assign." in html and "govuk-error-summary" in html


def test_an_action_changed_since_the_list_refuses_the_lot_saying_who(people, areas, decision):
    actions = _actions(decision, 3)
    officer = _client(people["officer"])
    data = {"actions": _chosen(actions), "owner": str(people["jane"].pk), "next": "/actions/"}
    # Someone changes the second action after the list was shown.
    other = UserFactory(username="ben", first_name="Ben", last_name="Bell",
                        role="Complaints officers")  # fmt: skip
    changed = AgreedAction.objects.get(pk=actions[1].pk)
    changed.notes = "Phoned Mr B."
    changed._history_user = other
    changed.save()
    before, history = list(AgreedAction.objects.values()), _history_rows()

    response = officer.post(ASSIGN, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "your changes have not been saved" in html
    start = html.index('id="problems"')
    problems = html[start : html.index("</ul>", start)]
    assert "Apology to Mr B (24 005 859a) was changed by Ben Bell" in problems
    assert "Mr A" not in problems and "Mr C" not in problems
    assert list(AgreedAction.objects.values()) == before
    assert _history_rows() == history
    assert 'value="Assign"' not in html and ">Assign</button>" not in html


def test_a_finished_action_or_an_inactive_owner_is_refused_with_the_reason(people, decision):
    actions = _actions(decision, 2)
    done = _actions(decision, 1, status="done", completed_on=date(2025, 3, 1))[0]
    before, history = list(AgreedAction.objects.values()), _history_rows()
    with pytest.raises(AssignRefused) as refused:
        actions_assign(
            actions_with_versions={a.pk: a.version for a in [*actions, done]},
            user=people["officer"], owner=people["jane"],
        )  # fmt: skip
    assert refused.value.problems == [
        "Apology to Mr A (24 005 859a) is done: a finished action keeps the owner and "
        "service area it had."
    ]
    people["jane"].is_active = False
    people["jane"].save()
    with pytest.raises(AssignRefused) as refused:
        actions_assign(
            actions_with_versions={a.pk: a.version for a in actions},
            user=people["officer"], owner=people["jane"],
        )  # fmt: skip
    assert refused.value.problems == [
        "Jane Smith can no longer be given actions: their account is not active or has no "
        "role. Choose another owner."
    ]
    assert list(AgreedAction.objects.values()) == before
    assert _history_rows() == history


def test_the_check_page_already_shows_what_would_be_refused(people, decision):
    actions = _actions(decision, 1)
    AgreedAction.objects.filter(pk=actions[0].pk).update(version=7)
    response = _client(people["officer"]).get(
        ASSIGN, {"actions": _chosen(actions), "owner": str(people["jane"].pk), "step": "check"}
    )
    assert response.status_code == 409
    assert "after the list was shown" in response.content.decode()


@pytest.mark.parametrize("who", ["jane", "lead", "manager"])
def test_only_the_complaints_team_may_assign(people, decision, who):
    actions = _actions(decision, 2)
    client = _client(people[who])
    before = list(AgreedAction.objects.values())
    assert client.get(ASSIGN, {"actions": _chosen(actions)}).status_code == 403
    data = {"actions": _chosen(actions), "owner": str(people[who].pk)}
    assert client.post(ASSIGN, data).status_code == 403
    assert client.get(ASSIGN, {"actions": ["999999:1"]}).status_code == 403  # before any lookup
    assert list(AgreedAction.objects.values()) == before


def test_the_way_back_is_one_of_our_pages(people, decision):
    actions = _actions(decision, 1)
    officer = _client(people["officer"])
    for unsafe in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/a\r\nb"):
        data = {"actions": _chosen(actions), "owner": str(people["jane"].pk), "next": unsafe}
        response = officer.post(ASSIGN, data)
        assert response["Location"] == "/actions/"
        actions[0].refresh_from_db()
        actions = [actions[0]]


def test_assigning_costs_the_same_queries_for_3_and_30_actions(people, areas, decision):
    # Who may see which actions asks the officer's permissions, read once a request (the
    # page has read them before it assigns): read them here before counting.
    people["officer"].has_perm("decisions.view_every_complaint")
    counts = []
    for n in (3, 30):
        actions = _actions(decision, n, service_area=areas["adults"])
        with CaptureQueriesContext(connection) as queries:
            actions_assign(
                actions_with_versions={a.pk: a.version for a in actions},
                user=people["officer"], owner=people["jane"], service_area=areas["housing"],
            )  # fmt: skip
        counts.append([q["sql"].split()[0] for q in queries.captured_queries])
    assert counts[0] == counts[1]
    assert len(counts[1]) <= 8, counts[1]


def test_the_assign_page_costs_the_same_queries_for_3_and_30_actions(
    people, areas, decision, django_assert_max_num_queries
):
    officer = _client(people["officer"])
    few = _actions(decision, 3)
    many = _actions(decision, 30)
    for chosen in (few, many):
        data = {"actions": _chosen(chosen), "owner": str(people["jane"].pk), "step": "check",
                "service_area": str(areas["housing"].pk)}  # fmt: skip
        with django_assert_max_num_queries(12):
            assert officer.get(ASSIGN + "?" + urlencode(data, doseq=True)).status_code == 200
