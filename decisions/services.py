"""Writes to complaints' records other than the log-a-decision page (see recording.py)."""

from django.db import transaction

from .models import Enquiry


@transaction.atomic
def enquiry_save(*, enquiry: Enquiry) -> Enquiry:
    """Record or update an enquiry. An answered (or re-dated) enquiry stops counting as
    overdue at once; the next sweep flags it again if it is still late."""
    if enquiry.answered_on or (enquiry.due_on and enquiry.overdue_since):
        enquiry.overdue_since = None
    enquiry.save()
    return enquiry
