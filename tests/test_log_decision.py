"""Logging a decision in the browser: the happy path, every kind of bad input, all or nothing."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from decisions.models import Complaint, Decision, Finding
from remedies.models import AgreedAction

from .factories import ComplaintFactory, OrganisationFactory, ServiceAreaFactory, category
from .journey import log_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 2), tick=False):
        yield


URL = "/decisions/new/"


def _post_data(organisations, **overrides):
    """A complete, valid log-a-decision form as the browser posts it."""
    data = {
        "complaint-reference": "24005859a",
        "complaint-complainant_label": "Mr X",
        "complaint-organisations": [str(o.pk) for o in organisations],
        "decision-decision_date": "2025-02-13",
        "decision-kind": "statement",
        "decision-outcome": "upheld",
        "decision-summary": "Fault by an NHS Trust, a Council and an ICB.",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-0-point": "No care coordinator allocated",
        "findings-0-fault": "yes",
        "findings-0-injustice": "true",
        "findings-0-result": "upheld",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-kind": "apology",
        "actions-0-organisation": str(organisations[0].pk),
        "actions-0-payee_label": "Mr X",
        "actions-0-deadline_phrase": "Within one month of the final decision",
        "actions-0-status": "open",
        "actions-1-kind": "financial",
        "actions-1-organisation": str(organisations[-1].pk),
        "actions-1-payee_label": "Mr Y",
        "actions-1-amount": "£200",
        "actions-1-deadline_phrase": "Within two months of the final decision",
        "actions-1-status": "open",
        "actions-2-status": "open",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _nothing_saved():
    return (
        Complaint.objects.count() == 0
        and Decision.objects.count() == 0
        and Finding.objects.count() == 0
        and AgreedAction.objects.count() == 0
    )


@pytest.fixture
def bodies(db):
    return [
        OrganisationFactory(name="Peterborough City Council"),
        OrganisationFactory(name="NHS Cambridgeshire and Peterborough Integrated Care Board"),
    ]


def test_officer_logs_decision_with_findings_and_actions(officer_client, bodies):
    area = ServiceAreaFactory(directorate="Adults", service="Mental health")
    response = log_decision(
        officer_client,
        _post_data(
            bodies,
            **{
                "complaint-service_area": str(area.pk),
                "complaint-category": str(category("Health > Mental health services").pk),
            },
        ),
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    complaint = decision.complaint
    assert complaint.reference == "24 005 859a"
    assert set(complaint.organisations.all()) == set(bodies)
    assert decision.findings.get().fault == Finding.Fault.YES
    apology, payment = decision.actions.order_by("id")
    # The deadline wording fills the due date.
    assert apology.due_date == date(2025, 3, 13)
    assert payment.due_date == date(2025, 4, 13)
    assert payment.amount == Decimal("200.00")
    assert payment.organisation == bodies[-1]
    assert not payment.due_date_set_by_hand

    page = officer_client.get(response["Location"]).content.decode()
    assert "24 005 859a" in page
    assert "£200.00" in page
    assert "13 Apr 2025" in page


def test_due_date_typed_by_officer_overrides_the_wording(officer_client, bodies):
    log_decision(officer_client, _post_data(bodies, **{"actions-0-due_date": "2025-03-31"}))
    apology = AgreedAction.objects.get(kind="apology")
    assert apology.due_date == date(2025, 3, 31)
    assert apology.due_date_set_by_hand


def test_single_organisation_is_the_default_for_actions(officer_client):
    council = OrganisationFactory(name="Havant Borough Council")
    log_decision(
        officer_client,
        _post_data([council], **{"actions-0-organisation": "", "actions-1-organisation": ""}),
    )
    assert {a.organisation for a in AgreedAction.objects.all()} == {council}


def test_unrecognised_wording_leaves_no_due_date_flagged_on_the_page(officer_client, bodies):
    response = log_decision(
        officer_client, _post_data(bodies, **{"actions-0-deadline_phrase": "as soon as possible"})
    )
    assert AgreedAction.objects.get(kind="apology").due_date is None
    assert "No date: set one" in officer_client.get(response["Location"]).content.decode()


def _errors(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"complaint-reference": "22/010/218"}, "Enter the Ombudsman reference as two, three"),
        ({"complaint-reference": "2201021"}, "like 22 010 218"),
        ({"complaint-reference": ""}, "Enter the Ombudsman&#x27;s reference"),
        ({"complaint-organisations": []}, "Choose at least one organisation"),
        ({"decision-decision_date": "2025-06-03"}, "The decision date cannot be in the future."),
        ({"decision-decision_date": "2025-02-30"}, "Date of decision must be a real date"),
        ({"decision-decision_date": ""}, "Enter the date of the Ombudsman&#x27;s decision."),
        ({"decision-outcome": ""}, "Choose the outcome the Ombudsman recorded."),
        ({"actions-1-amount": "-200"}, "The amount cannot be negative."),
        ({"actions-1-amount": "two hundred"}, "Enter the amount as a number of pounds"),
        ({"actions-1-amount": "200.505"}, "no more than two decimal places"),
        ({"actions-0-due_date": "2025-02-12"}, "The due date cannot be before the decision date"),
        ({"actions-0-kind": ""}, "Choose what kind of action this is."),
        ({"actions-0-organisation": ""}, "Choose the organisation that must do this."),
        ({"findings-0-fault": "", "findings-0-result": ""}, "Record whether there was fault"),
        ({"findings-0-point": ""}, "Describe the complaint point."),
        (
            {"decision-outcome": "not_upheld", "decision-satisfactory_remedy": "on"},
            "Only an upheld decision can record",
        ),
        (
            {"actions-0-status": "done", "actions-0-completed_on": "2025-02-01"},
            "The completion date cannot be before the decision date",
        ),
        ({"actions-0-status": "done"}, "Enter the date the action was completed."),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    officer_client, bodies, overrides, message
):
    response = log_decision(officer_client, _post_data(bodies, **overrides))
    assert response.status_code == 400
    page = _errors(response)
    assert "There is a problem" in page
    assert message in page
    # The message is next to the field as well as in the summary.
    assert page.count(message) >= 2
    assert _nothing_saved()


def test_a_reference_already_recorded_carries_the_work_to_a_further_decision(
    officer_client, bodies
):
    existing = ComplaintFactory(reference="24 005 859a", organisations=bodies)
    response = log_decision(
        officer_client, _post_data(bodies, **{"complaint-reference": "24-005-859A"})
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "A complaint with reference 24 005 859a is already recorded." in page
    assert "Log a further decision on 24 005 859a" in page
    assert Decision.objects.count() == 0
    further = re.search(r'action="(/decisions/drafts/[^"]+/further/)"', page).group(1)
    response = officer_client.post(further)
    assert response.status_code == 302 and response["Location"].endswith("/check/")
    # What was typed for the decision is kept: it saves as it is, on that complaint.
    response = officer_client.post(response["Location"])
    assert response.status_code == 302
    decision = existing.decisions.get()
    assert (decision.outcome, decision.decision_date) == ("upheld", date(2025, 2, 13))
    assert decision.summary == "Fault by an NHS Trust, a Council and an ICB."
    assert Complaint.objects.count() == 1


def test_a_failure_while_saving_actions_leaves_nothing_half_saved(
    officer_client, bodies, monkeypatch
):
    import decisions.recording

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(decisions.recording, "actions_save", broken)
    officer_client.raise_request_exception = False
    response = log_decision(officer_client, _post_data(bodies))
    assert response.status_code == 500
    assert _nothing_saved()


def test_further_decision_on_existing_complaint(officer_client, bodies):
    complaint = ComplaintFactory(reference="24 005 859", organisations=bodies)
    data = {k: v for k, v in _post_data(bodies).items() if not k.startswith("complaint-")}
    response = log_decision(
        officer_client, data, start=f"/complaints/{complaint.slug}/decisions/new/"
    )
    assert response.status_code == 302
    assert complaint.decisions.count() == 1
    assert Complaint.objects.count() == 1
