"""What the Ombudsman will say: the figures of its annual review letter, computed its way.

The Ombudsman's year runs from 1 April to 31 March and is written "2023-24"; here it is
held as the year it starts in (2023), as ``ombudsman.timing`` defines it. The letter
reports, for decisions about the council (the home authority among the organisations
complained about):

- upheld rate: upheld decisions / detailed investigations (upheld + not upheld);
- upheld decisions per 100,000 residents;
- compliance rate: compliance outcomes where the recommendations were implemented, late
  ones included / all compliance outcomes (one per upheld decision, the worst of its
  actions' outcomes, in the year the last evidence was sent);
- satisfactory remedy rate: upheld decisions where the council had already put things
  right / upheld decisions;

each next to the average for the same kind of authority. ``figures`` holds the pure
arithmetic and what the page shows, with no database access; ``queries`` the reads, each
a fixed number of SQL statements however many rows there are, aggregating in the
database; ``summary`` the year summaries the page reads, kept by the writing services
and rebuilt every night; ``charts`` the five-year trend.
"""

from ombudsman.figures import percent

from .charts import trend_charts
from .download import COLUMNS as DOWNLOAD_COLUMNS
from .download import statistics_rows
from .figures import (
    COMPLIANCE_SEVERITY,
    FIRST_YEAR,
    INVESTIGATED,
    SIMILAR_AUTHORITIES,
    TREND_YEARS,
    AnnualStatistics,
    BreakdownRow,
    Headline,
    InvalidYear,
    OutcomeRow,
    YearFigures,
    format_figure,
    is_compared,
    parse_year,
    per_100k,
    selectable_years,
    similar_authorities,
    worst_outcome,
)
from .queries import (
    PeriodCounts,
    annual_letter_comparison,
    annual_statistics,
    home_authority,
    offered_years,
    period_counts,
    previous_period,
)

__all__ = [
    "AnnualStatistics", "BreakdownRow", "COMPLIANCE_SEVERITY", "DOWNLOAD_COLUMNS", "FIRST_YEAR",
    "Headline", "INVESTIGATED", "InvalidYear", "OutcomeRow", "PeriodCounts",
    "SIMILAR_AUTHORITIES", "TREND_YEARS", "YearFigures", "annual_letter_comparison",
    "annual_statistics", "format_figure",
    "home_authority", "is_compared", "offered_years", "parse_year", "per_100k", "percent",
    "period_counts", "previous_period", "selectable_years", "similar_authorities",
    "statistics_rows", "trend_charts", "worst_outcome",
]  # fmt: skip
