"""What the journey's list and check pages show of a draft: each action as a line with
its body, payee, amount, due date and owner (the owner it will get when saved), and what
must still be completed, each with the page where to do it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.urls import reverse

from ombudsman.people import person_name
from remedies.deadlines import counts_from_an_event
from remedies.services import action_assignment, resolve_due_date

from ..forms import DecisionBundle
from ..models import DecisionDraft, Finding


@dataclass
class ActionLine:
    number: int
    kind: str
    description: str
    organisation: str
    payee: str = ""
    amount: Decimal | None = None
    deadline_phrase: str = ""
    due: date | None = None
    service_area: str = ""
    owner: str = ""
    status: str = ""
    owner_is_lead: bool = False  # given none, the owner is the service area's lead
    # The deadline counts from an event whose date the wording does not give.
    due_on_event: bool = False
    errors: list[str] = field(default_factory=list)


def _label(bound_field) -> str:
    """The label of the choice a bound select holds, or ""."""
    value = bound_field.value()
    for option_value, label in bound_field.field.choices:
        if str(getattr(option_value, "value", option_value)) == str(value) and value not in (
            None,
            "",
        ):
            return str(label)
    return ""


def _complaint_area(bundle: DecisionBundle):
    if bundle.complaint_form is None:
        return bundle.complaint.service_area if bundle.complaint else None
    if bundle.complaint_form.is_valid():
        return bundle.complaint_form.cleaned_data.get("service_area")
    return None


def _decision_date(bundle: DecisionBundle) -> date | None:
    form = bundle.decision_form
    return form.cleaned_data.get("decision_date") if form.is_valid() else None


def action_lines(bundle: DecisionBundle) -> list[ActionLine]:
    """The draft's actions, after ``bundle.is_valid()``; rows left empty are skipped."""
    complaint_area = _complaint_area(bundle)
    decided = _decision_date(bundle)
    lines = []
    for index, form in enumerate(bundle.actions.forms):
        if not form.has_changed():
            continue
        data = getattr(form, "cleaned_data", {}) if not form.errors else {}
        line = ActionLine(
            number=index + 1,
            kind=_label(form["kind"]),
            description=str(form["description"].value() or ""),
            organisation=_label(form["organisation"])
            or str(form["new_organisation"].value() or ""),
            payee=str(form["payee_label"].value() or ""),
            deadline_phrase=str(form["deadline_phrase"].value() or ""),
            status=_label(form["status"]),
            errors=[str(e) for errors in form.errors.values() for e in errors],
        )
        line.due_on_event = counts_from_an_event(line.deadline_phrase)
        if data:
            line.amount = data.get("amount")
            if data.get("organisation") is not None:
                line.organisation = data["organisation"].name
            area, owner = action_assignment(
                service_area=data.get("service_area"),
                owner=data.get("owner"),
                complaint_service_area=complaint_area,
            )
            # The complaint's own area goes without saying; another one is shown.
            line.service_area = str(area) if area and area != complaint_area else ""
            line.owner = person_name(owner)
            line.owner_is_lead = data.get("owner") is None and owner is not None
            if decided is not None:
                line.due = resolve_due_date(
                    phrase=data.get("deadline_phrase") or "",
                    decision_date=decided,
                    due_date=data.get("due_date"),
                    set_by_hand=data.get("due_date") is not None,
                )
        lines.append(line)
    return lines


class Problem(NamedTuple):
    """Something to do before saving, and the page (with its field) where to do it; a
    pair (url, message) as the error summary takes its links."""

    url: str
    message: str


def _step(draft: DecisionDraft, name: str, *args, anchor: str = "") -> str:
    url = reverse(f"decisions:draft_{name}", args=[draft.pk, *args]) + "?next=check"
    return f"{url}#{anchor}" if anchor else url


def _form_problems(form, label: str, url_of) -> list[Problem]:
    problems: list[Problem] = []
    for name, errors in form.errors.items():
        if name in form.fields:
            anchor = form[name].id_for_label or form[name].auto_id
            if form[name].widget_type in ("checkboxselectmultiple", "radioselect"):
                anchor = f"{form[name].auto_id}_0"
        else:
            anchor = ""
        problems.extend(Problem(url=url_of(anchor), message=f"{label}{error}") for error in errors)
    return problems


def problems_of(bundle: DecisionBundle, draft: DecisionDraft) -> list[Problem]:
    """What stops the draft being saved, in page order, after ``bundle.is_valid()``."""
    problems = []
    for form in (bundle.complaint_form, bundle.decision_form):
        if form is not None:
            problems += _form_problems(form, "", lambda a: _step(draft, "decision", anchor=a))
    for number, form in enumerate(bundle.findings.forms, 1):
        problems += _form_problems(
            form, f"Finding {number}: ", lambda a: _step(draft, "findings", anchor=a)
        )
    problems += [
        Problem(url=_step(draft, "findings"), message=str(e))
        for e in bundle.findings.non_form_errors()
    ]
    for number, form in enumerate(bundle.actions.forms, 1):
        problems += _form_problems(
            form, f"Action {number}: ", lambda a, n=number: _step(draft, "action", n, anchor=a)
        )
    problems += [
        Problem(url=_step(draft, "actions"), message=str(e))
        for e in bundle.actions.non_form_errors()
    ]
    return problems


def findings_to_check(bundle: DecisionBundle, draft: DecisionDraft) -> list[Problem]:
    """Findings recorded without a result: saving is allowed (the fault is stated), but
    the officer is asked to choose one."""
    choices = ", ".join(str(label) for _, label in Finding.Result.choices)
    flags = []
    for number, form in enumerate(bundle.findings.forms, 1):
        if form.has_changed() and not form.errors and not form.cleaned_data.get("result"):
            flags.append(
                Problem(
                    url=_step(draft, "findings", anchor=f"{form.prefix}-start"),
                    message=f"Finding {number} has no result: choose one of {choices}.",
                )
            )
    return flags


def due_before(lines: list[ActionLine], today: date) -> list[ActionLine]:
    """Open actions whose due date has already passed: overdue as soon as they are saved."""
    return [a for a in lines if a.due and a.due < today and a.status in ("", "Open")]
