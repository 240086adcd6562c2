"""What a complaint, its decision and the decision's findings must be, however they are
entered: the log-a-decision forms (the edit page, and the journey that a pasted decision
fills) and the bulk import check a record here, so that a rule added once holds for all
of them. An agreed action's rules are in ``remedies.rules``.

Each check takes clean values (None, or empty, for a value not given) and returns the
problems it finds as {field name: [messages]}: a form shows each message next to its
field, the import next to the field's column in the row. A value left out of a required
field is a problem too; a form's field refuses it first, with the same message
(``MISSING``), and a field or cell already refused (not a date, say) keeps only that
message (``add_to_form``, and the import's own).
"""

from datetime import date

from .models import Decision

Problems = dict[str, list[str]]

# The message for a required value left out, by field.
MISSING = {
    "reference": "Enter the Ombudsman's reference for the complaint.",
    "organisations": "Choose at least one organisation the complaint was about.",
    "decision_date": "Enter the date of the Ombudsman's decision.",
    "outcome": "Choose the outcome the Ombudsman recorded.",
    "point": "Describe the complaint point.",
    "complainant_label": 'Enter the Ombudsman\'s anonymised label, e.g. "Mr X".',
}

# The Ombudsman's labels are short ("Mr X", "Mr and Mrs L", "Ms B's daughter"); a longer
# value is most likely a name typed or imported by mistake, and no name may be kept.
LABEL_LENGTH = 20


def not_before_decision(value: date | None, decision_date: date | None, what: str) -> str:
    """The message for a date (``what``: "The due date") before the decision's, or ""."""
    if value and decision_date and value < decision_date:
        return f"{what} cannot be before the decision date ({decision_date:%-d %B %Y})."
    return ""


def not_in_future(value: date | None, today: date, what: str) -> str:
    """The message for a date that should have happened but is after ``today``, or ""."""
    if value and value > today:
        return f"{what} cannot be in the future."
    return ""


def problems_of(checks: dict[str, list[str]]) -> Problems:
    """The fields with at least one message, each with its messages ("" dropped)."""
    found = {name: [m for m in messages if m] for name, messages in checks.items()}
    return {name: messages for name, messages in found.items() if messages}


def reference_problems(reference: str | None) -> list[str]:
    """The complaint's reference on its own: the import groups its rows by it (and the
    decision's date) before it checks the rest."""
    return [MISSING["reference"]] if not reference else []


def complainant_problems(label: str | None) -> list[str]:
    if not label:
        return [MISSING["complainant_label"]]
    if len(label) > LABEL_LENGTH:
        return ['Enter the anonymised label the Ombudsman uses, e.g. "Mr X", not a name.']
    return []


def complaint_problems(
    *, reference: str | None, organisations: list, complainant_label: str | None
) -> Problems:
    """``organisations``: the bodies complained about, those recorded and those named to
    be added alike."""
    return problems_of(
        {
            "reference": reference_problems(reference),
            "complainant_label": complainant_problems(complainant_label),
            "organisations": [MISSING["organisations"] if not organisations else ""],
        }
    )


def decision_date_problems(decision_date: date | None, *, today: date) -> list[str]:
    """The decision's date on its own, as ``reference_problems``."""
    if decision_date is None:
        return [MISSING["decision_date"]]
    return [m for m in [not_in_future(decision_date, today, "The decision date")] if m]


def decision_problems(
    *, decision_date: date | None, outcome: str | None, satisfactory_remedy: bool, today: date
) -> Problems:
    satisfactory = ""
    if satisfactory_remedy and outcome and outcome != Decision.Outcome.UPHELD:
        satisfactory = (
            "Only an upheld decision can record that the council had already provided "
            "a satisfactory remedy."
        )
    return problems_of(
        {
            "decision_date": decision_date_problems(decision_date, today=today),
            "outcome": [MISSING["outcome"] if not outcome else ""],
            "satisfactory_remedy": [satisfactory],
        }
    )


def finding_problems(*, point: str, fault: str, result: str) -> Problems:
    return problems_of(
        {
            "point": [MISSING["point"] if not point else ""],
            "fault": [
                "Record whether there was fault, the point's result, or both."
                if not fault and not result
                else ""
            ],
        }
    )


def add_to_form(form, problems: Problems) -> None:
    """Show the problems on ``form``, each next to its field; a field the form has
    already refused keeps its own message only."""
    for name, messages in problems.items():
        if not form.has_error(name):
            for message in messages:
                form.add_error(name, message)
    # Error summaries list a form's errors in the order it holds them: the page's order,
    # not the order the fields and then the rules found them in.
    errors = form.errors
    fields = list(form.fields)
    for name in sorted(errors, key=lambda n: fields.index(n) if n in fields else len(fields)):
        errors[name] = errors.pop(name)
