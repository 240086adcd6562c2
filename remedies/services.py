"""Writes to agreed actions. Each service runs in a transaction."""

from datetime import date

from django.db import transaction

from decisions.models import Decision

from .deadlines import due_date_from_phrase
from .models import AgreedAction

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


@transaction.atomic
def actions_save(*, decision: Decision, rows: list[dict]) -> list[AgreedAction]:
    """Create, change and delete the agreed actions of a decision from clean rows.

    Each row has the action's fields, ``id`` (None for a new action), ``delete`` and
    ``due_date_set_by_hand``. Returns the actions kept, in row order.
    """
    existing = {a.pk: a for a in decision.actions.all()}
    kept = []
    for row in rows:
        action = existing.get(row["id"]) if row["id"] else AgreedAction(decision=decision)
        if action is None:
            raise AgreedAction.DoesNotExist(f"Action {row['id']} is not on this decision.")
        if row.get("delete"):
            if action.pk:
                action.delete()
            continue
        for name in ACTION_FIELDS:
            setattr(action, name, row[name])
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
def actions_follow_decision_date(*, decision: Decision) -> int:
    """After a decision's date changes: copy the new date onto its actions and work out
    again the due dates that came from the wording (dates set by hand stay). Returns how
    many due dates changed."""
    decision.actions.update(decision_date=decision.decision_date)
    changed = []
    for action in decision.actions.filter(due_date_set_by_hand=False):
        due = due_date_from_phrase(action.deadline_phrase, decision.decision_date)
        if due != action.due_date:
            action.due_date = due
            changed.append(action)
    for action in changed:
        # save() rather than bulk_update() so that the audit trail records the change.
        action.save(update_fields=["due_date"])
    return len(changed)
