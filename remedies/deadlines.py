"""Turn the Ombudsman's deadline wording into a due date.

Pure functions with no Django state. Calendar months come from python-dateutil's
``relativedelta``, which clamps to the end of a shorter month (31 January + 1 month is
28 or 29 February). Wording that is not recognised gives ``None``: the action then has no
due date and must have one set by hand; it is never treated as overdue.
"""

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "twenty": 20, "twenty-one": 21, "twenty-eight": 28, "thirty": 30,
}  # fmt: skip
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_WITHIN = re.compile(
    r"\bwithin\s+(?P<n>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?P<unit>calendar\s+days?|days?|weeks?|months?)\b"
)
_BY_DATE = re.compile(
    r"\bby\s+(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)\.?"
    r"(?:,?\s+(?P<year>\d{4}))?\b"
)
_BY_END_OF = re.compile(r"\bby\s+the\s+end\s+of\s+(?P<month>[a-z]+)(?:\s+(?P<year>\d{4}))?\b")


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def _next_on_or_after(start: date, month: int, day: int | None) -> date | None:
    """The first date with this month (and day; None for the month's end) not before start."""
    for year in (start.year, start.year + 1):
        try:
            candidate = (
                date(year, month, day)
                if day is not None
                else date(year, month, 1) + relativedelta(day=31)
            )
        except ValueError:
            return None
        if candidate >= start:
            return candidate
    return None


def due_date_from_phrase(phrase: str, decision_date: date) -> date | None:
    """The due date the wording gives, counted from the decision date, or None.

    Recognised: "within N days / weeks / months [of the final decision | of this report]",
    with N in figures or words ("within one month", "within a month"); "by 31 January 2025";
    "by 31 January" (the next 31 January on or after the decision); "by the end of
    January 2023".
    """
    text = " ".join((phrase or "").lower().replace("\u2019", "'").split())
    if not text:
        return None

    if match := _WITHIN.search(text):
        count = _number(match["n"])
        if count is None:
            return None
        unit = match["unit"].split()[-1].rstrip("s")
        if unit == "day":
            return decision_date + timedelta(days=count)
        if unit == "week":
            return decision_date + timedelta(weeks=count)
        return decision_date + relativedelta(months=count)

    if match := _BY_END_OF.search(text):
        month = _MONTHS.get(match["month"])
        if month is None:
            return None
        if match["year"]:
            return date(int(match["year"]), month, 1) + relativedelta(day=31)
        return _next_on_or_after(decision_date, month, None)

    if match := _BY_DATE.search(text):
        month = _MONTHS.get(match["month"])
        if month is None:
            return None
        day = int(match["day"])
        if match["year"]:
            try:
                return date(int(match["year"]), month, day)
            except ValueError:
                return None
        return _next_on_or_after(decision_date, month, day)

    return None
