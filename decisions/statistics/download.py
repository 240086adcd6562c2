"""The statistics page as a download: every figure the page shows, one row each.

One row per figure ("2023-24, Last five years, Upheld, 3") rather than the page's several
tables side by side: a CSV has one table, and in a spreadsheet a row per figure filters,
sorts and pivots. The figures are the page's own (``AnnualStatistics``), never counted
again. Rates are whole percentages as on the page; a rate with nothing to divide by, or
an average not entered, is an empty value, as the page shows "–".
"""

from collections.abc import Iterator

from ombudsman.exports import Column

from .figures import AnnualStatistics, YearFigures

COLUMNS = [
    Column("Ombudsman year", width=14),
    Column("Table", width=30),
    Column("Row", width=40),
    Column("Figure", width=44),
    Column("Value", number_format="#,##0.0##", width=12),
]

TREND = "Last five years"
AVERAGES = "Average for similar authorities"


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


def statistics_rows(stats: AnnualStatistics) -> list[list]:
    """The rows of the download, in the page's order: the five years (oldest first), the
    averages for the year shown, then its breakdowns."""
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
