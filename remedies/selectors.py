"""Reads for the agreed-action pages."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from decisions.models import Complaint, Decision, Enquiry
from ombudsman.access import can_view_every_complaint
from ombudsman.audit import FieldChange, HistoryEntry, entries, person, related_names

from .models import AgreedAction, AgreedActionQuerySet, Evidence, Reminder
from .sweep import ACTION_REMINDER_PATHS, reminder_fallback

# Who sees which cases. Evidence holds complainants' personal data, so a service manager
# sees only the cases they answer for; everyone else at work on complaints sees them all.
# One rule, here: every page, list, download and feed that shows or opens a complaint, a
# decision, an action, its evidence or an enquiry asks the functions below.
#
# Complaints officers, managers, monitoring officers and administrators (the permission
# decisions.view_every_complaint, which a superuser holds too) see everything. Anyone
# else who may see decisions, service managers above all, sees:
# - an action they own, or whose service area they lead, or whose case they answer for
#   (they lead the complaint's service area, or are its officer in charge: they see the
#   decision and so every action on it);
# - a decision whose case they answer for, or that holds an action they own or whose
#   service area they lead (of such a decision they are shown only those actions);
# - a complaint with at least one decision they see, or whose case they answer for;
# - a piece of evidence when they see its action, and an enquiry when they see its
#   complaint.
# Nothing else: another service's case is "not found" (404), never a hint that it exists.


def sees_every_case(user) -> bool:
    """Whether ``user`` sees every complaint, decision, action and piece of evidence."""
    return can_view_every_complaint(user)


def _answers_for_case(user, to_complaint: str = "") -> Q:
    """The case is the user's: they lead the complaint's service area or are its officer
    in charge. ``to_complaint`` is the path from the rows filtered to the complaint."""
    return Q(**{f"{to_complaint}service_area__lead": user}) | Q(**{f"{to_complaint}officer": user})


def _action_is_theirs(user, to_action: str = "") -> list[Q]:
    """The ways an action is the user's, each alone: they own it; they lead its service
    area."""
    return [Q(**{f"{to_action}owner": user}), Q(**{f"{to_action}service_area__lead": user})]


def _answers_for_action(user, to_action: str = "") -> Q:
    """The action is the user's: they own it or lead its service area."""
    owns, leads = _action_is_theirs(user, to_action)
    return owns | leads


def _sees_action(user, to_action: str = "") -> Q:
    return _answers_for_action(user, to_action) | _answers_for_case(
        user, f"{to_action}decision__complaint__"
    )


def visible_actions(user, actions: AgreedActionQuerySet | None = None) -> AgreedActionQuerySet:
    """The agreed actions of ``actions`` (every one by default) that ``user`` may see: all
    of them for those who see every case; else those they own, those of the service
    areas they lead and those on the cases they answer for."""
    actions = AgreedAction.objects.all() if actions is None else actions
    if sees_every_case(user):
        return actions
    return actions.filter(_sees_action(user))


def visible_evidence(user, evidence: QuerySet | None = None) -> QuerySet:
    """The evidence of ``evidence`` (all by default) whose action ``user`` may see."""
    evidence = Evidence.objects.all() if evidence is None else evidence
    if sees_every_case(user):
        return evidence
    return evidence.filter(_sees_action(user, "action__"))


def visible_decisions(user, decisions: QuerySet | None = None) -> QuerySet:
    """The decisions of ``decisions`` (all by default) that ``user`` may see: all of them
    for those who see every case; else those on the cases they answer for and those
    holding an action they own or of a service area they lead."""
    decisions = Decision.objects.all() if decisions is None else decisions
    if sees_every_case(user):
        return decisions
    theirs = AgreedAction.objects.filter(_answers_for_action(user), decision=OuterRef("pk"))
    return decisions.filter(_answers_for_case(user, "complaint__") | Exists(theirs))


def visible_complaints(user, complaints: QuerySet | None = None) -> QuerySet:
    """The complaints of ``complaints`` (all by default) with a decision ``user`` may see,
    or whose case they answer for."""
    complaints = Complaint.objects.all() if complaints is None else complaints
    if sees_every_case(user):
        return complaints
    theirs = AgreedAction.objects.filter(
        _answers_for_action(user), decision__complaint=OuterRef("pk")
    )
    return complaints.filter(_answers_for_case(user) | Exists(theirs))


def visible_enquiries(user, enquiries: QuerySet | None = None) -> QuerySet:
    """The enquiries of ``enquiries`` (all by default) on complaints ``user`` may see."""
    enquiries = Enquiry.objects.all() if enquiries is None else enquiries
    if sees_every_case(user):
        return enquiries
    return enquiries.filter(complaint__in=visible_complaints(user).values("pk"))


def _reachable(user) -> bool:
    # As the sweep's SQL has it: an active account with an e-mail address.
    return user is not None and user.is_active and bool(user.email)


def reminder_recipient(action: AgreedAction):
    """Who the morning sweep reminds about ``action``: the first person who can be
    e-mailed along the sweep's own paths (owner, service area's lead, the complaint's
    service area's lead, the complaint's officer), else the first complaints officer;
    None only when there is nobody at all.

    Works on an action not yet saved too. Load the action with
    ``select_related("owner", "service_area__lead", "decision__complaint__service_area__lead",
    "decision__complaint__officer")`` to read it without further queries.
    """
    for path in ACTION_REMINDER_PATHS:
        person: object = action
        for name in path.split("__"):
            person = getattr(person, name, None)
            if person is None:
                break
        if _reachable(person):
            return person
    return reminder_fallback().first()


def my_open_actions(user) -> QuerySet:
    """Open actions the user owns, or that belong to a service area they lead; soonest
    date in force first, undated last.

    Those they own and those of the areas they lead are found apart and put together (a
    UNION of two index scans): asked as one condition, owner or area's lead, which no
    index answers, the database reads every open action (57 ms at 600,000 actions, not
    1 ms)."""
    open_actions = AgreedAction.objects.open().order_by()
    owns, leads = (open_actions.filter(way).values("pk") for way in _action_is_theirs(user))
    return (
        AgreedAction.objects.filter(pk__in=owns.union(leads))
        .with_in_force()
        .select_related("decision__complaint", "organisation", "service_area", "owner")
        .order_by(F("in_force").asc(nulls_last=True), "id")
    )


def my_open_enquiries(user) -> QuerySet:
    """Unanswered enquiries on complaints the user is in charge of, soonest due first."""
    return (
        Enquiry.objects.unanswered()
        .filter(_answers_for_case(user, "complaint__"))
        .select_related("complaint")
        .order_by("due_on", "id")
    )


def action_timeline(action: AgreedAction) -> list[HistoryEntry]:
    """The action's own history, its extensions, evidence and reminders, newest first.

    A fixed number of queries: one per kind of record, plus one per kind of linked record
    named in a change.
    """
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    names = related_names([(AgreedAction, records)])
    out = entries(AgreedAction, records, names, lambda r: "Agreed action", skip=("decision",))
    for ext in action.extensions.select_related("created_by"):
        agreed = (
            "Agreed in writing by the Ombudsman"
            if ext.agreed_in_writing
            else ("Not agreed in writing by the Ombudsman")
        )
        out.append(
            HistoryEntry(
                ext.created_at, person(ext.created_by), "Extended",
                f"to {ext.new_due_date:%-d %B %Y}",
                [FieldChange("Reason", "", ext.reason), FieldChange("Agreement", "", agreed)],
            )
        )  # fmt: skip
    for evidence in action.evidence.select_related("uploaded_by"):
        out.append(
            HistoryEntry(
                evidence.uploaded_at, person(evidence.uploaded_by), "Evidence added",
                evidence.original_name,
                [FieldChange("Kind", "", f"{evidence.kind_label}, {evidence.size:,} bytes")],
            )
        )  # fmt: skip
    for reminder in action.reminders.select_related("recipient", "email"):
        if reminder.sent_at:
            state = f"sent {timezone.localtime(reminder.sent_at):%-d %B %Y %H:%M}"
        elif reminder.status == Reminder.Status.PENDING and reminder.email:
            # Waiting in an e-mail: say how that e-mail stands ("could not be sent").
            state = reminder.email.get_status_display().lower()
        else:
            state = reminder.get_status_display().lower()
        out.append(
            HistoryEntry(
                reminder.created_at, "Overdue sweep", "Reminder",
                reminder.get_kind_display().lower(),
                [FieldChange("To", "", f"{person(reminder.recipient)}, {state}")],
            )
        )  # fmt: skip
    out.sort(key=lambda e: e.when, reverse=True)
    return out


def decision_date_conflicts(actions, new_date, *, include_form_fields: bool = True) -> list[str]:
    """Why a decision cannot move to ``new_date``: its actions' recorded dates that would
    then fall before the decision (the database refuses them too). Dates worked out from
    the wording are not conflicts: they move with the decision.

    ``include_form_fields=False`` leaves out the due and completion dates, which the
    log-a-decision page checks row by row."""
    problems = []
    for action in actions:
        payee = f" to {action.payee_label}" if action.payee_label else ""
        label = f"{action.get_kind_display()}{payee}"
        dates = [
            ("was extended to", action.extended_due_date),
            ("had its evidence sent to the Ombudsman on", action.evidence_sent_on),
        ]
        if include_form_fields:
            dates.append(("was completed on", action.completed_on))
            if action.due_date_set_by_hand:
                dates.append(("has a due date set by hand of", action.due_date))
        for what, when in dates:
            if when and when < new_date:
                problems.append(
                    f"The decision date cannot be after {when:%-d %B %Y}: the action "
                    f'"{label}" {what} that date.'
                )
    return problems


def actions_to_assign(ids, viewer) -> QuerySet:
    """The actions chosen to be assigned that ``viewer`` may see, with what the pages and
    the rule read of them."""
    return (
        visible_actions(viewer)
        .filter(pk__in=list(ids))
        .select_related(
            "decision__complaint__service_area", "organisation", "service_area", "owner"
        )
        .order_by("decision__complaint__reference", "due_date", "pk")
    )


def action_label(action: AgreedAction) -> str:
    """An action as a person reads it in a list: "Apology to Mr X (24 005 859a)"."""
    payee = f" to {action.payee_label}" if action.payee_label else ""
    return f"{action.get_kind_display()}{payee} ({action.decision.complaint.reference})"


def assignment_problems(actions, versions: dict[int, int], *, owner=None) -> list[str]:
    """Why the chosen actions cannot be given an owner or service area, one line each
    (empty when they can): an action changed or removed since the page that listed it was
    shown (``versions`` are the versions it showed), one already done or withdrawn (a
    finished action keeps the people it had), an owner no longer active or without a
    role. One query for who changed the changed ones, none when nothing did."""
    problems = []
    if owner is not None:
        allowed = (
            get_user_model()
            .objects.filter(pk=owner.pk, is_active=True, groups__isnull=False)
            .exists()
        )
        if not allowed:
            problems.append(
                f"{person(owner)} can no longer be given actions: their account is not "
                "active or has no role. Choose another owner."
            )
    found = {action.pk: action for action in actions}
    by_whom = _last_changed_by(stale_actions(actions, versions) & set(found))
    for pk in versions:
        action = found.get(pk)
        if action is None:
            problems.append(f"Action {pk} no longer exists: it was deleted.")
        elif pk in by_whom:
            who, when = by_whom[pk]
            problems.append(
                f"{action_label(action)} was changed by {who} at "
                f"{timezone.localtime(when):%H:%M on %-d %B %Y} after the list was shown: "
                "go back, check it and select it again."
            )
        elif action.status != AgreedAction.Status.OPEN:
            problems.append(
                f"{action_label(action)} is {action.get_status_display().lower()}: a "
                "finished action keeps the owner and service area it had."
            )
    return problems


def stale_actions(actions, versions: dict[int, int]) -> set[int]:
    """The ids in ``versions`` whose action has changed since, or no longer exists."""
    current = {action.pk: action.version for action in actions}
    return {pk for pk, version in versions.items() if current.get(pk) != version}


def _last_changed_by(ids) -> dict:
    """For each action of ``ids``, who last changed it and when: one query."""
    if not ids:
        return {}
    latest = (
        AgreedAction.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
    )
    return {record.id: (person(record.history_user), record.history_date) for record in latest}
