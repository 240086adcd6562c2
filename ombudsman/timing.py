"""When things fall due, defined once: the date in force, "due soon" and the Ombudsman's
year. The dashboard, the action list and its downloads, the weekly digest, the morning
sweep, the calendar feed, the annual statistics and the committee reports all read them
from here.

This module holds the constants, the date arithmetic and the database expressions, and
imports no model, so that both apps can read it (``decisions.models`` names the year of
the averages it holds, ``remedies.models`` builds its index on ``in_force_expression``). The
rules over actions are built on them in ``remedies.models``: the queryset
(``AgreedAction.objects.with_in_force()``, ``.open()``, ``.overdue_on(day)``,
``.completed_late()``...), the same conditions as ``Q`` objects (``overdue_q``,
``due_soon_q``...) for counting in one aggregate query, and, for one action in Python,
the model's ``effective_due_date``, ``days_overdue``, ``is_due_soon`` and
``completed_late``.
"""

from datetime import date, timedelta

from django.db.models import Case, IntegerField, When
from django.db.models.functions import Coalesce, ExtractYear

# "Due soon": open, with a date in force from today up to and including this many days
# ahead. The dashboard's figure, the status tag and the weekly digest all use this window
# (the morning sweep's reminders have their own, REMINDER_UPCOMING_DAYS in settings).
DUE_SOON_DAYS = 14

# The Ombudsman's year runs from 1 April to the next 31 March, and is held as the year it
# starts in: 2023 is "2023-24".
YEAR_STARTS_MONTH = 4


def in_force_expression(prefix: str = "") -> Coalesce:
    """The date in force, worked out by the database: the latest extension agreed with
    the Ombudsman, else the agreed due date; NULL for an action with no date.

    ``prefix`` is the path from the rows queried to the action (``"action__"`` from a
    reminder). The partial index ``action_open_effective_due`` is on this very
    expression, which PostgreSQL uses only when a query spells it the same way."""
    return Coalesce(f"{prefix}extended_due_date", f"{prefix}due_date")


def due_soon_until(today: date) -> date:
    """The last day of the "due soon" window that starts ``today``."""
    return today + timedelta(days=DUE_SOON_DAYS)


def ombudsman_year_of(day: date) -> int:
    """The Ombudsman year a date falls in, as the year it starts: 31 March 2024 is in
    2023 (2023-24), 1 April 2024 in 2024 (2024-25)."""
    return day.year if day.month >= YEAR_STARTS_MONTH else day.year - 1


def ombudsman_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of an Ombudsman year: 1 April to the next 31 March, inclusive."""
    next_year_starts = date(year + 1, YEAR_STARTS_MONTH, 1)
    return date(year, YEAR_STARTS_MONTH, 1), next_year_starts - timedelta(days=1)


def ombudsman_year_label(year: int) -> str:
    """The year as the Ombudsman writes it: 2023 is "2023-24", 1999 is "1999-00"."""
    return f"{year}-{(year + 1) % 100:02d}"


def ombudsman_year_expression(field_name: str) -> Case:
    """The Ombudsman year of a date column, worked out by the database (as
    ``ombudsman_year_of``)."""
    return Case(
        When(**{f"{field_name}__month__gte": YEAR_STARTS_MONTH}, then=ExtractYear(field_name)),
        default=ExtractYear(field_name) - 1,
        output_field=IntegerField(),
    )
