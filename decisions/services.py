"""Writes to complaints' records other than the log-a-decision page (see recording.py)."""

from django.db import transaction

from .models import AnnualLetter, ComparisonAverage, Enquiry, Organisation
from .statistics.figures import is_compared
from .statistics.summary import keeps_year_summaries


def _complaints_of_enquiry(*, enquiry: Enquiry) -> list[int | None]:
    """The enquiry's complaint, and the one it was stored under if it moves."""
    stored = Enquiry.objects.filter(pk=enquiry.pk).values_list("complaint_id", flat=True)
    return [enquiry.complaint_id, *(stored if enquiry.pk else [])]


@transaction.atomic
@keeps_year_summaries(_complaints_of_enquiry)
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


@transaction.atomic
def annual_letter_save(
    *, year: int, figures: dict, averages: dict | None, home: Organisation | None, user
) -> AnnualLetter:
    """Record the figures of the Ombudsman's annual review letter for ``year``, or correct
    those recorded: one letter a year. The averages for similar authorities it prints go
    with the others of the home authority's kind of council (ComparisonAverage), in the
    same transaction, so a letter is never half saved."""
    letter, _ = AnnualLetter.objects.update_or_create(
        ombudsman_year=year, defaults={**figures, "entered_by": user}
    )
    if averages is not None and is_compared(home):
        ComparisonAverage.objects.update_or_create(
            ombudsman_year=year, authority_kind=home.kind, defaults=averages
        )
    return letter
