"""Writes to complaints' records other than the log-a-decision page (see recording.py)."""

from django.db import transaction

from .models import Enquiry


@transaction.atomic
def enquiry_save(*, enquiry: Enquiry) -> Enquiry:
    """Record or update an enquiry. An answered or re-dated enquiry stops counting as
    overdue at once (the next sweep flags it again if it is still late); other changes,
    such as notes, leave the flag alone."""
    before = (
        Enquiry.objects.filter(pk=enquiry.pk).values_list("due_on", flat=True).first()
        if enquiry.pk
        else None
    )
    if enquiry.answered_on or enquiry.due_on != before:
        enquiry.overdue_since = None
    enquiry.save()
    return enquiry
