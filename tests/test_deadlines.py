"""The deadline engine: wording plus decision date gives a due date, or None.

Every expected date below was worked out by hand from a calendar, and the weekdays and
bank holidays it relies on were checked with plain ``datetime``, not with the code under
test. The engine never reads the clock, so none of these tests needs frozen time.
"""

from datetime import date

import pytest

from remedies.deadlines import (
    DeadlineKind,
    DeadlineRule,
    add_working_days,
    counts_from_an_event,
    due_date_from_phrase,
    is_working_day,
    parse_deadline,
)

# (wording, decision date, due date)
DEADLINES = [
    # Calendar months, clamped to the end of a shorter month.
    ("Within one month of the final decision", date(2025, 2, 13), date(2025, 3, 13)),
    ("within one month", date(2025, 1, 31), date(2025, 2, 28)),
    ("within one month", date(2024, 1, 31), date(2024, 2, 29)),
    ("within 12 months", date(2024, 2, 29), date(2025, 2, 28)),
    ("within one year", date(2024, 2, 29), date(2025, 2, 28)),
    ("within 3 months of the date of this report", date(2025, 11, 30), date(2026, 2, 28)),
    ("within three months", date(2023, 11, 30), date(2024, 2, 29)),
    ("within a month", date(2025, 3, 31), date(2025, 4, 30)),
    ("Within two months of the final decision", date(2024, 12, 31), date(2025, 2, 28)),
    ("within six months", date(2025, 8, 31), date(2026, 2, 28)),
    ("within one calendar month", date(2025, 5, 31), date(2025, 6, 30)),
    ("within one (1) month", date(2025, 4, 30), date(2025, 5, 30)),
    # Calendar days and weeks.
    ("within 28 calendar days", date(2025, 2, 10), date(2025, 3, 10)),
    ("within twenty-eight days", date(2024, 2, 10), date(2024, 3, 9)),
    ("within two weeks of receiving the report", date(2025, 1, 1), date(2025, 1, 15)),
    ("within 14 days", date(2025, 12, 20), date(2026, 1, 3)),
    ("within 0 days", date(2025, 6, 15), date(2025, 6, 15)),
    ("within a fortnight", date(2025, 3, 1), date(2025, 3, 15)),
    ("within twenty one days", date(2025, 1, 31), date(2025, 2, 21)),
    ("within thirty days", date(2025, 1, 31), date(2025, 3, 2)),
    ("within 4 weeks", date(2024, 2, 15), date(2024, 3, 14)),
    ("within the next two weeks", date(2025, 12, 24), date(2026, 1, 7)),
    # Working days: Christmas 2025 (Thu 25, Fri 26) and New Year's Day (Thu 1 Jan 2026).
    ("within 5 working days", date(2025, 12, 19), date(2025, 12, 30)),
    ("within 20 working days", date(2025, 12, 19), date(2026, 1, 21)),
    # Christmas 2022 fell on a Sunday: Boxing Day Mon 26, substitute Christmas Tue 27.
    ("within three working days", date(2022, 12, 23), date(2022, 12, 30)),
    # ...and New Year's Day 2023 was a Sunday: substitute Mon 2 Jan.
    ("within ten working days", date(2022, 12, 23), date(2023, 1, 11)),
    # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
    ("within 2 working days", date(2025, 4, 17), date(2025, 4, 23)),
    # Easter 2024: Good Friday 29 March, Easter Monday 1 April.
    ("within one working day", date(2024, 3, 28), date(2024, 4, 2)),
    # Decided on a Saturday / a Sunday: day 1 is the Monday.
    ("within 1 working day", date(2025, 3, 1), date(2025, 3, 3)),
    ("within 5 working days", date(2025, 3, 2), date(2025, 3, 7)),
    ("within one month", date(2025, 3, 1), date(2025, 4, 1)),
    # One-off bank holidays: Coronation Mon 8 May 2023, State Funeral Mon 19 Sep 2022.
    ("within 3 working days", date(2023, 5, 5), date(2023, 5, 11)),
    ("within one working day", date(2022, 9, 16), date(2022, 9, 20)),
    # Late Summer bank holiday Mon 25 August 2025.
    ("within 10 business days", date(2025, 8, 20), date(2025, 9, 4)),
    ("within 20 working days", date(2025, 6, 2), date(2025, 6, 30)),
    # Fixed dates, with and without a year.
    ("by 31 January 2025", date(2024, 11, 5), date(2025, 1, 31)),
    ("by 31 January", date(2024, 11, 5), date(2025, 1, 31)),
    ("by 31 January", date(2025, 2, 1), date(2026, 1, 31)),
    ("by 31 January", date(2025, 1, 31), date(2025, 1, 31)),
    ("by 29 February", date(2023, 6, 1), date(2024, 2, 29)),
    ("By the 1st of March, 2025", date(2025, 1, 15), date(2025, 3, 1)),
    ("by 31 Jan. 2025", date(2024, 12, 1), date(2025, 1, 31)),
    ("no later than 30 September 2025", date(2025, 6, 1), date(2025, 9, 30)),
    ("by the end of January 2023", date(2022, 12, 1), date(2023, 1, 31)),
    ("by the end of February", date(2024, 1, 10), date(2024, 2, 29)),
    ("by the end of February", date(2024, 3, 1), date(2025, 2, 28)),
    ("by the end of Sept", date(2025, 10, 1), date(2026, 9, 30)),
    # Capitals, odd spacing, curly apostrophes, unicode spaces and hyphens, HTML.
    (
        "  WITHIN   Three   MONTHS  of the Council\u2019s decision ",
        date(2025, 1, 15),
        date(2025, 4, 15),
    ),
    ("Within\u00a0one\u00a0month", date(2025, 1, 15), date(2025, 2, 15)),
    ("within twenty\u2011eight days", date(2025, 1, 1), date(2025, 1, 29)),
    ("<p>Within 20 Working Days</p>", date(2025, 6, 2), date(2025, 6, 30)),
    ("BY THE END OF JANUARY", date(2023, 1, 10), date(2023, 1, 31)),
    # "No later than" a period is "within" it.
    ("no later than one month after the date of this report", date(2025, 1, 15), date(2025, 2, 15)),
]


@pytest.mark.parametrize(("phrase", "decided", "due"), DEADLINES)
def test_deadline_wording_gives_due_date(phrase, decided, due):
    assert due_date_from_phrase(phrase, decided) == due


def test_table_covers_enough_wordings():
    assert len(DEADLINES) >= 30


UNRECOGNISED = [
    "",
    "   ",
    "as soon as possible",
    "As soon as practicable",
    "promptly",
    "in due course",
    "within several months",
    "within a few weeks",
    "within 10 clear days",
    "by the end of the month",
    "by 30 February 2025",
    "by 30 February",
    "by 32 January 2025",
    "by 31 Smarch 2025",
    "by 31 January 0000",
    # A two-digit or mistyped year is not silently dropped to "the next 31 January".
    "by 31 January 25",
    "by 31 January 20255",
    "x" * 10_000,
    "within " * 2_000,
    "within 1" + "0" * 5_000 + " days",
    "<script>alert(1)</script>",
    "within -3 days",
    "within 3.5 months",
    "within 1001 days",
    "within 99999999 days",
    "\x00\ufffd\U0001f600",
    # Counted from some other date than the decision's.
    "within one month of 31 March 2025",
    "within one month of the end of March",
    # Counted from an event whose date the wording does not give.
    "no later than one month after the full council's consideration of this report",
    "within three months of the Council considering this report",
    "within 20 working days of receiving Mrs X's bank details",
    # Two deadlines in one phrase, or a period this engine does not add up.
    "within one month, or by 31 March 2025",
    "within 3 months and 2 weeks",
    "within one (2) months",
]


@pytest.mark.parametrize("phrase", UNRECOGNISED, ids=lambda p: repr(p[:40]))
def test_unrecognised_wording_gives_no_rule_and_no_date(phrase):
    assert parse_deadline(phrase) is None
    assert due_date_from_phrase(phrase, date(2025, 1, 1)) is None


def test_the_same_deadline_said_twice_is_one_rule():
    phrase = "Within one month of the final decision (that is, within 1 month)."
    assert parse_deadline(phrase) == DeadlineRule(kind=DeadlineKind.MONTHS, count=1)


@pytest.mark.parametrize(
    ("phrase", "decided"),
    [
        # A fixed date already past at the decision is a typo to check, and the database
        # refuses a due date before the decision date.
        ("by 31 January 2025", date(2025, 3, 1)),
        # The next 29 February is three years off: a person should set this one.
        ("by 29 February", date(2024, 3, 1)),
    ],
)
def test_date_before_decision_or_years_away_gives_no_date(phrase, decided):
    assert parse_deadline(phrase) is not None
    assert due_date_from_phrase(phrase, decided) is None


def test_due_date_at_the_end_of_the_calendar_is_none_not_an_error():
    assert DeadlineRule(kind="days", count=5).due_date(date.max) is None
    assert DeadlineRule(kind="months", count=1).due_date(date(9999, 12, 15)) is None


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("within 3 months", DeadlineRule(kind="months", count=3)),
        ("within a year", DeadlineRule(kind="months", count=12)),
        ("within 20 working days", DeadlineRule(kind="working_days", count=20)),
        ("within 28 calendar days", DeadlineRule(kind="days", count=28)),
        ("within two weeks", DeadlineRule(kind="weeks", count=2)),
        ("by 31 January 2025", DeadlineRule(kind="fixed_date", fixed=date(2025, 1, 31))),
        ("by the end of January 2023", DeadlineRule(kind="fixed_date", fixed=date(2023, 1, 31))),
        ("by 31 January", DeadlineRule(kind="fixed_date", month=1, day=31)),
        ("by the end of January", DeadlineRule(kind="month_end", month=1)),
    ],
)
def test_wording_is_read_into_a_rule(phrase, rule):
    assert parse_deadline(phrase) == rule


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("within 3 months", "3 calendar months after the decision"),
        ("within one month", "1 calendar month after the decision"),
        ("within 20 working days", "20 working days after the decision"),
        ("within one working day", "1 working day after the decision"),
        ("within 28 days", "28 calendar days after the decision"),
        ("within two weeks", "2 weeks after the decision"),
        ("by 31 January 2025", "31 January 2025"),
        ("by the end of January 2023", "31 January 2023"),
        ("by 31 January", "31 January (next after the decision)"),
        ("by the end of January", "end of January (next after the decision)"),
    ],
)
def test_rule_describes_itself_in_plain_words(phrase, text):
    assert parse_deadline(phrase).describe() == text


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "days"},
        {"kind": "months", "count": 1001},
        {"kind": "months", "count": -1},
        {"kind": "fortnights", "count": 1},
        {"kind": "fixed_date"},
        {"kind": "fixed_date", "month": 2, "day": 30},
        {"kind": "month_end", "month": 13},
        {"kind": "days", "count": 3, "month": 1},
    ],
)
def test_inconsistent_rule_cannot_be_built(fields):
    with pytest.raises(ValueError):
        DeadlineRule(**fields)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 5, 8), False),  # Coronation of Charles III
        (date(2022, 9, 19), False),  # State Funeral of Queen Elizabeth II
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2025, 12, 25), False),  # Christmas, a Thursday
        (date(2025, 12, 26), False),  # Boxing Day, a Friday
        (date(2022, 12, 26), False),  # Boxing Day, a Monday
        (date(2022, 12, 27), False),  # substitute for Christmas on a Sunday
        (date(2026, 12, 28), False),  # substitute for Boxing Day on a Saturday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2024, 3, 29), False),  # Good Friday
        (date(2024, 4, 1), False),  # Easter Monday
        (date(2025, 3, 1), False),  # a Saturday
        (date(2025, 3, 2), False),  # a Sunday
        (date(2025, 12, 24), True),  # Christmas Eve is a working day
        (date(2023, 5, 9), True),
        (date(2025, 3, 3), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_add_working_days_counts_from_the_first_working_day_after_the_start():
    assert add_working_days(date(2025, 12, 19), 0) == date(2025, 12, 19)
    assert add_working_days(date(2025, 12, 19), 1) == date(2025, 12, 22)
    assert add_working_days(date(2025, 12, 19), 4) == date(2025, 12, 29)
    assert add_working_days(date(2025, 3, 1), 1) == date(2025, 3, 3)  # from a Saturday
    assert add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)  # over the Coronation


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 1, 1), -1)


@pytest.mark.parametrize(
    "phrase, from_an_event",
    [
        ("no later than one month after the full council's consideration of this report", True),
        ("within three months of the Council considering this report", True),
        ("within 20 working days of receiving Mrs X's bank details", True),
        ("within one month of the panel's recommendations being agreed", True),
        ("Within one month of the final decision", False),
        ("within two weeks of receiving the report", False),
        ("within 3 months of the date of this report", False),
        ("within three months of the Council's decision", False),
        ("within one month", False),
        ("within one month of 31 March 2025", False),  # a date, not an event
        ("by 31 January 2025", False),
        ("", False),
        (None, False),
    ],
)
def test_a_period_counted_from_an_event_is_told_apart(phrase, from_an_event):
    assert counts_from_an_event(phrase) is from_an_event
