"""What the Ombudsman will say: the figures of its annual review letter, computed its way.

The Ombudsman's year runs from 1 April to 31 March and is written "2023-24"; here it is
held as the year it starts in (2023). The letter reports, for decisions about the council
(the home authority among the organisations complained about):

- upheld rate: upheld decisions / detailed investigations (upheld + not upheld);
- upheld decisions per 100,000 residents;
- compliance rate: compliance outcomes where the recommendations were implemented, late
  ones included / all compliance outcomes (one per upheld decision, the worst of its
  actions' outcomes, in the year the last evidence was sent);
- satisfactory remedy rate: upheld decisions where the council had already put things
  right / upheld decisions;

each next to the average for the same kind of authority. The pure arithmetic comes first
and has no Django state; the queries follow, each a fixed number of SQL statements however
many rows there are, aggregating in the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce, Concat, ExtractYear

from ombudsman.charts import Chart, Series, bar_chart, line_chart
from ombudsman.figures import percent
from remedies.models import AgreedAction

from .models import COUNCIL_KINDS, ComparisonAverage, Complaint, Decision, Enquiry, Organisation

# The Ombudsman's detailed investigations: the outcomes that enter the upheld rate.
INVESTIGATED = (Decision.Outcome.UPHELD, Decision.Outcome.NOT_UPHELD)

# How bad each compliance outcome is: a decision's outcome is the worst of its actions'.
COMPLIANCE_SEVERITY = {
    AgreedAction.ComplianceOutcome.COMPLIED: 1,
    AgreedAction.ComplianceOutcome.COMPLIED_LATE: 2,
    AgreedAction.ComplianceOutcome.NOT_COMPLIED: 3,
}

# The groups the Ombudsman compares a council with, as its letters name them.
SIMILAR_AUTHORITIES = {
    Organisation.Kind.COUNTY: "county councils",
    Organisation.Kind.DISTRICT: "district councils",
    Organisation.Kind.METROPOLITAN: "metropolitan boroughs",
    Organisation.Kind.UNITARY: "unitary councils",
    Organisation.Kind.LONDON_BOROUGH: "London boroughs",
}

TREND_YEARS = 5
# The Local Government Act 1974 created the Ombudsman: no year before it has figures.
FIRST_YEAR = 1974


# --- Pure arithmetic ---------------------------------------------------------------------


class InvalidYear(ValueError):
    """A year that cannot be shown; the message says what to enter instead."""


def ombudsman_year_of(day: date) -> int:
    """The Ombudsman year a date falls in, as the year it starts: 31 March 2024 is in
    2023 (2023-24), 1 April 2024 in 2024 (2024-25)."""
    return day.year if day.month >= 4 else day.year - 1


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of an Ombudsman year: 1 April to the next 31 March, inclusive."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_label(year: int) -> str:
    """The year as the Ombudsman writes it: 2023 is "2023-24", 1999 is "1999-00"."""
    return f"{year}-{(year + 1) % 100:02d}"


def parse_year(value: str, *, latest: int) -> int:
    """The Ombudsman year asked for in a query string, as its starting year ("2023").

    Raises InvalidYear for anything that is not a year from 1974-75 to ``latest``: a
    mistyped address is told so rather than silently shown another year.
    """
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InvalidYear(
            "Choose an Ombudsman year from the list (in the address, 2023 means 2023-24)."
        )
    year = int(text)
    if not FIRST_YEAR <= year <= latest:
        raise InvalidYear(
            f"Choose an Ombudsman year from {year_label(FIRST_YEAR)} to {year_label(latest)}."
        )
    return year


def per_100k(count: int, population: int | None) -> Decimal | None:
    """``count`` per 100,000 residents to one decimal place (21 in 700,000 is 3.0); None
    when the population is not known."""
    if not population:
        return None
    value = Decimal(count) * 100_000 / Decimal(population)
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def format_figure(value: Decimal | int | float | None) -> str:
    """A figure to one decimal place with a trailing ".0" dropped, as the letter prints
    them: 3.0 is "3", 4.5 is "4.5", 85.00 is "85". Empty for no figure."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(Decimal('0.1'), ROUND_HALF_UP):.1f}"
    return text.removesuffix(".0")


def worst_outcome(outcomes: Iterable[str]) -> str:
    """A decision's compliance outcome from its actions' outcomes: the worst of them
    (not complied, then complied late, then complied); blanks (no outcome recorded yet)
    are ignored, and nothing recorded gives ""."""
    recorded = [outcome for outcome in outcomes if outcome]
    return max(recorded, key=COMPLIANCE_SEVERITY.__getitem__, default="")


def selectable_years(with_decisions: Iterable[int], *, current: int, chosen: int) -> list[int]:
    """The years to offer, newest first: those with decisions, the current year and the
    one being shown."""
    return sorted({*with_decisions, current, chosen}, reverse=True)


# --- What the page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """The letter's figures for one Ombudsman year, with the averages for similar
    authorities when an administrator has entered them."""

    year: int
    investigations: int = 0
    upheld: int = 0
    satisfactory_remedies: int = 0
    compliance_outcomes: int = 0
    complied: int = 0
    complied_late: int = 0
    not_complied: int = 0
    actions_completed: int = 0
    actions_completed_late: int = 0
    enquiries_answered: int = 0
    enquiries_answered_late: int = 0
    population: int | None = None
    average: ComparisonAverage | None = None

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def upheld_rate(self) -> int | None:
        return percent(self.upheld, self.investigations)

    @property
    def upheld_per_100k(self) -> Decimal | None:
        return per_100k(self.upheld, self.population)

    @property
    def upheld_per_100k_display(self) -> str:
        return format_figure(self.upheld_per_100k)

    @property
    def compliance_rate(self) -> int | None:
        # Late compliance is still compliance: only "not complied" lowers the rate.
        return percent(self.complied + self.complied_late, self.compliance_outcomes)

    @property
    def satisfactory_remedy_rate(self) -> int | None:
        return percent(self.satisfactory_remedies, self.upheld)

    @property
    def enquiries_late_rate(self) -> int | None:
        return percent(self.enquiries_answered_late, self.enquiries_answered)

    @property
    def actions_late_rate(self) -> int | None:
        return percent(self.actions_completed_late, self.actions_completed)

    # The averages as the letter prints them ("85%", "4.5"); empty when none is entered.
    def _average(self, name: str, *, as_percent: bool) -> str:
        value = getattr(self.average, name) if self.average else None
        return _percent_text(value) if as_percent else format_figure(value)

    @property
    def average_upheld_rate(self) -> str:
        return self._average("upheld_rate_percent", as_percent=True)

    @property
    def average_upheld_per_100k(self) -> str:
        return self._average("upheld_per_100k", as_percent=False)

    @property
    def average_compliance_rate(self) -> str:
        return self._average("compliance_rate_percent", as_percent=True)

    @property
    def average_satisfactory_remedy(self) -> str:
        return self._average("satisfactory_remedy_percent", as_percent=True)


def _percent_text(value: int | Decimal | None) -> str:
    return "" if value is None else f"{format_figure(value)}%"


@dataclass(frozen=True)
class Headline:
    """One row of the comparison: the figure, what it is based on, and the average."""

    key: str
    label: str
    value: str
    detail: str = ""
    compared: bool = False  # whether the Ombudsman publishes an average for it
    average: str = ""


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    investigations: int
    upheld: int

    @property
    def upheld_rate(self) -> int | None:
        return percent(self.upheld, self.investigations)


@dataclass(frozen=True)
class OutcomeRow:
    outcome: str
    label: str
    decisions: int

    @property
    def is_investigation(self) -> bool:
        return self.outcome in INVESTIGATED


@dataclass(frozen=True)
class AnnualStatistics:
    """Everything the annual statistics page shows for one Ombudsman year."""

    year: int
    home_authority: Organisation | None
    years_with_decisions: list[int] = field(default_factory=list)
    trend: list[YearFigures] = field(default_factory=list)  # oldest first, ends at `year`
    by_service_area: list[BreakdownRow] = field(default_factory=list)
    by_category: list[BreakdownRow] = field(default_factory=list)
    by_outcome: list[OutcomeRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def start(self) -> date:
        return year_bounds(self.year)[0]

    @property
    def end(self) -> date:
        return year_bounds(self.year)[1]

    @property
    def figures(self) -> YearFigures | None:
        return self.trend[-1] if self.trend else None

    @property
    def is_comparable(self) -> bool:
        """Whether the Ombudsman compares this kind of organisation with others."""
        return bool(self.home_authority and self.home_authority.kind in COUNCIL_KINDS)

    @property
    def similar_authorities(self) -> str:
        """The comparison group, as a sentence names it: "county councils"."""
        return SIMILAR_AUTHORITIES.get(self.home_authority.kind, "") if self.home_authority else ""

    @property
    def headlines(self) -> list[Headline]:
        """The figures of the letter, in its order, each with its average."""
        f = self.figures
        if f is None:
            return []
        if f.population:
            per_100k_detail = f"Population {f.population:,}"
        else:
            per_100k_detail = "Record the council's population in the administration"
        compliance_detail = (
            f"{f.compliance_outcomes} compliance outcome{'s' if f.compliance_outcomes != 1 else ''}"
            f", {f.complied_late} of them late"
        )
        if f.not_complied:
            compliance_detail += f", {f.not_complied} not complied"
        return [
            Headline(
                "upheld-rate",
                "Complaints upheld",
                _percent_text(f.upheld_rate) or "No investigations",
                f"{f.upheld} upheld of {f.investigations} detailed investigations",
                compared=True,
                average=f.average_upheld_rate,
            ),
            Headline("upheld", "Upheld decisions", str(f.upheld)),
            Headline(
                "upheld-per-100k",
                "Upheld decisions per 100,000 residents",
                f.upheld_per_100k_display or "Population not recorded",
                per_100k_detail,
                compared=True,
                average=f.average_upheld_per_100k,
            ),
            Headline("investigations", "Detailed investigations", str(f.investigations)),
            Headline(
                "compliance-rate",
                "Compliance with recommendations",
                _percent_text(f.compliance_rate) or "No compliance outcomes",
                compliance_detail,
                compared=True,
                average=f.average_compliance_rate,
            ),
            Headline(
                "satisfactory-remedy",
                "Satisfactory remedy provided by the council",
                _percent_text(f.satisfactory_remedy_rate) or "No upheld decisions",
                f"{f.satisfactory_remedies} of {f.upheld} upheld decisions",
                compared=True,
                average=f.average_satisfactory_remedy,
            ),
            Headline(
                "remedies-late",
                "Agreed actions completed late",
                str(f.actions_completed_late),
                f"of {f.actions_completed} agreed actions completed in the year, judged "
                "against the date in force (with any extension)",
            ),
            Headline(
                "enquiries-late",
                "Enquiries answered late",
                _percent_text(f.enquiries_late_rate) or "No enquiries answered",
                f"{f.enquiries_answered_late} of {f.enquiries_answered} enquiries answered "
                "in the year",
            ),
        ]


# --- Queries -----------------------------------------------------------------------------


def ombudsman_year_expr(field_name: str) -> Case:
    """The Ombudsman year of a date column, worked out by the database (as
    ``ombudsman_year_of``)."""
    return Case(
        When(**{f"{field_name}__month__gte": 4}, then=ExtractYear(field_name)),
        default=ExtractYear(field_name) - 1,
        output_field=IntegerField(),
    )


def home_authority() -> Organisation | None:
    return Organisation.objects.filter(is_home_authority=True).first()


def _about(home: Organisation, complaint_path: str = "complaint") -> Q:
    # A complaint counts when the home authority is among its organisations. Written as
    # "complaint_id IN (the home authority's complaints)": a semi-join on the
    # many-to-many table alone, which cannot multiply rows and spares joining the
    # complaints table to every decision or action (a third of these queries' time at
    # national scale).
    pairs = Complaint.organisations.through.objects.filter(organisation=home)
    return Q(**{f"{complaint_path}_id__in": pairs.values("complaint_id")})


def _owed_by_council(home: Organisation) -> Q:
    """Actions the council must do: its own, and those of a provider acting for it. In a
    joint decision an NHS trust's or another council's actions are theirs, and their
    lateness or non-compliance is not the council's."""
    bodies = Organisation.objects.filter(Q(pk=home.pk) | Q(kind=Organisation.Kind.PROVIDER))
    return Q(organisation_id__in=bodies.values("pk"))  # a semi-join: no join per action


def years_with_decisions(home: Organisation | None) -> list[int]:
    """The Ombudsman years in which there is a decision about the home authority."""
    if home is None:
        return []
    return list(
        Decision.objects.filter(_about(home))
        .annotate(ombudsman_year=ombudsman_year_expr("decision_date"))
        .values_list("ombudsman_year", flat=True)
        .distinct()
        .order_by("ombudsman_year")
    )


def _decision_counts(home, start: date, end: date) -> dict[int, dict]:
    rows = (
        Decision.objects.filter(_about(home), decision_date__range=(start, end))
        .annotate(ombudsman_year=ombudsman_year_expr("decision_date"))
        .values("ombudsman_year")
        .annotate(
            investigations=Count("pk", filter=Q(outcome__in=INVESTIGATED)),
            upheld=Count("pk", filter=Q(outcome=Decision.Outcome.UPHELD)),
            satisfactory_remedies=Count(
                "pk", filter=Q(outcome=Decision.Outcome.UPHELD, satisfactory_remedy=True)
            ),
        )
        .order_by()
    )
    return {row.pop("ombudsman_year"): row for row in rows}


def _compliance_counts(home, start: date, end: date) -> dict[int, dict]:
    """One compliance outcome per upheld decision with at least one action whose outcome
    is recorded: the worst of those outcomes, counted in the year of the latest evidence
    sent for them (else their latest completion; for an outcome with neither, such as
    "not complied", their latest date in force, else the decision's date).

    One statement: the actions are grouped per decision, and that derived table is
    counted per year and outcome."""
    severity = Case(
        *(When(compliance_outcome=o, then=Value(n)) for o, n in COMPLIANCE_SEVERITY.items()),
        output_field=IntegerField(),
    )
    per_decision = (
        AgreedAction.objects.filter(
            # A semi-join on the upheld decisions about the council, rather than a join of
            # every action to its decision, complaint and organisations.
            _owed_by_council(home),
            decision__in=Decision.objects.filter(_about(home), outcome=Decision.Outcome.UPHELD),
            # Every date of an action is on or after its decision's date (database
            # checks), so later decisions cannot have an outcome inside the window.
            decision_date__lte=end,
        )
        .exclude(compliance_outcome="")
        .values("decision")
        .annotate(
            worst=Max(severity),
            outcome_on=Coalesce(
                Max("evidence_sent_on"),
                Max("completed_on"),
                Max(Coalesce("extended_due_date", "due_date")),
                Max("decision_date"),
            ),
        )
        .order_by()
    )
    names = {"compliance_outcomes": None, "complied": 1, "complied_late": 2, "not_complied": 3}
    years = range(ombudsman_year_of(start), ombudsman_year_of(end) + 1)
    aggregates = {}
    for year in years:
        in_year = Q(outcome_on__range=year_bounds(year))
        for name, worst in names.items():
            condition = in_year if worst is None else in_year & Q(worst=worst)
            aggregates[f"{name}_{year}"] = Count("decision", filter=condition)
    totals = per_decision.aggregate(**aggregates)
    return {year: {name: totals[f"{name}_{year}"] for name in names} for year in years}


def _completion_counts(home, start: date, end: date) -> dict[int, dict]:
    in_force = Coalesce("extended_due_date", "due_date")
    rows = (
        AgreedAction.objects.filter(
            _owed_by_council(home),
            decision__in=Decision.objects.filter(_about(home)),
            completed_on__range=(start, end),
        )
        .annotate(ombudsman_year=ombudsman_year_expr("completed_on"))
        .values("ombudsman_year")
        .annotate(
            actions_completed=Count("pk"),
            # An action without a date cannot be late (the comparison with NULL is false).
            actions_completed_late=Count("pk", filter=Q(completed_on__gt=in_force)),
        )
        .order_by()
    )
    return {row.pop("ombudsman_year"): row for row in rows}


def _enquiry_counts(home, start: date, end: date) -> dict[int, dict]:
    rows = (
        Enquiry.objects.filter(_about(home), answered_on__range=(start, end))
        .annotate(ombudsman_year=ombudsman_year_expr("answered_on"))
        .values("ombudsman_year")
        .annotate(
            enquiries_answered=Count("pk"),
            enquiries_answered_late=Count(
                "pk", filter=Q(due_on__isnull=False, answered_on__gt=F("due_on"))
            ),
        )
        .order_by()
    )
    return {row.pop("ombudsman_year"): row for row in rows}


def _investigations_by(home, year: int, label) -> list[BreakdownRow]:
    """The year's detailed investigations and how many were upheld, grouped by ``label``
    (an expression; none recorded is "Not recorded"), most investigations first."""
    start, end = year_bounds(year)
    rows = (
        Decision.objects.filter(
            _about(home), decision_date__range=(start, end), outcome__in=INVESTIGATED
        )
        .values(label=label)
        .annotate(
            investigations=Count("pk"),
            upheld=Count("pk", filter=Q(outcome=Decision.Outcome.UPHELD)),
        )
        .order_by("-investigations", "-upheld", "label")
    )
    return [
        BreakdownRow(row["label"] or "Not recorded", row["investigations"], row["upheld"])
        for row in rows
    ]


def _by_service_area(home, year: int) -> list[BreakdownRow]:
    area = "complaint__service_area__"
    name = Concat(f"{area}directorate", Value(": "), f"{area}service", output_field=CharField())
    return _investigations_by(
        home, year, Case(When(complaint__service_area__isnull=False, then=name))
    )


def _by_category(home, year: int) -> list[BreakdownRow]:
    # The top level: the parent of a subcategory, or the category itself.
    top = Coalesce("complaint__category__parent__name", "complaint__category__name")
    return _investigations_by(home, year, top)


def _by_outcome(home, year: int) -> list[OutcomeRow]:
    start, end = year_bounds(year)
    counts = dict(
        Decision.objects.filter(_about(home), decision_date__range=(start, end))
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
        .order_by()
    )
    return [
        OutcomeRow(value, label, counts.get(value, 0)) for value, label in Decision.Outcome.choices
    ]


def annual_statistics(year: int) -> AnnualStatistics:
    """The letter's figures for an Ombudsman year and the four years before it, the
    averages for similar authorities, and the year's breakdowns. Runs a fixed number of
    queries (at most ten) however many decisions there are."""
    home = home_authority()
    if home is None:
        return AnnualStatistics(year=year, home_authority=None)
    first = year - TREND_YEARS + 1
    start, end = year_bounds(first)[0], year_bounds(year)[1]
    counts: dict[int, dict] = {y: {} for y in range(first, year + 1)}
    for part in (
        _decision_counts(home, start, end),
        _compliance_counts(home, start, end),
        _completion_counts(home, start, end),
        _enquiry_counts(home, start, end),
    ):
        for y, values in part.items():
            counts[y].update(values)
    averages = {}
    if home.kind in COUNCIL_KINDS:
        averages = {
            a.ombudsman_year: a
            for a in ComparisonAverage.objects.filter(
                authority_kind=home.kind, ombudsman_year__range=(first, year)
            )
        }
    trend = [
        YearFigures(year=y, population=home.population, average=averages.get(y), **values)
        for y, values in counts.items()
    ]
    return AnnualStatistics(
        year=year,
        home_authority=home,
        years_with_decisions=years_with_decisions(home),
        trend=trend,
        by_service_area=_by_service_area(home, year),
        by_category=_by_category(home, year),
        by_outcome=_by_outcome(home, year),
    )


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
                f"{f.label}: {f.investigations} investigations, {f.upheld} upheld"
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
