"""A decision being logged step by step (``DecisionDraft``): its data, read and written a
part at a time by the journey's pages and validated whole, by the same forms as the edit
page (``DecisionBundle``), before it is saved in one transaction.

The draft keeps the fields under the names the one-page form used ("complaint-reference",
"findings-0-point", "actions-3-due_date-day", with the formsets' management fields), so
that each step page binds its own forms to its part and the check page binds them all.
"""

import re
from datetime import timedelta

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from ..forms import DecisionBundle
from ..models import Complaint, Decision, DecisionDraft
from ..recording import decision_record

# Kept this long after the last change; a draft holds a decision's text, so it is not
# kept for ever once abandoned.
DRAFT_LIFETIME = timedelta(days=7)
MAX_ROWS = 100  # findings or actions in one decision; a forged count makes no more

COMPLAINT_DECISION = ("complaint-", "decision-")


def drafts_of(user):
    """The user's unfinished decisions, newest first (expired ones are removed first)."""
    DecisionDraft.objects.filter(updated_at__lt=timezone.now() - DRAFT_LIFETIME).delete()
    return DecisionDraft.objects.filter(user=user).select_related("complaint")


def draft_start(*, user, complaint: Complaint | None = None, data=None, notes=None):
    """A new draft: empty (one empty finding, no actions) or filled from a paste."""
    drafts_of(user)  # purges the expired
    if data is None:
        data = {}
        _set_count(data, "findings", 1)
        _set_count(data, "actions", 0)
    else:
        data = {name: list(data.getlist(name)) for name in data}
    return DecisionDraft.objects.create(
        user=user, complaint=complaint, data=data, notes=notes or {}
    )


def as_querydict(draft: DecisionDraft) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in draft.data.items():
        query.setlist(name, values)
    return query


def _set_count(data: dict, prefix: str, count: int) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = [str(count)]
    data[f"{prefix}-INITIAL_FORMS"] = ["0"]
    data[f"{prefix}-MIN_NUM_FORMS"] = ["0"]
    data[f"{prefix}-MAX_NUM_FORMS"] = ["1000"]


def count(draft: DecisionDraft, prefix: str) -> int:
    try:
        return max(0, min(int(draft.data.get(f"{prefix}-TOTAL_FORMS", ["0"])[0]), MAX_ROWS))
    except (ValueError, IndexError):
        return 0


def _is_management(name: str) -> bool:
    return name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS"))


def draft_put(draft: DecisionDraft, posted, *, prefixes: tuple[str, ...]) -> None:
    """Replace the part of the draft under ``prefixes`` with what was posted under them
    (posted management fields included), keeping everything else."""
    data = {k: v for k, v in draft.data.items() if not k.startswith(prefixes)}
    for name in posted:
        if name.startswith(prefixes) and not _is_management(name):
            data[name] = [str(v) for v in posted.getlist(name)]
    for prefix in ("findings", "actions"):
        if any(p.startswith(f"{prefix}-") for p in prefixes):
            # The number of rows is the draft's to keep: a posted count, forged or not,
            # is read as a number within bounds, and every row is a new one.
            try:
                rows = int(posted.get(f"{prefix}-TOTAL_FORMS", ""))
            except ValueError:
                rows = count(draft, prefix)
            _set_count(data, prefix, max(0, min(rows, MAX_ROWS)))
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])


def row_added(draft: DecisionDraft, prefix: str) -> None:
    """One more (empty) row of findings or actions, up to MAX_ROWS."""
    _set_count(draft.data, prefix, min(count(draft, prefix) + 1, MAX_ROWS))
    draft.save(update_fields=["data", "updated_at"])


def action_form(draft: DecisionDraft, data: QueryDict, index: int):
    """Action ``index``'s form bound to ``data``, checked as on its own page: the
    decision's date and the body complained about come from the rest of the draft."""
    return DecisionBundle(data, complaint=draft.complaint).action_form(index)


def action_prefix(index: int) -> str:
    return f"actions-{index}-"


def action_put(draft: DecisionDraft, posted, *, index: int) -> None:
    """Store action ``index`` (from 0) as posted; a new one goes at the end."""
    prefix = action_prefix(index)
    draft_put(draft, posted, prefixes=(prefix,))
    if index >= count(draft, "actions"):
        _set_count(draft.data, "actions", index + 1)
        draft.save(update_fields=["data", "updated_at"])


def _renumbered(data: dict, prefix: str, removed: int) -> dict:
    pattern = re.compile(rf"^{prefix}-(\d+)-(.*)$")
    out = {}
    for name, values in data.items():
        match = pattern.match(name)
        if not match:
            out[name] = values
            continue
        index = int(match.group(1))
        if index == removed:
            continue
        if index > removed:
            index -= 1
        out[f"{prefix}-{index}-{match.group(2)}"] = values
    return out


def row_remove(draft: DecisionDraft, prefix: str, index: int) -> None:
    """Remove finding or action ``index`` (from 0); those after it move up one."""
    total = count(draft, prefix)
    if not 0 <= index < total:
        return
    data = _renumbered(draft.data, prefix, index)
    _set_count(data, prefix, total - 1)
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])


def bundle_of(draft: DecisionDraft) -> DecisionBundle:
    """The draft bound to the log-a-decision forms, all of them, as the check page and
    the save validate it."""
    return DecisionBundle(as_querydict(draft), complaint=draft.complaint)


def draft_made_further(draft: DecisionDraft, complaint: Complaint) -> None:
    """A draft whose reference is already recorded becomes a further decision on that
    complaint (a re-opened case): its decision, findings and actions are kept; the
    complaint's details are those already recorded."""
    draft.complaint = complaint
    draft.data = {k: v for k, v in draft.data.items() if not k.startswith("complaint-")}
    draft.save(update_fields=["complaint", "data", "updated_at"])


class DraftInvalid(Exception):
    """The draft does not pass the log-a-decision checks; ``bundle`` holds the errors."""

    def __init__(self, bundle: DecisionBundle):
        super().__init__("The decision is not complete.")
        self.bundle = bundle


@transaction.atomic
def draft_save(*, draft: DecisionDraft, user) -> Decision:
    """Record the draft's decision (with its complaint, findings and actions) and discard
    the draft, in one transaction. Raises ``DraftInvalid`` and saves nothing when any
    part does not pass the checks."""
    locked = DecisionDraft.objects.select_for_update().filter(pk=draft.pk).first()
    if locked is None:
        raise DecisionDraft.DoesNotExist("The draft has already been saved or discarded.")
    bundle = bundle_of(locked)
    if not bundle.is_valid():
        raise DraftInvalid(bundle)
    decision = decision_record(
        user=user,
        complaint=locked.complaint,
        complaint_data=bundle.complaint_fields() if locked.complaint is None else None,
        decision_data=bundle.decision_fields(),
        findings=bundle.finding_rows(),
        actions=bundle.action_rows(),
    )
    locked.delete()
    return decision
