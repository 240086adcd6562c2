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
from remedies import rules as action_rules
from remedies.forms import AgreedActionForm
from remedies.models import AgreedAction

from .. import rules
from ..models import Category, Complaint, Decision, Organisation, ServiceArea
from ..references import InvalidReference, normalise_reference
from .files import (
    ACTION_FIELD_COLUMNS,
    COLUMNS,
    DECISION_COLUMNS,
    DECISION_FIELD_COLUMNS,
    NAMES,
)


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


def _choice_cell(row: dict, column: str, choices, error, *, refused: str, empty=None):
    """The key of the choice the cell names, by its key or its label; ``empty`` when the
    cell is empty; None, with the error ``refused``, when it names no choice."""
    if not row.get(column):
        return empty
    folded = row[column].strip().casefold()
    for key, label in choices:
        if folded in (key.casefold(), label.casefold()):
            return key
    error(row, column, refused)
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
        self.areas = {str(a).casefold(): a for a in ServiceArea.objects.all()}
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


class _Errors:
    """The errors found, by row and column."""

    def __init__(self) -> None:
        self.found: list[RowError] = []
        # Cells refused for a control character: their other problems would only repeat it.
        self.controlled: set[tuple[int, str]] = set()
        self.flagged: set[tuple[int, str]] = set()  # the cells with an error

    def __call__(self, row: dict, column: str, message: str) -> None:
        if (row["_row"], column) not in self.controlled:
            self.found.append(RowError(row["_row"], column, message))
            self.flagged.add((row["_row"], column))

    def control_characters(self, row: dict, column: str) -> None:
        """The cell holds a control character: that is its one error."""
        self(row, column, control_characters_message(column.capitalize()))
        self.controlled.add((row["_row"], column))

    def report(self, row: dict, problems: rules.Problems, columns: dict[str, str]) -> None:
        """The rules' problems, each by its field's column (``columns``); a cell already
        refused (not a date, say) keeps its own message only, as a form's field does."""
        for name, messages in problems.items():
            if (row["_row"], columns[name]) not in self.flagged:
                for message in messages:
                    self(row, columns[name], message)

    def count(self) -> int:
        return len(self.found)


def _date_cell(row: dict, column: str, error: _Errors) -> date | None:
    """The cell's date; None when it is empty or, with an error, not a date."""
    if not row.get(column):
        return None
    try:
        return _date(row[column])
    except ValueError as exc:
        error(row, column, str(exc))
        return None


def _form_cell(row: dict, column: str, field, error: _Errors):
    """The cell read by the form's own field, so that the import refuses what the form
    refuses: an amount that is NaN, negative, or too large for its column; text longer
    than its column. None when refused."""
    try:
        return field.clean(row.get(column) or "")
    except ValidationError as exc:
        for message in exc.messages:
            error(row, column, message)
        return None


def plan_import(rows: list[dict], *, today: date, add_further: bool) -> ImportPlan:
    """Check every row and group them into decisions. Costs a fixed number of queries.

    A row is read column by column (a date, a choice, an organisation by its name), then
    checked by the rules the forms check (``decisions.rules``, ``remedies.rules``)."""
    error = _Errors()
    references = {r for r in (_normalised_reference(row.get("reference", "")) for row in rows) if r}
    known = _Lookups(references)
    groups: dict[tuple, PlannedDecision] = {}
    first_row: dict[tuple, dict] = {}
    for row in rows:
        before = error.count()
        for column in NAMES:
            value = row.get(column) or ""
            if has_control_characters(value, multiline=column in MULTILINE_COLUMNS):
                error.control_characters(row, column)
                # Checked on without them, so that the row still joins its decision
                # (which it makes invalid) and no other message repeats this one.
                row = {**row, column: without_control_characters(value)}
        reference = None
        if row.get("reference"):
            try:
                reference = normalise_reference(row["reference"])
            except InvalidReference as exc:
                error(row, "reference", str(exc))
        decided = _date_cell(row, "decision date", error)
        problems = {
            "reference": rules.reference_problems(reference),
            "decision_date": rules.decision_date_problems(decided, today=today),
        }
        error.report(row, rules.problems_of(problems), DECISION_FIELD_COLUMNS)
        if reference is None or decided is None:
            continue
        key = (reference, decided)
        plan = groups.get(key)
        if plan is None:
            plan = groups[key] = PlannedDecision(reference, decided, [], "new")
            first_row[key] = row
            _check_decision(row, plan, known, error, add_further=add_further, today=today)
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
        if error.count() > before:
            plan.status = "invalid" if plan.status != "present" else plan.status
    errors = error.found
    for plan in groups.values():
        if plan.status == "present":
            continue
        if any(e.row in plan.rows for e in errors):
            plan.status = "invalid"
    return ImportPlan(
        list(groups.values()),
        sorted(errors, key=lambda e: (e.row, NAMES.index(e.column) if e.column in NAMES else 99)),
    )


def _check_decision(
    row, plan: PlannedDecision, known: _Lookups, error: _Errors, *, add_further: bool, today: date
):
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
    kind = _choice_cell(
        row, "decision kind",
        [*Decision.Kind.choices, ("report", "Report"), ("statement", "Statement")],
        error, refused="Write Decision statement or Report.", empty=Decision.Kind.STATEMENT,
    )  # fmt: skip
    outcome = _choice_cell(
        row, "outcome", Decision.Outcome.choices, error,
        refused=f"Write one of: {', '.join(label for _, label in Decision.Outcome.choices)}.",
    )  # fmt: skip
    satisfactory = _yes_no(row.get("satisfactory remedy") or "")
    if satisfactory is None:
        error(row, "satisfactory remedy", "Write Yes or No.")
    problems = {
        **rules.complaint_problems(
            reference=plan.reference, organisations=organisations, complainant_label=label
        ),
        **rules.decision_problems(
            decision_date=plan.decision_date,
            outcome=outcome,
            satisfactory_remedy=bool(satisfactory),
            today=today,
        ),
    }
    error.report(row, problems, DECISION_FIELD_COLUMNS)
    if complaint is not None:  # a further decision ("further"): the others returned above
        # The complaint's own organisations; the row's are checked above all the same.
        organisations = list(complaint.organisations.all())
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


def _check_action(row, plan: PlannedDecision, known: _Lookups, error: _Errors) -> dict | None:
    if not any((row.get(c) or "").strip() for c in ACTION_ONLY):
        return None
    if plan.status == "present":
        return None
    kind = _choice_cell(
        row, "action kind", AgreedAction.Kind.choices, error,
        refused="Write the kind of action: "
        f"{', '.join(label for _, label in AgreedAction.Kind.choices)}.",
    )  # fmt: skip
    organisation = None
    if row.get("action organisation"):
        organisation = known.organisations.get(row["action organisation"].strip().casefold())
        if organisation is None:
            error(
                row,
                "action organisation",
                f"No organisation called '{row['action organisation']}' is recorded.",
            )
    else:
        organisation = action_rules.default_organisation(plan.organisations)
    form_fields = AgreedActionForm.base_fields
    payee = _form_cell(row, "payee", form_fields["payee_label"], error)
    amount = _form_cell(row, "amount", form_fields["amount"], error)
    # Wording the deadline engine does not understand is kept as written and the action
    # is marked "No date: set one", as on the form; it is never an error.
    phrase = _form_cell(row, "deadline", form_fields["deadline_phrase"], error)
    due = _date_cell(row, "due date", error)
    completed = _date_cell(row, "completed on", error)
    status = _choice_cell(
        row, "status", AgreedAction.Status.choices, error,
        refused="Write Open, Done or Withdrawn.", empty=AgreedAction.Status.OPEN,
    )  # fmt: skip
    compliance = _choice_cell(
        row, "compliance outcome", AgreedAction.ComplianceOutcome.choices, error,
        refused="Write Complied, Complied late or Not complied.", empty="",
    )  # fmt: skip
    problems = action_rules.action_problems(
        kind=kind,
        organisation=organisation,
        amount=amount,
        status=status,
        completed_on=completed,
        due_date=due,
        decision_date=plan.decision_date,
        compliance_outcome=compliance or "",
    )
    error.report(row, problems, ACTION_FIELD_COLUMNS)
    return {
        "id": None, "delete": False, "changed": True,
        "kind": kind, "description": row.get("action description") or "",
        "organisation": organisation, "service_area": plan.complaint_fields.get("service_area"),
        "owner": None, "payee_label": payee or "", "amount": amount,
        "deadline_phrase": phrase or "", "due_date": due, "due_date_set_by_hand": due is not None,
        "status": status or AgreedAction.Status.OPEN, "completed_on": completed, "notes": "",
        "compliance_outcome": compliance or "",
    }  # fmt: skip
