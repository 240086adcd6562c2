"""Recording a decision with its complaint, findings and agreed actions: one transaction.

This module sits above both apps (it writes complaints and decisions, and calls the
remedies services for the actions), so that the log-a-decision page saves everything or
nothing.
"""

from datetime import datetime

from django.db import transaction

from ombudsman.versioning import EditConflict, changes_since
from remedies.models import AgreedAction
from remedies.services import (
    actions_follow_decision_date,
    actions_save,
    statutory_duties_create,
)

from .history import decision_history
from .models import Complaint, Decision, Finding, Organisation
from .organisations import kind_from_name
from .statistics.summary import keeps_year_summaries, of_decision, year_summaries_touch

FINDING_FIELDS = ("point", "fault", "injustice", "result")


def _findings_save(*, decision: Decision, rows: list[dict]) -> None:
    existing = {f.pk: f for f in decision.findings.all()}
    for row in rows:
        finding = existing.get(row["id"]) if row["id"] else Finding(decision=decision)
        if finding is None:
            raise Finding.DoesNotExist(f"Finding {row['id']} is not on this decision.")
        if row.get("delete"):
            if finding.pk:
                finding.delete()
            continue
        if finding.pk and not row.get("changed", True):
            continue
        for name in FINDING_FIELDS:
            setattr(finding, name, row[name] if row[name] is not None else "")
        if row["injustice"] is None:
            finding.injustice = None
        finding.save()


def _organisation_named(name: str) -> Organisation:
    """A body named in the decision: the one recorded under that name, else a new one
    with a first guess at its kind (an administrator can correct it)."""
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=name, kind=kind_from_name(name))
    return organisation


def _with_organisations(actions: list[dict]) -> list[dict]:
    """Rows naming a body not yet recorded get that body (added with the complaint)."""
    for row in actions:
        if not row.get("organisation") and row.get("new_organisation"):
            row["organisation"] = _organisation_named(row["new_organisation"])
    return actions


def _complaint_save(*, complaint: Complaint, complaint_data: dict) -> Complaint:
    for name, value in complaint_data["fields"].items():
        setattr(complaint, name, value)
    complaint.save()
    organisations = list(complaint_data["organisations"])
    organisations += [
        _organisation_named(name) for name in complaint_data.get("new_organisations", [])
    ]
    complaint.organisations.set(organisations)
    complaint.related.set(complaint_data["related"])
    return complaint


def _complaint_given(*, complaint: Complaint | None = None, **_) -> list[int]:
    return [complaint.pk] if complaint is not None else []


@transaction.atomic
@keeps_year_summaries(_complaint_given)
def decision_record(
    *,
    user,
    decision_data: dict,
    findings: list[dict],
    actions: list[dict],
    complaint: Complaint | None = None,
    complaint_data: dict | None = None,
) -> Decision:
    """Record a new decision. Either ``complaint`` (a re-opened case: a further decision
    on a complaint already recorded) or ``complaint_data`` (a new complaint) is given.
    A public interest report gets its statutory duties as actions."""
    if complaint is None:
        if complaint_data is None:
            raise ValueError("Give the complaint of a further decision, or a new one's data.")
        complaint = _complaint_save(complaint=Complaint(), complaint_data=complaint_data)
        year_summaries_touch([complaint.pk])  # new: it counted nothing before
    decision = Decision.objects.create(complaint=complaint, created_by=user, **decision_data)
    _findings_save(decision=decision, rows=findings)
    actions_save(decision=decision, rows=_with_organisations(actions))
    # A public interest report brings statutory duties with their own clocks.
    statutory_duties_create(decision=decision)
    return decision


def edit_stamp(decision: Decision, *, lock: bool = False) -> str:
    """The versions of everything the edit page shows: the complaint, the decision (which
    its findings and the list of actions change with) and each agreed action (changed on
    its own pages too), e.g. "c2.d5.a31:3.a32:1". With ``lock`` the rows stay locked until
    the transaction ends, so that nothing changes between the check and the save."""
    complaints = Complaint.objects.filter(pk=decision.complaint_id)
    decisions = Decision.objects.filter(pk=decision.pk)
    actions = AgreedAction.objects.filter(decision_id=decision.pk).order_by("pk")
    if lock:
        complaints = complaints.select_for_update()
        decisions = decisions.select_for_update()
        actions = actions.select_for_update()
    complaint_version = complaints.values_list("version", flat=True).get()
    decision_version = decisions.values_list("version", flat=True).get()
    parts = [f"c{complaint_version}", f"d{decision_version}"]
    parts += [f"a{pk}:{version}" for pk, version in actions.values_list("pk", "version")]
    return ".".join(parts)


@transaction.atomic
@keeps_year_summaries(of_decision)
def decision_update(
    *,
    user=None,
    decision: Decision,
    decision_data: dict,
    findings: list[dict],
    actions: list[dict],
    complaint_data: dict | None = None,
    seen_stamp: str | None = None,
    loaded_at: datetime | None = None,
) -> Decision:
    """Change a decision, its complaint, findings and actions.

    When the decision's date moves, the due dates that were worked out from the wording
    move with it; dates set by hand stay. A decision changed into a report gets its
    statutory duties.

    ``seen_stamp`` is the ``edit_stamp`` the page showed: if anything has been saved since,
    nothing is written and ``EditConflict`` lists the changes made after ``loaded_at``.
    """
    if seen_stamp is not None and edit_stamp(decision, lock=True) != seen_stamp:
        raise EditConflict(changes_since(decision_history(decision), loaded_at))
    if complaint_data is not None:
        _complaint_save(complaint=decision.complaint, complaint_data=complaint_data)
    old_date, old_kind = Decision.objects.values_list("decision_date", "kind").get(pk=decision.pk)
    for name, value in decision_data.items():
        setattr(decision, name, value)
    decision.save()
    _findings_save(decision=decision, rows=findings)
    actions_save(decision=decision, rows=_with_organisations(actions))
    if decision.decision_date != old_date:
        actions_follow_decision_date(decision=decision, user=user)
    if old_kind != Decision.Kind.REPORT:
        # Became a report: its statutory duties arrive now (once; an officer who later
        # removes one is not overruled).
        statutory_duties_create(decision=decision)
    return decision
