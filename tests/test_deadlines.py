from datetime import date

import pytest

from remedies.deadlines import due_date_from_phrase


@pytest.mark.parametrize(
    ("phrase", "decided", "due"),
    [
        ("Within one month of the final decision", date(2025, 2, 13), date(2025, 3, 13)),
        ("within one month", date(2025, 1, 31), date(2025, 2, 28)),
        ("within one month", date(2024, 1, 31), date(2024, 2, 29)),
        ("Within two months of the final decision", date(2025, 2, 13), date(2025, 4, 13)),
        ("within three months", date(2023, 7, 28), date(2023, 10, 28)),
        ("within 3 months of the date of this report", date(2025, 11, 30), date(2026, 2, 28)),
        ("within a month", date(2025, 3, 31), date(2025, 4, 30)),
        ("within 2 weeks", date(2025, 1, 1), date(2025, 1, 15)),
        ("within 28 days", date(2025, 1, 1), date(2025, 1, 29)),
        ("by 31 January 2025", date(2024, 11, 5), date(2025, 1, 31)),
        ("by 31 January", date(2024, 11, 5), date(2025, 1, 31)),
        ("by the end of January 2023", date(2022, 12, 1), date(2023, 1, 31)),
        ("by the end of February", date(2024, 1, 10), date(2024, 2, 29)),
    ],
)
def test_deadline_wording_gives_due_date(phrase, decided, due):
    assert due_date_from_phrase(phrase, decided) == due


@pytest.mark.parametrize(
    "phrase", ["", "as soon as possible", "by 30 February 2025", "within several months"]
)
def test_unrecognised_wording_gives_no_date(phrase):
    assert due_date_from_phrase(phrase, date(2025, 1, 1)) is None
