"""Who answers for an agreed action: the service area and owner it gets by default when a
decision is recorded, and who the morning sweep reminds when nobody owns it."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions.imports import NAMES
from decisions.recording import decision_record
from remedies.models import AgreedAction, Reminder
from remedies.selectors import reminder_recipient
from remedies.services import action_assignment, statutory_duties_create
from remedies.sweep import overdue_sweep

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _row(council, **values) -> dict:
    """One action as the log-a-decision page hands it over."""
    return {
        "id": None, "delete": False, "kind": "apology", "description": "",
        "organisation": council, "service_area": None, "owner": None, "payee_label": "Mr X",
        "amount": None, "deadline_phrase": "within one month of the final decision",
        "status": "open", "completed_on": None, "notes": "", "due_date": None,
        "due_date_set_by_hand": False, **values,
    }  # fmt: skip


def _record(people, council, area, actions, **decision):
    return decision_record(
        user=people["officer"],
        complaint_data={
            "fields": {"reference": "24 005 859a", "complainant_label": "Mr X",
                       "service_area": area},
            "organisations": [council], "new_organisations": [], "related": [],
        },
        decision_data={"decision_date": date(2025, 2, 13), "outcome": "upheld",
                       "summary": "Fault.", **decision},
        findings=[],
        actions=actions,
    )  # fmt: skip


def test_actions_saved_with_a_decision_take_the_complaints_area_and_its_lead(
    people, areas, council
):
    decision = _record(people, council, areas["adults"], [_row(council) for _ in range(17)])
    actions = list(decision.actions.all())
    assert len(actions) == 17
    assert {(a.service_area, a.owner) for a in actions} == {(areas["adults"], people["lead"])}


def test_an_action_given_another_area_gets_that_areas_lead(people, areas, council):
    decision = _record(
        people, council, areas["adults"], [_row(council, service_area=areas["housing"])]
    )
    action = decision.actions.get()
    assert (action.service_area, action.owner) == (areas["housing"], people["housing lead"])


def test_an_owner_given_is_kept(people, areas, council):
    decision = _record(people, council, areas["adults"], [_row(council, owner=people["owner"])])
    action = decision.actions.get()
    assert (action.service_area, action.owner) == (areas["adults"], people["owner"])


def test_an_area_without_a_lead_or_with_an_inactive_lead_leaves_the_action_unowned(
    people, areas, council
):
    people["lead"].is_active = False
    people["lead"].save()
    decision = _record(
        people, council, areas["adults"],
        [_row(council), _row(council, service_area=areas["no lead"])],
    )  # fmt: skip
    assert sorted((a.service_area.service, a.owner) for a in decision.actions.all()) == [
        ("Care", None),
        ("Parks", None),
    ]


def test_a_complaint_without_a_service_area_leaves_the_action_as_given(people, council):
    decision = _record(people, council, None, [_row(council)])
    action = decision.actions.get()
    assert (action.service_area, action.owner) == (None, None)


def test_the_rule_is_one_pure_function(people, areas):
    adults, housing = areas["adults"], areas["housing"]
    rule = action_assignment
    assert rule(service_area=None, owner=None, complaint_service_area=adults) == (
        adults, people["lead"],
    )  # fmt: skip
    assert rule(service_area=housing, owner=None, complaint_service_area=adults) == (
        housing, people["housing lead"],
    )  # fmt: skip
    assert rule(service_area=None, owner=people["owner"], complaint_service_area=adults) == (
        adults, people["owner"],
    )  # fmt: skip
    assert rule(service_area=None, owner=None, complaint_service_area=None) == (None, None)
    assert not AgreedAction.objects.exists()  # it saves nothing


def test_a_public_interest_reports_duties_go_to_the_complaints_area_lead(people, areas, council):
    decision = _record(people, council, areas["adults"], [], kind="report")
    duties = decision.actions.filter(kind="statutory_duty")
    assert duties.count() == 3
    assert {(d.service_area, d.owner) for d in duties} == {(areas["adults"], people["lead"])}
    assert statutory_duties_create(decision=decision) == []


def test_an_imported_decisions_actions_get_the_area_and_its_lead(client, people, areas, council):
    header = NAMES
    row = {
        "reference": "24 100 001", "organisations": council.name, "complainant": "Mr X",
        "service area": "Adults: Care", "decision date": "13/02/2025",
        "decision kind": "Decision statement", "outcome": "Upheld", "satisfactory remedy": "No",
        "summary": "Delay.", "action kind": "Apology", "payee": "Mr X",
        "deadline": "within one month of the final decision",
    }  # fmt: skip
    text = ",".join(header) + "\n" + ",".join(f'"{row.get(h, "")}"' for h in header) + "\n"
    client.force_login(people["officer"])
    upload = SimpleUploadedFile("past.csv", text.encode())
    assert client.post("/decisions/import/", {"file": upload, "action": "check"}).status_code == 200
    assert client.post("/decisions/import/", {"action": "import_all"}).status_code == 302
    action = AgreedAction.objects.get()
    assert (action.service_area, action.owner) == (areas["adults"], people["lead"])


# --- Who is reminded -----------------------------------------------------------------


def _nobody_can_be_emailed(user):
    user.email = ""
    user.save()


def _owner_leaves(people):
    people["owner"].is_active = False
    people["owner"].save()


def _leads_without_email(people):
    for key in ("lead", "housing lead"):
        _nobody_can_be_emailed(people[key])


SCENARIOS = {
    # name: (the action's owner, its service area, the complaint's area, what to spoil)
    "the owner": ("owner", "housing", "adults", None),
    "the area's lead when the owner is inactive": ("owner", "housing", "adults", _owner_leaves),
    "the area's lead when nobody owns it": (None, "housing", "adults", None),
    "the complaint's area lead when the action has no area": (None, None, "adults", None),
    "the complaint's area lead when the action's area has no lead": (
        None, "no lead", "adults", None,
    ),
    "the complaint's officer when no lead can be e-mailed": (
        None, "housing", "adults", _leads_without_email,
    ),
    "the first complaints officer when nobody is named": (None, None, None, "no officer"),
}  # fmt: skip


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_reminder_recipient_names_whoever_the_sweep_reminds(people, areas, council, scenario):
    owner, area, complaint_area, spoil = SCENARIOS[scenario]
    # The complaints officer told when nobody else can be.
    UserFactory(username="team", first_name="Tem", last_name="Team", role="Complaints officers")
    complaint = ComplaintFactory(
        reference="24 005 859a", organisations=[council],
        service_area=areas[complaint_area] if complaint_area else None,
        officer=None if spoil == "no officer" else people["officer"],
    )  # fmt: skip
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    action = AgreedActionFactory(
        decision=decision, kind="apology", amount=None, due_date=date(2025, 5, 30),
        owner=people[owner] if owner else None, service_area=areas[area] if area else None,
    )  # fmt: skip
    if callable(spoil):
        spoil(people)
    if spoil == "no officer":
        _nobody_can_be_emailed(people["officer"])  # also a complaints officer

    named = reminder_recipient(AgreedAction.objects.get(pk=action.pk))
    overdue_sweep(today=TODAY)
    (reminder,) = Reminder.objects.filter(action=action, kind="overdue")
    assert named == reminder.recipient
    expected = {
        "the owner": "owner",
        "the area's lead when the owner is inactive": "hlead",
        "the area's lead when nobody owns it": "hlead",
        "the complaint's area lead when the action has no area": "lead",
        "the complaint's area lead when the action's area has no lead": "lead",
        "the complaint's officer when no lead can be e-mailed": "officer",
        "the first complaints officer when nobody is named": "team",
    }[scenario]
    assert named.username == expected


def test_reminder_recipient_is_none_when_there_is_nobody_at_all(council):
    complaint = ComplaintFactory(reference="24 005 860", organisations=[council])
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    action = AgreedActionFactory(decision=decision, due_date=date(2025, 5, 30))
    assert reminder_recipient(action) is None


def test_reminder_recipient_reads_an_action_not_yet_saved(people, areas):
    assert reminder_recipient(AgreedAction(service_area=areas["adults"])) == people["lead"]
