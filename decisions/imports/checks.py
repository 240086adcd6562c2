"""Checking every row of an import file against the data already recorded, and grouping
the rows into the decisions to import. A fixed number of queries however many rows."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError

from ombudsman.control_characters import (
    control_characters_message,
    has_control_characters,
    without_control_characters,
)
from ombudsman.forms import PoundsField
from remedies.models import AgreedAction

from ..models import Category, Complaint, Decision, Organisation, ServiceArea
from ..references import InvalidReference, normalise_reference
from .files import COLUMNS, DECISION_COLUMNS, NAMES


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlannedDecision:
    reference: str
    decision_date: date
    rows: list[int]
    status: str  # "new", "further" (a re-opened case), "present" (left as it is), "invalid"
    complaint: Complaint | None = None
    complaint_fields: dict = field(default_factory=dict)
    organisations: list = field(default_factory=list)
    decision_fields: dict = field(default_factory=dict)
    actions: list[dict] = field(default_factory=list)


@dataclass
class ImportPlan:
    decisions: list[PlannedDecision]
    errors: list[RowError]

    def count(self, status: str) -> int:
        return sum(1 for d in self.decisions if d.status == status)

    @property
    def to_import(self) -> list[PlannedDecision]:
        return [d for d in self.decisions if d.status in ("new", "further")]


def _choice(value: str, choices) -> str | None:
    folded = value.strip().casefold()
    for key, label in choices:
        if folded in (key.casefold(), label.casefold()):
            return key
    return None


def _date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date: write it as DD/MM/YYYY, e.g. 13/02/2025.")


class _Lookups:
    """What the rows name, read once: organisations, service areas, categories, and the
    complaints and decisions already recorded under the file's references."""

    def __init__(self, references: set[str]):
        self.organisations = {}
        for org in Organisation.objects.all():
            self.organisations[org.name.casefold()] = org
            if org.short_name and org.short_name.casefold() not in ("the council",):
                self.organisations.setdefault(org.short_name.casefold(), org)
        self.areas = {
            f"{a.directorate}: {a.service}".casefold(): a for a in ServiceArea.objects.all()
        }
        self.categories = {str(c).casefold(): c for c in Category.objects.select_related("parent")}
        self.complaints = {
            c.reference: c
            for c in Complaint.objects.filter(reference__in=references).prefetch_related(
                "decisions", "organisations"
            )
        }


def _normalised_reference(raw: str) -> str | None:
    try:
        return normalise_reference(raw)
    except InvalidReference:
        return None


# The columns whose fields on the form are multi-line: tab and line breaks are text there.
MULTILINE_COLUMNS = ("summary", "action description")


def plan_import(rows: list[dict], *, today: date, add_further: bool) -> ImportPlan:
    """Check every row and group them into decisions. Costs a fixed number of queries."""
    errors: list[RowError] = []
    # Cells refused for a control character: their other problems would only repeat it.
    controlled: set[tuple[int, str]] = set()

    def error(row, column, message):
        if (row["_row"], column) not in controlled:
            errors.append(RowError(row["_row"], column, message))

    references = {r for r in (_normalised_reference(row.get("reference", "")) for row in rows) if r}
    known = _Lookups(references)
    groups: dict[tuple, PlannedDecision] = {}
    first_row: dict[tuple, dict] = {}
    for row in rows:
        before = len(errors)
        for column in NAMES:
            value = row.get(column) or ""
            if has_control_characters(value, multiline=column in MULTILINE_COLUMNS):
                error(row, column, control_characters_message(column.capitalize()))
                controlled.add((row["_row"], column))
                # Checked on without them, so that the row still joins its decision
                # (which it makes invalid) and no other message repeats this one.
                row = {**row, column: without_control_characters(value)}
        reference = None
        try:
            reference = normalise_reference(row.get("reference", ""))
        except InvalidReference as exc:
            error(row, "reference", str(exc))
        decided = None
        if not row.get("decision date"):
            error(row, "decision date", "Enter the decision's date.")
        else:
            try:
                decided = _date(row["decision date"])
                if decided > today:
                    error(row, "decision date", "The decision date cannot be in the future.")
            except ValueError as exc:
                error(row, "decision date", str(exc))
        if reference is None or decided is None:
            continue
        key = (reference, decided)
        plan = groups.get(key)
        if plan is None:
            plan = groups[key] = PlannedDecision(reference, decided, [], "new")
            first_row[key] = row
            _check_decision(row, plan, known, error, add_further)
        else:
            first = first_row[key]
            for column in DECISION_COLUMNS:
                if (row.get(column) or "").strip() != (first.get(column) or "").strip():
                    error(
                        row,
                        column,
                        f"Differs from row {first['_row']} for the same decision ({reference}, "
                        f"{decided:%d/%m/%Y}).",
                    )
        plan.rows.append(row["_row"])
        action = _check_action(row, plan, known, error)
        if action is not None:
            plan.actions.append(action)
        if len(errors) > before:
            plan.status = "invalid" if plan.status != "present" else plan.status
    for plan in groups.values():
        if plan.status == "present":
            continue
        if any(e.row in plan.rows for e in errors):
            plan.status = "invalid"
    return ImportPlan(
        list(groups.values()),
        sorted(errors, key=lambda e: (e.row, NAMES.index(e.column) if e.column in NAMES else 99)),
    )


def _check_decision(row, plan: PlannedDecision, known: _Lookups, error, add_further: bool):
    complaint = known.complaints.get(plan.reference)
    if complaint is not None:
        if any(d.decision_date == plan.decision_date for d in complaint.decisions.all()):
            plan.status = "present"  # imported before: left exactly as it is
            plan.complaint = complaint
            return
        if not add_further:
            plan.organisations = list(complaint.organisations.all())
            error(
                row,
                "reference",
                f"{plan.reference} is already recorded, with another decision date. Choose 'Add "
                "decisions on references already recorded' to add this one as a further decision "
                "(a re-opened case).",
            )
            return
        plan.status = "further"
        plan.complaint = complaint
    organisations = []
    names = [n.strip() for n in (row.get("organisations") or "").split(";") if n.strip()]
    if not names:
        error(row, "organisations", "Name at least one organisation complained about.")
    for name in names:
        org = known.organisations.get(name.casefold())
        if org is None:
            error(
                row,
                "organisations",
                f"No organisation called '{name}' is recorded: add it in the administration "
                "first, or correct the name.",
            )
        else:
            organisations.append(org)
    label = (row.get("complainant") or "").strip()
    if not label:
        error(row, "complainant", 'Enter the Ombudsman\'s anonymised label, e.g. "Mr X".')
    elif len(label) > 20:
        error(
            row,
            "complainant",
            'Enter the anonymised label the Ombudsman uses, e.g. "Mr X", not a name.',
        )
    area = None
    if row.get("service area"):
        area = known.areas.get(row["service area"].strip().casefold())
        if area is None:
            error(
                row,
                "service area",
                f"No service area '{row['service area']}': write it as 'Directorate: Service', as "
                "in the administration.",
            )
    category = None
    if row.get("category"):
        category = known.categories.get(" ".join(row["category"].split()).casefold())
        if category is None:
            error(
                row,
                "category",
                f"No category '{row['category']}': write it as 'Top > Sub', e.g. 'Housing > "
                "Homelessness'.",
            )
    kind = Decision.Kind.STATEMENT
    if row.get("decision kind"):
        kind = _choice(
            row["decision kind"],
            [*Decision.Kind.choices, ("report", "Report"), ("statement", "Statement")],
        )
        if kind is None:
            error(row, "decision kind", "Write Decision statement or Report.")
    outcome = _choice(row.get("outcome") or "", Decision.Outcome.choices)
    if outcome is None:
        error(
            row,
            "outcome",
            "Write one of: " + ", ".join(label for _, label in Decision.Outcome.choices) + ".",
        )
    satisfactory = _yes_no(row.get("satisfactory remedy") or "")
    if satisfactory is None:
        error(row, "satisfactory remedy", "Write Yes or No.")
    elif satisfactory and outcome and outcome != Decision.Outcome.UPHELD:
        error(
            row, "satisfactory remedy", "Only an upheld decision can record a satisfactory remedy."
        )
    if plan.status == "further":
        # The complaint's own organisations; the row's are checked above all the same.
        organisations = list(plan.complaint.organisations.all())
    plan.organisations = organisations
    plan.complaint_fields = {
        "reference": plan.reference, "complainant_label": label,
        "service_area": area, "category": category,
    }  # fmt: skip
    plan.decision_fields = {
        "decision_date": plan.decision_date, "kind": kind or Decision.Kind.STATEMENT,
        "outcome": outcome, "satisfactory_remedy": bool(satisfactory),
        "summary": row.get("summary") or "",
    }  # fmt: skip


def _yes_no(value: str) -> bool | None:
    folded = value.strip().casefold()
    if folded in ("", "no", "n", "false", "0"):
        return False
    if folded in ("yes", "y", "true", "1"):
        return True
    return None


ACTION_ONLY = [c.name for c in COLUMNS if not c.per_decision]


def _check_action(row, plan: PlannedDecision, known: _Lookups, error) -> dict | None:
    if not any((row.get(c) or "").strip() for c in ACTION_ONLY):
        return None
    if plan.status == "present":
        return None
    kind = _choice(row.get("action kind") or "", AgreedAction.Kind.choices)
    if kind is None:
        error(
            row,
            "action kind",
            "Write the kind of action: "
            + ", ".join(label for _, label in AgreedAction.Kind.choices)
            + ".",
        )
    organisation = None
    if row.get("action organisation"):
        organisation = known.organisations.get(row["action organisation"].strip().casefold())
        if organisation is None:
            error(
                row,
                "action organisation",
                f"No organisation called '{row['action organisation']}' is recorded.",
            )
    elif len(plan.organisations) == 1:
        organisation = plan.organisations[0]
    else:
        error(
            row,
            "action organisation",
            "Name the organisation that must do this: the decision is about more than one.",
        )
    amount = None
    if row.get("amount"):
        # The form's own amount field, so that the import refuses what the form refuses:
        # NaN, Infinity, more digits than the column holds, negative, fractions of a penny.
        try:
            amount = PoundsField(required=False).clean(row["amount"])
        except ValidationError as exc:
            error(row, "amount", exc.messages[0])
    due = completed = None
    for column in ("due date", "completed on"):
        if row.get(column):
            try:
                value = _date(row[column])
            except ValueError as exc:
                error(row, column, str(exc))
                continue
            if value < plan.decision_date:
                error(row, column, "This date is before the decision date.")
            if column == "due date":
                due = value
            else:
                completed = value
    status = AgreedAction.Status.OPEN
    if row.get("status"):
        status = _choice(row["status"], AgreedAction.Status.choices)
        if status is None:
            error(row, "status", "Write Open, Done or Withdrawn.")
    if status == AgreedAction.Status.DONE and not row.get("completed on"):
        error(row, "completed on", "Enter the date a done action was completed.")
    if completed is not None and status != AgreedAction.Status.DONE:
        error(row, "status", "An action with a completion date is Done.")
    compliance = ""
    if row.get("compliance outcome"):
        compliance = _choice(row["compliance outcome"], AgreedAction.ComplianceOutcome.choices)
        if compliance is None:
            error(row, "compliance outcome", "Write Complied, Complied late or Not complied.")
    # Wording the deadline engine does not understand is kept as written and the action
    # is marked "No date: set one", as on the form; it is never an error.
    phrase = (row.get("deadline") or "").strip()
    return {
        "id": None, "delete": False, "changed": True,
        "kind": kind, "description": row.get("action description") or "",
        "organisation": organisation, "service_area": plan.complaint_fields.get("service_area"),
        "owner": None, "payee_label": row.get("payee") or "", "amount": amount,
        "deadline_phrase": phrase, "due_date": due, "due_date_set_by_hand": due is not None,
        "status": status or AgreedAction.Status.OPEN, "completed_on": completed, "notes": "",
        "compliance_outcome": compliance or "",
    }  # fmt: skip
