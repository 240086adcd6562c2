"""The five-year trend charts of the statistics page and the annual report."""

from ombudsman.charts import Chart, Series, bar_chart, line_chart
from ombudsman.figures import counted

from .figures import AnnualStatistics

# --- Charts ------------------------------------------------------------------------------


def trend_charts(stats: AnnualStatistics) -> list[Chart]:
    """The five-year trend: upheld and compliance rates as lines, and investigations
    and upheld decisions as bars. A rate is undefined in a year with nothing to divide
    by; such years are left out of the lines and named in the description instead of
    being drawn as 0%."""
    if not stats.trend:
        return []
    charts = []
    first, last = stats.trend[0].label, stats.trend[-1].label
    if any(f.upheld_rate is not None or f.compliance_rate is not None for f in stats.trend):

        def said(value, what):
            return f"{value}% {what}" if value is not None else f"no {what} rate"

        description = "; ".join(
            f"{f.label}: {said(f.upheld_rate, 'upheld')}, {said(f.compliance_rate, 'compliance')}"
            for f in stats.trend
        )
        charts.append(
            line_chart(
                title=f"Upheld rate and compliance rate, {first} to {last}",
                # A rate with nothing to divide by (no investigations, no compliance
                # outcomes) is a gap in its line, not 0%; each line keeps its other years.
                description=description + ". A year without a rate is a gap in its line.",
                categories=[f.label for f in stats.trend],
                series=[
                    Series("Upheld rate", [f.upheld_rate for f in stats.trend]),
                    Series("Compliance rate", [f.compliance_rate for f in stats.trend]),
                ],
                slug="trend-rates",
                percent=True,
            )
        )
    charts.append(
        bar_chart(
            title=f"Detailed investigations and upheld decisions, {first} to {last}",
            description="; ".join(
                f"{f.label}: {counted(f.investigations, 'investigation')}, {f.upheld} upheld"
                for f in stats.trend
            ),
            categories=[f.label for f in stats.trend],
            series=[
                Series("Investigations", [f.investigations for f in stats.trend]),
                Series("Upheld", [f.upheld for f in stats.trend]),
            ],
            slug="trend-upheld",
        )
    )
    return charts
