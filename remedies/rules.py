"""What an agreed action must be, however it is entered: the action rows of the
log-a-decision forms (the edit page, and the journey that a pasted decision fills), an
action's Change and compliance pages, and the bulk import check an action here, so that a
rule added once holds for all of them. The shape of a check is ``decisions.rules``'."""

from datetime import date
from decimal import Decimal

from decisions.rules import Problems, not_before_decision, problems_of

from .models import AgreedAction

# The message for a required value left out, by field.
MISSING = {
    "kind": "Choose what kind of action this is.",
    "organisation": "Choose the organisation that must do this.",
    "completed_on": "Enter the date the action was completed.",
}


def default_organisation(organisations: list):
    """The body that must do an action that names none: the only one the decision is
    about. None when it is about several (or none): each action must then name its own."""
    return organisations[0] if len(organisations) == 1 else None


def action_problems(
    *,
    kind: str | None,
    organisation,
    amount: Decimal | None,
    status: str | None,
    completed_on: date | None,
    due_date: date | None,
    decision_date: date | None,
    compliance_outcome: str = "",
) -> Problems:
    """``organisation``: the body that must do it, recorded or named to be added (None
    when the action names none and no default applies). ``due_date``: only a date that
    was set by hand; one worked out from the wording is worked out again when the
    decision's date moves. ``decision_date`` None skips the checks against it."""
    amount_message = ""
    if amount is not None and kind and kind != AgreedAction.Kind.FINANCIAL:
        amount_message = (
            "Only a financial remedy has an amount: clear the amount, or choose Financial remedy."
        )
    done = status == AgreedAction.Status.DONE
    return problems_of(
        {
            "kind": [MISSING["kind"] if not kind else ""],
            "organisation": [MISSING["organisation"] if not organisation else ""],
            "amount": [amount_message],
            "due_date": [not_before_decision(due_date, decision_date, "The due date")],
            "status": [
                "An action with a completion date must be marked done."
                if completed_on and not done
                else ""
            ],
            "completed_on": [
                MISSING["completed_on"] if done and not completed_on else "",
                not_before_decision(completed_on, decision_date, "The completion date"),
            ],
            **compliance_problems(compliance_outcome=compliance_outcome, status=status),
        }
    )


def compliance_problems(*, compliance_outcome: str, status: str | None) -> Problems:
    """The Ombudsman's compliance outcome, against the action's status."""
    complied = (
        AgreedAction.ComplianceOutcome.COMPLIED,
        AgreedAction.ComplianceOutcome.COMPLIED_LATE,
    )
    return problems_of(
        {
            "compliance_outcome": [
                "Mark the action done, with its completion date, before recording that "
                "the council complied."
                if compliance_outcome in complied and status != AgreedAction.Status.DONE
                else ""
            ]
        }
    )
