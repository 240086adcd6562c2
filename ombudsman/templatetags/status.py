"""The status of an agreed action as one short GOV.UK tag with the days beside it in plain
text ("Overdue", then "570 days overdue"), the same on every page. An enquiry past its
date uses the same include: ``{% include "includes/status.html" with key="overdue"
days=overdue %}``.

The rules are the models' own (``days_overdue``, ``is_due_soon``, ``completed_late``, the
date in force); this module only chooses which of them to show. The wording lives in
``templates/includes/status.html``."""

from datetime import date

from django import template
from django.utils import timezone

from remedies.models import AgreedAction

register = template.Library()


@register.inclusion_tag("includes/status.html")
def action_status(action: AgreedAction, today: date | None = None) -> dict:
    """``{% action_status action today %}``: Overdue, Due soon, Open, Done, Done late or
    Withdrawn, with the days overdue, the days left or the completion date beside it."""
    today = today or timezone.localdate()
    due = action.effective_due_date
    if action.status == AgreedAction.Status.WITHDRAWN:
        return {"key": "withdrawn"}
    if action.status == AgreedAction.Status.DONE:
        key = "done_late" if action.completed_late else "done"
        return {"key": key, "on": action.completed_on}
    overdue = action.days_overdue(today)
    if overdue:
        return {"key": "overdue", "days": overdue}
    if due is None:
        return {"key": "undated"}
    key = "due_soon" if action.is_due_soon(today) else "open"
    return {"key": key, "days": (due - today).days}
