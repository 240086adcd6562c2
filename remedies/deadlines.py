"""Turn the Ombudsman's deadline wording into a rule, and a rule into a due date.

This is the one place the product works out when an agreed action falls due. It is pure:
no Django, no clock, no database, so the same wording and decision date always give the
same answer and the services can recompute due dates in bulk whenever a decision's date
changes.

Parsing and dating are kept apart on purpose. ``parse_deadline`` reads the wording once
into a ``DeadlineRule`` (what the Ombudsman asked for), and ``DeadlineRule.due_date``
applies it to a start date (the decision date). That lets a page say in plain words which
rule it understood (``describe``) next to the date it gives.

Wording that cannot be read with confidence gives ``None``, never a guess: the action then
shows "no date: set one" and is never treated as overdue. A wrong date that looks right is
worse than no date, so a phrase that holds two different deadlines, or counts from a date
other than the decision's, is left to a person as well.

Calendar months come from python-dateutil's ``relativedelta``, which clamps to the end of a
shorter month (31 January + 1 month is 28 or 29 February). Working days skip weekends and
the bank holidays of England and Wales from the ``holidays`` package, which knows the
substitute days and one-off holidays (a state funeral, a coronation) without a network.
"""

import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

# A count above this is a typo or nonsense (the longest real deadlines are a year or so).
MAX_COUNT = 1000


class DeadlineKind(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    WORKING_DAYS = "working_days"
    FIXED_DATE = "fixed_date"
    MONTH_END = "month_end"


_COUNTED_KINDS = frozenset(
    {DeadlineKind.DAYS, DeadlineKind.WEEKS, DeadlineKind.MONTHS, DeadlineKind.WORKING_DAYS}
)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class DeadlineRule:
    """What the wording asks for, independent of any start date.

    - ``days``, ``weeks``, ``months``, ``working_days``: ``count`` units after the start.
    - ``fixed_date`` with ``fixed``: that date ("by 31 January 2025", and "by the end of
      January 2023", which is also one known date).
    - ``fixed_date`` with ``month`` and ``day``: the first such date on or after the start
      ("by 31 January").
    - ``month_end`` with ``month``: the first end of that month on or after the start
      ("by the end of January").

    An inconsistent combination raises ``ValueError`` when built, so a rule that exists can
    always be dated and described.
    """

    kind: DeadlineKind
    count: int | None = None
    fixed: date | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeadlineKind(self.kind))
        if problem := self._problem():
            raise ValueError(f"{problem}: {self!r}")

    def _problem(self) -> str | None:
        if self.kind in _COUNTED_KINDS:
            if self.fixed is not None or self.month is not None or self.day is not None:
                return "a counted deadline takes only a count"
            if type(self.count) is not int or not 0 <= self.count <= MAX_COUNT:
                return f"the count must be a whole number from 0 to {MAX_COUNT}"
            return None
        if self.count is not None:
            return "a dated deadline takes no count"
        if self.kind is DeadlineKind.FIXED_DATE and self.fixed is not None:
            if self.month is not None or self.day is not None:
                return "a fixed date with a year takes no separate month or day"
            return None
        if self.fixed is not None:
            return "only a fixed_date deadline takes a fixed date"
        if type(self.month) is not int or not 1 <= self.month <= 12:
            return "the month must be 1 to 12"
        if self.kind is DeadlineKind.MONTH_END:
            return None if self.day is None else "an end-of-month deadline takes no day"
        if self.day is None:
            return "the day does not exist in that month"
        try:
            date(2000, self.month, self.day)  # a leap year, so 29 February is allowed
        except ValueError:
            return "the day does not exist in that month"
        return None

    # What _problem made sure of, for the type checker: a counted rule has its count, a
    # yearless one its month.
    def _count(self) -> int:
        if self.count is None:
            raise ValueError(f"a counted deadline without a count: {self!r}")
        return self.count

    def _month(self) -> int:
        if self.month is None:
            raise ValueError(f"a yearless deadline without a month: {self!r}")
        return self.month

    def due_date(self, start: date) -> date | None:
        """The due date counted from ``start`` (the decision date), or None.

        None when the rule gives a date before the start (a fixed date already past when
        the decision was made is a typo to check, and the database refuses a due date
        before the decision), when a yearless date does not come round within a year
        ("by 29 February" just after a leap day), or at the very end of the calendar.
        """
        try:
            match self.kind:
                case DeadlineKind.DAYS:
                    return start + timedelta(days=self._count())
                case DeadlineKind.WEEKS:
                    return start + timedelta(weeks=self._count())
                case DeadlineKind.MONTHS:
                    return start + relativedelta(months=self._count())
                case DeadlineKind.WORKING_DAYS:
                    return add_working_days(start, self._count())
                case DeadlineKind.FIXED_DATE if self.fixed is not None:
                    return self.fixed if self.fixed >= start else None
                case _:
                    return _next_on_or_after(start, self._month(), self.day)
        except (OverflowError, ValueError):
            return None

    def describe(self) -> str:
        """A short description of the rule for the page, e.g. "20 working days after the
        decision", so an officer can check the wording was read the way they meant."""
        match self.kind:
            case DeadlineKind.DAYS:
                return f"{_plural(self._count(), 'calendar day')} after the decision"
            case DeadlineKind.WEEKS:
                return f"{_plural(self._count(), 'week')} after the decision"
            case DeadlineKind.MONTHS:
                return f"{_plural(self._count(), 'calendar month')} after the decision"
            case DeadlineKind.WORKING_DAYS:
                return f"{_plural(self._count(), 'working day')} after the decision"
            case DeadlineKind.FIXED_DATE if self.fixed is not None:
                return f"{self.fixed.day} {_MONTH_NAMES[self.fixed.month - 1]} {self.fixed.year}"
            case DeadlineKind.FIXED_DATE:
                return f"{self.day} {_MONTH_NAMES[self._month() - 1]} (next after the decision)"
            case _:
                return f"end of {_MONTH_NAMES[self._month() - 1]} (next after the decision)"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _next_on_or_after(start: date, month: int, day: int | None) -> date | None:
    """The first date with this month and day (None: the month's last day) not before
    ``start``, looking no further than next year."""
    for year in (start.year, start.year + 1):
        try:
            if day is None:
                candidate = date(year, month, 1) + relativedelta(day=31)
            else:
                candidate = date(year, month, day)
        except ValueError:  # 29 February in a common year, or past year 9999
            continue
        if candidate >= start:
            return candidate
    return None


# --- Working days -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of one year; building them is the slow part, and a
    deadline sweep asks about the same few years thousands of times."""
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    if isinstance(d, datetime):
        # A datetime never equals the date in the holiday set, so it would slip through.
        raise TypeError("is_working_day takes a date, not a datetime")
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def add_working_days(start: date, n: int) -> date:
    """The ``n``th working day after ``start``.

    Day 1 is the first working day after the start, whatever the start is, so a decision
    dated on a Saturday counts from the Monday (or the Tuesday after a bank holiday).
    ``n == 0`` gives the start itself.
    """
    n = operator.index(n)  # a float such as 0.5 would never count down to zero
    if n < 0:
        raise ValueError("n must not be negative")
    current = start
    while n > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            n -= 1
    return current


# --- Reading the wording ----------------------------------------------------------------

_UNITS_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {word: value for value, word in enumerate(_UNITS_WORDS)}
_NUMBER_WORDS.update({word: 20 + 10 * index for index, word in enumerate(_TENS_WORDS)})
_NUMBER_WORDS.update({"a": 1, "an": 1})

_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

# Longest names first so that "september" is not read as "sep" + "tember".
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMBER_RE = (
    # Figures are capped at 7 digits: longer runs fail to match instead of reaching int().
    r"[0-9]{1,7}"
    rf"|(?:{'|'.join(_TENS_WORDS)})(?:[-\s](?:{'|'.join(_UNITS_WORDS[1:10])}))?"
    rf"|{'|'.join(sorted(_UNITS_WORDS, key=len, reverse=True))}|an|a"
)
_UNIT_RE = (
    r"(?:working|business)\s+days?|(?:calendar\s+)?(?:days?|weeks?|months?|years?)|fortnights?"
)

_WITHIN = re.compile(
    rf"\b(?:within|no\s+later\s+than)\s+(?:the\s+next\s+)?(?P<n>{_NUMBER_RE})"
    # The legal style "within twenty-eight (28) days" repeats the number in brackets.
    rf"(?:\s*\((?P<again>{_NUMBER_RE})\))?"
    rf"\s+(?P<unit>{_UNIT_RE})\b"
)
# "within 3 months and 2 weeks": a compound period this module does not add up.
_FURTHER_PERIOD = re.compile(rf"\s*,?\s*(?:and|plus|or)\s+(?:{_NUMBER_RE})\s+(?:{_UNIT_RE})\b")
# "within one month of 31 March 2025" counts from that date, not from the decision.
_FROM_ANOTHER_DATE = re.compile(
    r"\s+(?:of|from|after)\s+(?:the\s+)?(?:end\s+of\s+)?"
    rf"(?:[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTH_RE})\b"
    r"|\s+(?:of|from|after)\s+[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}\b"
)
# What a period may count from and still be dated from the decision: the decision,
# report, statement or letter itself, its date, or its receipt ("of the final decision",
# "from the date of this report", "of receiving the report", "of the Council's decision").
_FROM_THE_DECISION = re.compile(
    r"\s+(?:of|from|after|following)\s+(?:the\s+date\s+of\s+)?(?:(?:the\s+[a-z]+|it|they)\s+)?"
    r"(?:(?:receiving|receipt\s+of|the\s+issue\s+of|issuing)\s+)?(?:(?:the|this|that|our|my|its|"
    r"his|her|their)\s+)?(?:[a-z]+'s?\s+)?(?:final\s+|draft\s+)?(?:decision|report|statement|"
    r"letter)s?\b"
)
# ...anything else it counts from is an event whose date the wording does not give: "no
# later than one month after the full council's consideration of this report", "within
# 20 working days of receiving her bank details".
_FROM_AN_EVENT = re.compile(r"\s+(?:of|from|after|following)\s+\S")
_BY = r"\b(?:by|no\s+later\s+than)\s+"
# After the month: a four-digit year or nothing numeric at all, so that "by 31 January 25"
# or "... 20255" is not quietly read as "by 31 January" with no year.
_YEAR = r"\.?(?:,?\s+(?P<year>[0-9]{4})\b)?(?!\s*[0-9])"
_BY_DATE = re.compile(
    _BY
    + rf"(?:the\s+)?(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_RE})\b"
    + _YEAR
)
_BY_END_OF = re.compile(_BY + rf"(?:the\s+)?end\s+of\s+(?P<month>{_MONTH_RE})\b" + _YEAR)

_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
        "\ufeff": None,
    }
)  # fmt: skip


def _normalise(phrase: str) -> str:
    # NFKC turns non-breaking spaces and full-width digits into plain ones.
    text = unicodedata.normalize("NFKC", phrase).translate(_PUNCTUATION).lower()
    return " ".join(text.split())


def _number(text: str) -> int | None:
    if text.isascii() and text.isdigit():
        return int(text)
    tens, _, units = text.replace(" ", "-").partition("-")
    if tens not in _NUMBER_WORDS:
        return None
    return _NUMBER_WORDS[tens] + (_NUMBER_WORDS.get(units, 0) if units else 0)


def _rule(**fields) -> DeadlineRule | None:
    try:
        return DeadlineRule(**fields)
    except ValueError:
        return None


def _within_rule(text: str, match: re.Match[str]) -> DeadlineRule | None:
    count = _number(match["n"])
    if count is None or (match["again"] and _number(match["again"]) != count):
        return None
    if _FURTHER_PERIOD.match(text, match.end()) or _FROM_ANOTHER_DATE.match(text, match.end()):
        return None
    if _counts_from_an_event(text, match.end()):
        return None
    words = match["unit"].split()
    unit = words[-1].removesuffix("s")
    if words[0] in ("working", "business"):
        return _rule(kind=DeadlineKind.WORKING_DAYS, count=count)
    kind, per_unit = {
        "day": (DeadlineKind.DAYS, 1),
        "week": (DeadlineKind.WEEKS, 1),
        "fortnight": (DeadlineKind.WEEKS, 2),
        "month": (DeadlineKind.MONTHS, 1),
        "year": (DeadlineKind.MONTHS, 12),
    }[unit]
    return _rule(kind=kind, count=count * per_unit)


def _dated_rule(match: re.Match[str], *, month_end: bool) -> DeadlineRule | None:
    month = _MONTHS[match["month"]]
    if match["year"]:
        try:
            if month_end:
                fixed = date(int(match["year"]), month, 1) + relativedelta(day=31)
            else:
                fixed = date(int(match["year"]), month, int(match["day"]))
        except ValueError:  # 30 February, day 0, year 0000
            return None
        return DeadlineRule(kind=DeadlineKind.FIXED_DATE, fixed=fixed)
    if month_end:
        return DeadlineRule(kind=DeadlineKind.MONTH_END, month=month)
    return _rule(kind=DeadlineKind.FIXED_DATE, month=month, day=int(match["day"]))


def _candidates(text: str) -> Iterator[DeadlineRule | None]:
    """Every deadline the text states; None for one that looks like a deadline but cannot
    be read (so that the whole phrase is left to a person)."""
    for match in _WITHIN.finditer(text):
        yield _within_rule(text, match)
    for match in _BY_END_OF.finditer(text):
        yield _dated_rule(match, month_end=True)
    for match in _BY_DATE.finditer(text):
        yield _dated_rule(match, month_end=False)


def parse_deadline(phrase: str) -> DeadlineRule | None:
    """The rule the wording states, or None when it states none we can trust.

    Recognised: "within N days / calendar days / working days / weeks / months [of the
    final decision | of this report | of receiving the report]" ("no later than N ..." the
    same), with N in figures or words
    ("within one month", "within a month", "within twenty-eight days"); "by 31 January
    2025"; "by 31 January" (the next 31 January on or after the decision); "by the end of
    January [2023]". Case, spacing, curly apostrophes and unicode hyphens do not matter.
    Never raises, whatever the string.
    """
    if not isinstance(phrase, str):
        return None
    text = _normalise(phrase)
    found = set()
    for rule in _candidates(text):
        if rule is None:
            return None
        found.add(rule)
    return found.pop() if len(found) == 1 else None


def _counts_from_an_event(text: str, end: int) -> bool:
    return (
        bool(_FROM_AN_EVENT.match(text, end))
        and not _FROM_THE_DECISION.match(text, end)
        and not _FROM_ANOTHER_DATE.match(text, end)
    )


def counts_from_an_event(phrase: str) -> bool:
    """Whether the wording counts its period from an event other than the decision, whose
    date it does not give ("no later than one month after the full council's
    consideration of this report"): no due date can be worked out until that event's date
    is known, and the officer is told so."""
    if not isinstance(phrase, str):
        return False
    text = _normalise(phrase)
    return any(_counts_from_an_event(text, match.end()) for match in _WITHIN.finditer(text))


def due_date_from_phrase(phrase: str, decision_date: date) -> date | None:
    """The due date the wording gives, counted from the decision date, or None."""
    rule = parse_deadline(phrase)
    return rule.due_date(decision_date) if rule is not None else None
