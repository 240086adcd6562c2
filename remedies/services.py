"""Writes to agreed actions: recording them with a decision, completing them with
evidence, extensions, the Ombudsman's compliance outcome, and the statutory duties of a
public interest report. Each service runs in one transaction."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from decisions.models import Decision, Organisation, ReportedDecision, ServiceArea
from decisions.statistics.summary import keeps_year_summaries, of_action, of_decision

from .deadlines import due_date_from_phrase
from .evidence import EvidenceRejected, check_evidence, evidence_file_name
from .models import AgreedAction, Evidence, Extension, StatutoryDutyTemplate
from .selectors import actions_to_assign, assignment_problems
from .tally import open_tally_add_if_kept, open_tally_of

ACTION_FIELDS = (
    "kind", "description", "organisation", "service_area", "owner", "payee_label", "amount",
    "deadline_phrase", "status", "completed_on", "notes",
)  # fmt: skip


def resolve_due_date(
    *, phrase: str, decision_date: date, due_date: date | None, set_by_hand: bool
) -> date | None:
    """The due date to store: the officer's own date, or the one the wording gives."""
    if set_by_hand:
        return due_date
    return due_date_from_phrase(phrase, decision_date)


def action_assignment(
    *,
    service_area: ServiceArea | None,
    owner: User | None,
    complaint_service_area: ServiceArea | None,
) -> tuple[ServiceArea | None, User | None]:
    """Who answers for an action: its service area and owner, from what was given.

    The action takes the complaint's service area unless given another, and its owner is
    that service area's lead (if the lead's account is active) unless given another. No
    writes: the log-a-decision check page calls it to show each action's owner before
    anything is saved. Give the areas with their ``lead`` loaded (``select_related``), or
    each lead costs a query.
    """
    area = service_area or complaint_service_area
    if owner is None and area is not None and (lead := area.lead) is not None:
        if lead.is_active:
            owner = lead
    return area, owner


def _areas_with_leads(ids) -> dict[int | None, ServiceArea]:
    """The service areas of ``ids`` (None is left out), each with its lead: one query."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return {area.pk: area for area in ServiceArea.objects.select_related("lead").filter(pk__in=ids)}


@transaction.atomic
@keeps_year_summaries(of_decision)
def actions_save(*, decision: Decision, rows: list[dict]) -> list[AgreedAction]:
    """Create, change and delete the agreed actions of a decision from clean rows.

    Each row has the action's fields, ``id`` (None for a new action), ``delete``,
    ``changed`` (False for an existing row left as it was: not written again) and
    ``due_date_set_by_hand``. Returns the actions kept, in row order.

    A row saved without a service area or owner gets them by ``action_assignment``: the
    complaint's service area and that area's lead.
    """
    existing = {a.pk: a for a in decision.actions.all()}
    complaint_area_id = decision.complaint.service_area_id
    areas = _areas_with_leads(
        [complaint_area_id, *(getattr(row.get("service_area"), "pk", None) for row in rows)]
    )
    kept = []
    for row in rows:
        action = existing.get(row["id"]) if row["id"] else AgreedAction(decision=decision)
        if action is None:
            raise AgreedAction.DoesNotExist(f"Action {row['id']} is not on this decision.")
        if row.get("delete"):
            if action.pk:
                action.delete()
            continue
        if action.pk and not row.get("changed", True):
            kept.append(action)  # untouched: a new decision date reaches it in bulk
            continue
        for name in ACTION_FIELDS:
            setattr(action, name, row[name])
        action.service_area, action.owner = action_assignment(
            service_area=areas.get(getattr(row["service_area"], "pk", None)),
            owner=row["owner"],
            complaint_service_area=areas.get(complaint_area_id),
        )
        action.decision_date = decision.decision_date
        action.due_date_set_by_hand = row["due_date_set_by_hand"]
        action.due_date = resolve_due_date(
            phrase=action.deadline_phrase,
            decision_date=decision.decision_date,
            due_date=row["due_date"],
            set_by_hand=action.due_date_set_by_hand,
        )
        action.save()
        kept.append(action)
    return kept


@transaction.atomic
@keeps_year_summaries(of_decision)
def actions_follow_decision_date(*, decision: Decision, user=None) -> int:
    """After a decision's date changes: copy the new date onto its actions and work out
    again the due dates that came from the wording (dates set by hand stay).

    One SELECT, one UPDATE for all the actions, and one INSERT of their history rows,
    however many actions the decision has. Returns how many actions were updated.
    """
    actions = list(decision.actions.all())
    for action in actions:
        action.decision_date = decision.decision_date
        action.version += 1  # a bulk update does not pass through save()
        if not action.due_date_set_by_hand:
            action.due_date = due_date_from_phrase(action.deadline_phrase, decision.decision_date)
    if not actions:
        return 0
    return bulk_update_with_history(
        actions,
        AgreedAction,
        ["decision_date", "due_date", "version"],
        default_user=user,
        default_change_reason="Decision date changed",
    )


def _home_or_first_council(decision: Decision) -> Organisation:
    organisations = list(decision.complaint.organisations.all())
    for organisation in organisations:
        if organisation.is_home_authority:
            return organisation
    councils = {k for k, _ in Organisation.Kind.choices} - {
        Organisation.Kind.NHS_TRUST, Organisation.Kind.ICB, Organisation.Kind.PROVIDER,
        Organisation.Kind.OTHER,
    }  # fmt: skip
    for organisation in organisations:
        if organisation.kind in councils:
            return organisation
    return organisations[0]


@transaction.atomic
@keeps_year_summaries(of_decision)
def statutory_duties_create(*, decision: Decision) -> list[AgreedAction]:
    """The duties that follow a public interest report, as actions of the report, from
    the templates an administrator keeps. Does nothing if the decision is not a report or
    already has its statutory duties."""
    if (
        not decision.is_report
        or decision.actions.filter(kind=AgreedAction.Kind.STATUTORY_DUTY).exists()
    ):
        return []
    organisation = _home_or_first_council(decision)
    complaint_area_id = decision.complaint.service_area_id
    area, owner = action_assignment(
        service_area=None,
        owner=None,
        complaint_service_area=_areas_with_leads([complaint_area_id]).get(complaint_area_id),
    )
    created = []
    for template in StatutoryDutyTemplate.objects.filter(active=True):
        created.append(
            AgreedAction.objects.create(
                decision=decision,
                decision_date=decision.decision_date,
                kind=AgreedAction.Kind.STATUTORY_DUTY,
                description=f"{template.title}. {template.description} "
                f"({template.legal_basis})".strip(),
                organisation=organisation,
                service_area=area,
                owner=owner,
                deadline_phrase=template.deadline_phrase,
                due_date=due_date_from_phrase(template.deadline_phrase, decision.decision_date),
            )
        )
    return created


def evidence_max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def evidence_add(*, action: AgreedAction, user, uploaded) -> Evidence:
    """Keep one evidence file after checking its content and size.

    Raises ``EvidenceRejected`` with a message for the officer when the file is not a
    PDF, Word document, image or e-mail, is empty or is too large.
    """
    kind = check_evidence(uploaded, size=uploaded.size, max_bytes=evidence_max_bytes())
    evidence = Evidence(
        action=action,
        original_name=evidence_file_name(uploaded.name, kind.extension),
        extension=kind.extension,
        content_type=kind.content_type,
        kind_label=kind.label,
        size=uploaded.size,
        uploaded_by=user,
    )
    evidence.file.save("upload", uploaded, save=False)
    evidence.save()
    return evidence


@transaction.atomic
@keeps_year_summaries(of_action)
def action_complete(
    *,
    action: AgreedAction,
    user,
    completed_on: date,
    note: str,
    files: list,
    evidence_sent_on: date | None = None,
    committee: str = "",
) -> AgreedAction:
    """Mark an action done on a date, by whom, with a note and evidence files.

    Every file is checked before anything is saved: one bad file saves nothing. A "report
    to committee" action done records its decision as reported to members, at
    ``committee`` on that date (decisions.models.reported_to_members_q).
    """
    max_bytes = evidence_max_bytes()
    for uploaded in files:
        try:
            check_evidence(uploaded, size=uploaded.size, max_bytes=max_bytes)
        except EvidenceRejected as exc:
            raise EvidenceRejected(f"{uploaded.name}: {exc}") from exc
    action = AgreedAction.objects.select_for_update().get(pk=action.pk)
    action.status = AgreedAction.Status.DONE
    action.completed_on = completed_on
    action.completed_by = user
    action.completion_note = note
    if evidence_sent_on is not None:
        action.evidence_sent_on = evidence_sent_on
    action.overdue_since = None
    action.save()
    for uploaded in files:
        evidence_add(action=action, user=user, uploaded=uploaded)
    if action.kind == AgreedAction.Kind.REPORT_TO_COMMITTEE:
        ReportedDecision.objects.update_or_create(
            action=action,
            report=None,
            defaults={
                "decision_id": action.decision_id,
                "committee": committee.strip(),
                "reported_on": completed_on,
            },
        )
    return action


@transaction.atomic
@keeps_year_summaries(of_action)
def action_extend(
    *, action: AgreedAction, user, new_due_date: date, reason: str, agreed_in_writing: bool
) -> Extension:
    """Move an action's date in force; the original due date and each earlier extension
    stay on record. An action no longer past its date stops counting as overdue."""
    action = AgreedAction.objects.select_for_update().get(pk=action.pk)
    extension = Extension.objects.create(
        action=action,
        previous_due_date=action.effective_due_date,
        new_due_date=new_due_date,
        reason=reason,
        agreed_in_writing=agreed_in_writing,
        created_by=user,
    )
    action.extended_due_date = new_due_date
    action.overdue_since = None  # the next sweep marks it again if it is still late
    action.save()
    return extension


@transaction.atomic
@keeps_year_summaries(of_action)
def action_record_compliance(
    *, action: AgreedAction, evidence_sent_on: date | None, outcome: str
) -> AgreedAction:
    """Record when evidence went to the Ombudsman and the outcome the Ombudsman gave."""
    action = AgreedAction.objects.select_for_update().get(pk=action.pk)
    action.evidence_sent_on = evidence_sent_on
    action.compliance_outcome = outcome
    action.save()
    return action


# What the Change page of one action may change (completion, extensions and the
# compliance outcome have services of their own).
CHANGE_FIELDS = (
    "kind", "description", "organisation", "payee_label", "amount", "deadline_phrase", "notes",
)  # fmt: skip


@transaction.atomic
@keeps_year_summaries(of_action)
def action_change(*, action: AgreedAction, user, data: dict) -> AgreedAction:
    """Change what one action is, who must do it, by when and who answers for it.

    ``data`` has ``CHANGE_FIELDS``, ``service_area``, ``owner``, ``due_date`` and
    ``due_date_set_by_hand``. A date set by hand is kept; otherwise the due date is worked
    out from the wording. The service area and owner follow ``action_assignment`` (left
    empty: the complaint's area and its lead). The row is locked while it changes, and its
    history records ``user``.
    """
    action = (
        AgreedAction.objects.select_for_update(of=("self",))
        .select_related("decision__complaint")
        .get(pk=action.pk)
    )
    for name in CHANGE_FIELDS:
        setattr(action, name, data[name])
    complaint_area_id = action.decision.complaint.service_area_id
    areas = _areas_with_leads([complaint_area_id, getattr(data["service_area"], "pk", None)])
    action.service_area, action.owner = action_assignment(
        service_area=areas.get(getattr(data["service_area"], "pk", None)),
        owner=data["owner"],
        complaint_service_area=areas.get(complaint_area_id),
    )
    old_due = action.due_date
    action.due_date_set_by_hand = data["due_date_set_by_hand"]
    action.due_date = resolve_due_date(
        phrase=action.deadline_phrase,
        decision_date=action.decision_date,
        due_date=data["due_date"],
        set_by_hand=action.due_date_set_by_hand,
    )
    if action.due_date != old_due and action.extended_due_date is None:
        action.overdue_since = None  # the next sweep marks it again if it is still late
    # Who django-simple-history records as the author of this change.
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    return action


class AssignRefused(Exception):
    """Nothing was assigned: ``problems`` says, one line each, what stood in the way."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def assignment_for(
    action: AgreedAction, *, owner: User | None, service_area: ServiceArea | None
) -> tuple[ServiceArea | None, User | None]:
    """The service area and owner ``action`` gets when several actions are given
    ``owner`` and/or ``service_area``: what was chosen, else what it has. An owner who was
    only the default (nobody, or the lead of the area it had) follows the new area to its
    lead; one chosen for the action stays. ``service_area`` needs its ``lead`` loaded and
    the action its ``service_area`` and complaint's ``service_area``."""
    complaint_area = action.decision.complaint.service_area
    if owner is None:
        area = action.service_area or complaint_area
        lead_id = area.lead_id if area is not None else None
        was_default = action.owner_id is None or action.owner_id == lead_id
        owner = None if was_default and service_area is not None else action.owner
    return action_assignment(
        service_area=service_area or action.service_area,
        owner=owner,
        complaint_service_area=complaint_area,
    )


@transaction.atomic
def actions_assign(
    *,
    actions_with_versions: dict[int, int],
    user,
    owner: User | None = None,
    service_area: ServiceArea | None = None,
) -> list[AgreedAction]:
    """Give several actions one owner, one service area or both: all of them or none.

    ``actions_with_versions`` maps each action's id to the version the page that listed
    it showed. The actions are locked; if any changed since, no longer exists or is
    finished, or the owner can no longer be given work, nothing is saved and
    ``AssignRefused`` lists why. Otherwise one UPDATE and one INSERT of history rows (one
    per action, recording ``user``), however many actions there are.
    """
    if owner is None and service_area is None:
        raise ValueError("Give an owner, a service area or both.")
    actions = list(actions_to_assign(actions_with_versions, user).select_for_update(of=("self",)))
    problems = assignment_problems(actions, actions_with_versions, owner=owner)
    if problems:
        raise AssignRefused(problems)
    if service_area is not None:
        service_area = ServiceArea.objects.select_related("lead").get(pk=service_area.pk)
    # The dashboard's tallies count open actions per service area and owner: what these
    # count moves from the lines they were on to those they are put on.
    moved = open_tally_of(actions)
    for action in actions:
        action.service_area, action.owner = assignment_for(
            action, owner=owner, service_area=service_area
        )
        action.version += 1  # a bulk update does not pass through save()
    moved.add(open_tally_of(actions), sign=-1)
    open_tally_add_if_kept(moved, sign=-1)
    bulk_update_with_history(
        actions,
        AgreedAction,
        ["service_area", "owner", "version"],
        default_user=user,
        default_change_reason=f"Assigned: {len(actions)} at once",
    )
    return actions
