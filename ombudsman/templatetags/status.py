"""The status of an agreed action as one short GOV.UK tag with the days beside it in plain
text ("Overdue", then "570 days overdue"), the same on every page. An enquiry past its
date uses the same include: ``{% include "includes/status.html" with key="overdue"
days=overdue %}``.

Which state an action is in is the model's choice (``AgreedAction.timing_on``), shared
with the committee reports. The wording lives in
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
    return action.timing_on(today or timezone.localdate())._asdict()
