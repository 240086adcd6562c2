"""One set of rules per record (issue 14): the log-a-decision forms (which the journey and
a pasted decision go through) and the bulk import refuse the same rows with the same
messages, because both check a record with ``decisions.rules`` and ``remedies.rules``.

How a value is written is each one's own: a date typed into three boxes and one in a cell
("31/02/2025" is not a date: write it as DD/MM/YYYY) are refused in their own words, and
so is a choice the import cannot read ("Write Open, Done or Withdrawn.")."""

from datetime import date

import pytest
import time_machine

from decisions.forms import DecisionBundle
from decisions.imports import COLUMNS, plan_import
from decisions.models import Complaint, Decision, Organisation
from remedies.forms import ComplianceForm
from remedies.models import AgreedAction

from .factories import AgreedActionFactory, OrganisationFactory
from .spreadsheets import csv_upload

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)
URL = "/decisions/import/"
ONE_MONTH = "within one month of the final decision"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def bodies(db):
    return [
        OrganisationFactory(name="Havant Borough Council", short_name="the Council"),
        OrganisationFactory(name="Solent NHS Trust", kind=Organisation.Kind.NHS_TRUST),
    ]


def _row(**cells) -> dict:
    """A row of an import file that imports: an upheld decision with a financial remedy."""
    base = {
        "reference": "24 100 001", "organisations": "Havant Borough Council",
        "complainant": "Mr X", "decision date": "13/02/2025",
        "decision kind": "Decision statement", "outcome": "Upheld",
        "satisfactory remedy": "No", "summary": "Delay in a safeguarding enquiry.",
        "action kind": "Financial remedy", "action description": "Pay for distress",
        "payee": "Mr X", "amount": "200", "deadline": ONE_MONTH, "status": "Open",
    }  # fmt: skip
    return {**base, **cells}


# --- The same row, as the log-a-decision forms receive it --------------------------------

COMPLAINT_FIELDS = ("reference", "organisations", "complainant_label")
CHOICES = {
    "decision kind": Decision.Kind.choices,
    "outcome": Decision.Outcome.choices,
    "action kind": AgreedAction.Kind.choices,
    "status": AgreedAction.Status.choices,
}
DATES = ("decision date", "due date", "completed on")


def _form_value(column: str, text: str, bodies):
    by_name = {o.name: str(o.pk) for o in bodies}
    if column == "organisations":
        return [by_name[n.strip()] for n in text.split(";") if n.strip()]
    if column == "action organisation":
        return by_name.get(text, "")
    if column in DATES and text:
        day, month, year = text.split("/")
        return f"{year}-{month}-{day}"
    if column in CHOICES:
        return next((k for k, label in CHOICES[column] if label == text), "")
    if column == "satisfactory remedy":
        return "on" if text == "Yes" else ""
    return text


def _form_data(row: dict, bodies) -> dict:
    """What the browser posts for the row: the column's field under its part's prefix."""
    data = {
        "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
    }  # fmt: skip
    for column in COLUMNS:
        if column.name not in row or column.name == "compliance outcome":
            continue
        if not column.per_decision:
            prefix = "actions-0-"
        elif column.field in COMPLAINT_FIELDS:
            prefix = "complaint-"
        else:
            prefix = "decision-"
        value = _form_value(column.name, row[column.name], bodies)
        if value not in ("", []):
            data[prefix + column.field] = value
    return data


def _form_messages(row: dict, bodies, field: str) -> list[str]:
    bundle = DecisionBundle(_form_data(row, bodies))
    assert not bundle.is_valid()
    forms = [bundle.complaint_form, bundle.decision_form, bundle.actions.forms[0]]
    return [str(m) for form in forms if field in form.fields for m in form.errors.get(field, [])]


def _import_messages(row: dict, column: str) -> list[str]:
    plan = plan_import([{**row, "_row": 2}], today=TODAY, add_further=False)
    assert plan.errors, "The import took the row."
    assert not plan.to_import
    return [e.message for e in plan.errors if (e.row, e.column) == (2, column)]


FIELDS = {c.name: c.field for c in COLUMNS}
TOO_LONG = "Mr X, his sister Mrs Y and their late mother's friend, Ms Zelda"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        pytest.param(
            {"action kind": "Apology"}, "amount",
            "Only a financial remedy has an amount: clear the amount, or choose Financial remedy.",
            id="amount-on-an-apology",
        ),
        pytest.param(
            {"amount": "-5"}, "amount", "The amount cannot be negative.", id="negative-amount"
        ),
        pytest.param(
            {"amount": "123456789012"}, "amount", "Enter an amount under £100,000,000.",
            id="huge-amount",
        ),
        pytest.param(
            {"amount": "NaN"}, "amount",
            "Enter the amount as a number of pounds, like 200 or 150.50.", id="nan-amount",
        ),
        pytest.param(
            {"amount": "200.505"}, "amount",
            "Enter the amount in pounds and pence, with no more than two decimal places, like "
            "150.50.",
            id="fraction-of-a-penny",
        ),
        pytest.param(
            {"payee": TOO_LONG}, "payee",
            f"Ensure this value has at most 60 characters (it has {len(TOO_LONG)}).",
            id="payee-longer-than-its-column",
        ),
        pytest.param(
            {"deadline": "w" * 201}, "deadline",
            "Ensure this value has at most 200 characters (it has 201).",
            id="deadline-longer-than-its-column",
        ),
        pytest.param(
            {"due date": "12/02/2025"}, "due date",
            "The due date cannot be before the decision date (13 February 2025).",
            id="due-before-the-decision",
        ),
        pytest.param(
            {"status": "Done", "completed on": "01/02/2025"}, "completed on",
            "The completion date cannot be before the decision date (13 February 2025).",
            id="completed-before-the-decision",
        ),
        pytest.param(
            {"status": "Done"}, "completed on", "Enter the date the action was completed.",
            id="done-without-a-completion-date",
        ),
        pytest.param(
            {"completed on": "01/03/2025"}, "status",
            "An action with a completion date must be marked done.",
            id="completion-date-on-an-open-action",
        ),
        pytest.param(
            {"action kind": ""}, "action kind", "Choose what kind of action this is.",
            id="action-without-a-kind",
        ),
        pytest.param(
            {"organisations": "Havant Borough Council; Solent NHS Trust"}, "action organisation",
            "Choose the organisation that must do this.",
            id="joint-decision-action-without-its-body",
        ),
        pytest.param(
            {"reference": ""}, "reference", "Enter the Ombudsman's reference for the complaint.",
            id="no-reference",
        ),
        pytest.param(
            {"decision date": "03/06/2025"}, "decision date",
            "The decision date cannot be in the future.", id="decision-in-the-future",
        ),
        pytest.param(
            {"decision date": ""}, "decision date",
            "Enter the date of the Ombudsman's decision.", id="no-decision-date",
        ),
        pytest.param(
            {"outcome": ""}, "outcome", "Choose the outcome the Ombudsman recorded.",
            id="no-outcome",
        ),
        pytest.param(
            {"organisations": ""}, "organisations",
            "Choose at least one organisation the complaint was about.", id="no-organisation",
        ),
        pytest.param(
            {"complainant": ""}, "complainant",
            'Enter the Ombudsman\'s anonymised label, e.g. "Mr X".', id="no-complainant-label",
        ),
        pytest.param(
            {"complainant": "Margaret Thompson-Smith"}, "complainant",
            'Enter the anonymised label the Ombudsman uses, e.g. "Mr X", not a name.',
            id="a-name-for-a-label",
        ),
        pytest.param(
            {"outcome": "Not upheld", "satisfactory remedy": "Yes"}, "satisfactory remedy",
            "Only an upheld decision can record that the council had already provided a "
            "satisfactory remedy.",
            id="satisfactory-remedy-not-upheld",
        ),
    ],
)  # fmt: skip
def test_the_form_and_the_import_refuse_a_bad_row_with_the_same_message(
    bodies, cells, column, message
):
    row = _row(**cells)
    assert message in _form_messages(row, bodies, FIELDS[column])
    assert message in _import_messages(row, column)


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param({}, id="financial-remedy"),
        pytest.param({"amount": "0"}, id="zero-amount"),
        pytest.param({"amount": ""}, id="financial-remedy-without-an-amount"),
        pytest.param({"action kind": "Apology", "amount": ""}, id="apology"),
        pytest.param(
            {"status": "Done", "completed on": "13/02/2025", "due date": "13/02/2025"},
            id="done-on-the-decision-day",
        ),
        pytest.param(
            {
                "organisations": "Havant Borough Council; Solent NHS Trust",
                "action organisation": "Solent NHS Trust",
            },
            id="joint-decision-action-naming-its-body",
        ),  # fmt: skip
    ],
)
def test_the_form_and_the_import_both_take_a_good_row(bodies, cells):
    row = _row(**cells)
    bundle = DecisionBundle(_form_data(row, bodies))
    assert bundle.is_valid(), bundle.error_items()
    plan = plan_import([{**row, "_row": 2}], today=TODAY, add_further=False)
    assert plan.errors == []
    assert [d.status for d in plan.decisions] == ["new"]


def test_recording_compliance_needs_a_done_action_on_its_page_and_in_the_import(bodies):
    message = (
        "Mark the action done, with its completion date, before recording that the council "
        "complied."
    )
    action = AgreedActionFactory(decision__complaint__organisations=bodies[:1])
    form = ComplianceForm({"compliance_outcome": "complied"}, action=action)
    assert not form.is_valid()
    assert form.errors["compliance_outcome"] == [message]
    row = _row(**{"compliance outcome": "Complied"})
    assert _import_messages(row, "compliance outcome") == [message]


# --- The two bugs of the issue, through the import's pages ----------------------------------


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        pytest.param(
            {"action kind": "Apology", "amount": "£200"},
            "Only a financial remedy has an amount: clear the amount, or choose Financial remedy.",
            id="apology-with-an-amount",
        ),
        pytest.param(
            {"amount": "123456789012"}, "Enter an amount under £100,000,000.", id="overflow"
        ),
        pytest.param(
            {"payee": TOO_LONG},
            f"Ensure this value has at most 60 characters (it has {len(TOO_LONG)}).",
            id="payee-overflow",
        ),
    ],
)
def test_a_row_the_form_refuses_is_refused_at_the_check_and_nothing_is_stored(
    officer_client, bodies, cells, message
):
    # The apology was stored with its £200; the amount and the payee passed the check and
    # "Import all" then failed with a server error (the column overflowed).
    good = _row(reference="24 100 002")
    response = officer_client.post(
        URL, {"file": csv_upload([good, _row(**cells)]), "action": "check"}
    )
    assert response.status_code == 400
    column = {"£200": "amount", "123456789012": "amount"}.get(cells.get("amount"), "payee")
    errors = [(e.row, e.column, e.message) for e in response.context["plan"].errors]
    assert errors == [(3, column, message)]
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    assert officer_client.post(URL, {"action": "import_all"}).status_code == 400
    assert not Complaint.objects.exists() and not AgreedAction.objects.exists()
