"""The statuses of an agreed action, in a module with no model imports.

decisions/models.py needs them (a "report to committee" action that is done counts as the
decision reported to members, decisions.models.reported_to_members_q) and remedies/models.py
imports decisions/models.py: this leaf module lets both use the one vocabulary without a
circle of imports. ``AgreedAction.Status`` is this class.
"""

from django.db import models


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    WITHDRAWN = "withdrawn", "Withdrawn"
