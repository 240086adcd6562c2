"""The statistics page as a download: every figure the page shows, one row each.

With the year's annual review letter recorded, its figures too, as the page sets them
out: each of the letter's figures, the product's, and the product's less the letter's
("2023-24, Annual review letter, Upheld decisions, The letter, 21").

One row per figure ("2023-24, Last five years, Upheld, 3") rather than the page's several
tables side by side: a CSV has one table, and in a spreadsheet a row per figure filters,
sorts and pivots. The figures are the page's own (``AnnualStatistics``), never counted
again. Rates are whole percentages as on the page; a rate with nothing to divide by, or
an average not entered, is an empty value, as the page shows "–".
"""

from collections.abc import Iterator

from ombudsman.exports import Column

from .figures import AnnualStatistics, YearFigures
from .letter import LetterRow

COLUMNS = [
    Column("Ombudsman year", width=14),
    Column("Table", width=30),
    Column("Row", width=40),
    Column("Figure", width=44),
    Column("Value", number_format="#,##0.0##", width=12),
]

TREND = "Last five years"
AVERAGES = "Average for similar authorities"
LETTER = "Annual review letter"


def _year_rows(f: YearFigures) -> Iterator[tuple[str, object]]:
    yield "Detailed investigations", f.investigations
    yield "Upheld", f.upheld
    yield "Upheld rate (%)", f.upheld_rate
    yield "Upheld per 100,000 residents", f.upheld_per_100k
    yield "Compliance outcomes", f.compliance_outcomes
    yield "Compliance outcomes: complied late", f.complied_late
    yield "Compliance outcomes: not complied", f.not_complied
    yield "Compliance rate (%)", f.compliance_rate
    yield "Satisfactory remedies", f.satisfactory_remedies
    yield "Satisfactory remedy rate (%)", f.satisfactory_remedy_rate
    yield "Agreed actions completed", f.actions_completed
    yield "Agreed actions completed late", f.actions_completed_late
    yield "Enquiries answered", f.enquiries_answered
    yield "Enquiries answered late", f.enquiries_answered_late


def _average_rows(f: YearFigures) -> Iterator[tuple[str, object]]:
    a = f.average
    yield "Upheld rate (%)", a.upheld_rate_percent if a else None
    yield "Upheld per 100,000 residents", a.upheld_per_100k if a else None
    yield "Compliance rate (%)", a.compliance_rate_percent if a else None
    yield "Satisfactory remedy rate (%)", a.satisfactory_remedy_percent if a else None


def _letter_rows(row: LetterRow) -> Iterator[tuple[str, str, object]]:
    label = f"{row.label} (%)" if row.percent else row.label
    yield label, "The letter", row.letter_figure
    yield label, "This product", row.product_figure
    yield label, "Difference (this product less the letter)", row.gap


def statistics_rows(stats: AnnualStatistics, letter: list[LetterRow] | None = None) -> list[list]:
    """The rows of the download, in the page's order: the five years (oldest first), the
    averages for the year shown, the year's annual review letter beside the product's
    figures (``annual_letter_comparison``, when a letter is recorded), then the year's
    breakdowns."""
    rows: list[list] = []
    home = stats.home_authority.name if stats.home_authority else ""
    for f in stats.trend:
        rows += [[f.label, TREND, home, figure, value] for figure, value in _year_rows(f)]
    if stats.is_comparable and stats.figures:
        f = stats.figures
        rows += [
            [f.label, AVERAGES, stats.similar_authorities.capitalize(), figure, value]
            for figure, value in _average_rows(f)
        ]
    label = stats.label
    for letter_row in letter or []:
        rows += [[label, LETTER, *values] for values in _letter_rows(letter_row)]
    for table, breakdown in (
        ("Detailed investigations by service area", stats.by_service_area),
        ("Detailed investigations by category", stats.by_category),
    ):
        for row in breakdown:
            rows.append([label, table, row.label, "Investigations", row.investigations])
            rows.append([label, table, row.label, "Upheld", row.upheld])
            rows.append([label, table, row.label, "Upheld rate (%)", row.upheld_rate])
    for o in stats.by_outcome:
        rows.append([label, "All decisions by outcome", o.label, "Decisions", o.decisions])
    return rows
