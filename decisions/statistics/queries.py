"""The statistics' queries: each a fixed number of SQL statements however many rows there
are, aggregating in the database.

Each count is a sum over complaints (a decision, an action and an enquiry each belong to
one complaint), so each query can also be asked about some complaints only
(``complaints``): that is how the writing services keep the year summaries
(``summary``), adding what a write changed, with the very queries that count from
scratch. The page reads the summaries once they are built, and counts from scratch
before that."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ombudsman.figures import percent
from ombudsman.timing import (
    in_force_expression,
    ombudsman_year_bounds,
    ombudsman_year_expression,
    ombudsman_year_of,
)
from remedies.models import AgreedAction, completed_late_q, owed_by_council_q

from ..models import (
    AnnualLetter,
    ComparisonAverage,
    Complaint,
    Decision,
    Enquiry,
    Organisation,
    ServiceArea,
    YearBreakdown,
    YearSummary,
    YearSummaryState,
)
from .figures import (
    COMPLIANCE_SEVERITY,
    INVESTIGATED,
    TREND_YEARS,
    AnnualStatistics,
    BreakdownRow,
    OutcomeRow,
    YearFigures,
    is_compared,
)
from .letter import LetterRow, letter_comparison

# --- Queries -----------------------------------------------------------------------------


# The counts of a year, as YearFigures and YearSummary name them.
COUNTS = (
    "investigations", "upheld", "satisfactory_remedies", "compliance_outcomes", "complied",
    "complied_late", "not_complied", "actions_completed", "actions_completed_late",
    "enquiries_answered", "enquiries_answered_late",
)  # fmt: skip

# A breakdown's lines, counted per (table, year, label): the label is the service area's
# or top-level category's name ("" for none recorded) or the outcome's value.
Tallies = dict[tuple[str, int, str], dict[str, int]]
SERVICE_AREA = YearBreakdown.Table.SERVICE_AREA.value
CATEGORY = YearBreakdown.Table.CATEGORY.value
OUTCOME = YearBreakdown.Table.OUTCOME.value
NOT_RECORDED = "Not recorded"


def home_authority() -> Organisation | None:
    """The council the figures are about, with ``statistics_kept``: whether its year
    summaries are built (``summary``), so that the page may read them, and
    ``repeats_kept``: whether its repeat faults are built with them (``repeats_kept``),
    asked in the same query."""
    built = YearSummaryState.objects.filter(built_at__isnull=False, home_authority=OuterRef("pk"))
    return (
        Organisation.objects.filter(is_home_authority=True)
        .annotate(
            statistics_kept=Exists(built),
            repeats_kept=Exists(built.filter(repeats_built=True)),
        )
        .first()
    )


def _about(
    home: Organisation,
    complaint_path: str = "complaint",
    complaints: Collection[int] | None = None,
) -> Q:
    # A complaint counts when the home authority is among its organisations. Written as
    # "complaint_id IN (the home authority's complaints)": a semi-join on the
    # many-to-many table alone, which cannot multiply rows and spares joining the
    # complaints table to every decision or action (a third of these queries' time at
    # national scale). Only ``complaints``, when given: inside the semi-join as well, so
    # that a few complaints cost a few index probes, never the home authority's list.
    pairs = Complaint.organisations.through.objects.filter(organisation=home)
    if complaints is None:
        return Q(**{f"{complaint_path}_id__in": pairs.values("complaint_id")})
    pairs = pairs.filter(complaint_id__in=complaints)
    return Q(**{f"{complaint_path}_id__in": pairs.values("complaint_id")}) & Q(
        **{f"{complaint_path}_id__in": complaints}
    )


def _of(complaints: Collection[int] | None, complaint_path: str = "complaint") -> Q:
    """Every row, or those of ``complaints`` only."""
    return Q() if complaints is None else Q(**{f"{complaint_path}_id__in": complaints})


def kept_state() -> QuerySet[YearSummaryState]:
    """The year summaries' state if they are built and still for the organisation that is
    the home authority (or for none, when none is): only then do they hold its figures."""
    no_home = ~Exists(Organisation.objects.filter(is_home_authority=True))
    return YearSummaryState.objects.filter(
        Q(home_authority__is_home_authority=True) | Q(no_home, home_authority__isnull=True),
        built_at__isnull=False,
    )


def offered_years(*, today: date) -> list[int]:
    """The Ombudsman years to offer wherever a year is chosen (the statistics page, the
    report builder), newest first: every year with a decision recorded, whoever it is
    about, and the current year. A year with a decision is never left out: a year whose
    only decision is a joint one about other bodies is still one the council looks at.
    One query: the year summaries' years when they are kept, else the decisions' (the
    database reads the decisions only when the summaries are not kept)."""
    kept = kept_state()
    from_summaries = YearSummary.objects.filter(Exists(kept), decisions_recorded__gt=0).values_list(
        "ombudsman_year", flat=True
    )
    from_decisions = (
        Decision.objects.filter(~Exists(kept))
        .annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
        .values_list("ombudsman_year", flat=True)
        .distinct()
        .order_by()
    )
    recorded = from_summaries.order_by().union(from_decisions)
    # int(): PostgreSQL's EXTRACT gives a numeric, which the union keeps.
    return sorted({*(int(y) for y in recorded), ombudsman_year_of(today)}, reverse=True)


def _decision_counts(home, start: date, end: date, complaints=None) -> dict[int, dict]:
    rows = (
        Decision.objects.filter(
            _about(home, complaints=complaints), decision_date__range=(start, end)
        )
        .annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
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


def _compliance_counts(home, start: date, end: date, complaints=None) -> dict[int, dict]:
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
            owed_by_council_q(),
            decision__in=Decision.objects.filter(
                _about(home, complaints=complaints), outcome=Decision.Outcome.UPHELD
            ),
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
                Max(in_force_expression()),
                Max("decision_date"),
            ),
        )
        .order_by()
    )
    names = {"compliance_outcomes": None, "complied": 1, "complied_late": 2, "not_complied": 3}
    years = range(ombudsman_year_of(start), ombudsman_year_of(end) + 1)
    aggregates = {}
    for year in years:
        in_year = Q(outcome_on__range=ombudsman_year_bounds(year))
        for name, worst in names.items():
            condition = in_year if worst is None else in_year & Q(worst=worst)
            aggregates[f"{name}_{year}"] = Count("decision", filter=condition)
    totals = per_decision.aggregate(**aggregates)
    return {year: {name: totals[f"{name}_{year}"] for name in names} for year in years}


def _completion_counts(home, start: date, end: date, complaints=None) -> dict[int, dict]:
    rows = (
        AgreedAction.objects.with_in_force()
        .filter(
            owed_by_council_q(),
            decision__in=Decision.objects.filter(_about(home, complaints=complaints)),
            completed_on__range=(start, end),
        )
        .annotate(ombudsman_year=ombudsman_year_expression("completed_on"))
        .values("ombudsman_year")
        .annotate(
            actions_completed=Count("pk"),
            actions_completed_late=Count("pk", filter=completed_late_q()),
        )
        .order_by()
    )
    return {row.pop("ombudsman_year"): row for row in rows}


def _enquiry_counts(home, start: date, end: date, complaints=None) -> dict[int, dict]:
    rows = (
        Enquiry.objects.filter(_about(home, complaints=complaints), answered_on__range=(start, end))
        .annotate(ombudsman_year=ombudsman_year_expression("answered_on"))
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


def _recorded_counts(start: date, end: date, complaints=None) -> dict[int, dict]:
    """Every decision recorded, whoever it is about, per year: the years offered."""
    rows = (
        Decision.objects.filter(_of(complaints), decision_date__range=(start, end))
        .annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
        .values("ombudsman_year")
        .annotate(decisions_recorded=Count("pk"))
        .order_by()
    )
    return {row.pop("ombudsman_year"): row for row in rows}


def year_counts(
    home: Organisation | None,
    first: int,
    last: int,
    *,
    complaints: Collection[int] | None = None,
    recorded: bool = False,
) -> dict[int, dict[str, int]]:
    """The letter's counts (``COUNTS``) for each Ombudsman year from ``first`` to
    ``last``, of every complaint or of ``complaints`` only, and with ``recorded`` the
    decisions recorded (``decisions_recorded``). Four or five queries; with no home
    authority, none but the decisions recorded."""
    start, end = ombudsman_year_bounds(first)[0], ombudsman_year_bounds(last)[1]
    names = (*COUNTS, "decisions_recorded") if recorded else COUNTS
    counts = {y: dict.fromkeys(names, 0) for y in range(first, last + 1)}
    parts = [_recorded_counts(start, end, complaints)] if recorded else []
    if home is not None:
        parts += [
            query(home, start, end, complaints)
            for query in (_decision_counts, _compliance_counts, _completion_counts, _enquiry_counts)
        ]
    for part in parts:
        for y, values in part.items():
            counts[y].update(values)
    return counts


def _investigations_by(home, start: date, end: date, table: str, label, complaints) -> Tallies:
    """The detailed investigations and how many were upheld, per year and ``label`` (an
    expression; "" for none recorded)."""
    rows = (
        Decision.objects.filter(
            _about(home, complaints=complaints),
            decision_date__range=(start, end),
            outcome__in=INVESTIGATED,
        )
        .annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
        .values("ombudsman_year", label=label)
        .annotate(
            investigations=Count("pk"),
            upheld=Count("pk", filter=Q(outcome=Decision.Outcome.UPHELD)),
        )
        .order_by()
    )
    return {
        (table, row["ombudsman_year"], row["label"] or ""): {
            "investigations": row["investigations"],
            "upheld": row["upheld"],
        }
        for row in rows
    }


def _by_outcome(home, start: date, end: date, complaints) -> Tallies:
    rows = (
        Decision.objects.filter(
            _about(home, complaints=complaints), decision_date__range=(start, end)
        )
        .annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
        .values("ombudsman_year", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        (OUTCOME, row["ombudsman_year"], row["outcome"]): {"decisions": row["n"]} for row in rows
    }


def breakdown_tallies(
    home: Organisation, first: int, last: int, *, complaints: Collection[int] | None = None
) -> Tallies:
    """The lines of the breakdowns by service area, top-level category and outcome, for
    each year from ``first`` to ``last``, of every complaint or of ``complaints`` only.
    Three queries."""
    start, end = ombudsman_year_bounds(first)[0], ombudsman_year_bounds(last)[1]
    area = ServiceArea.name_expression("complaint__service_area__")
    # The top level: the parent of a subcategory, or the category itself.
    top = Coalesce("complaint__category__parent__name", "complaint__category__name")
    return {
        **_investigations_by(
            home, start, end, SERVICE_AREA,
            Case(When(complaint__service_area__isnull=False, then=area)), complaints,
        ),
        **_investigations_by(home, start, end, CATEGORY, top, complaints),
        **_by_outcome(home, start, end, complaints),
    }  # fmt: skip


def _breakdown(tallies: Tallies, table: str, year: int) -> list[BreakdownRow]:
    """A year's lines of one breakdown, most investigations first, then most upheld, then
    by name, "Not recorded" last among equals."""
    lines = [
        (label, counts) for (t, y, label), counts in tallies.items() if t == table and y == year
    ]
    lines.sort(
        key=lambda line: (-line[1]["investigations"], -line[1]["upheld"], line[0] == "", line[0])
    )
    return [
        BreakdownRow(label or NOT_RECORDED, counts["investigations"], counts["upheld"])
        for label, counts in lines
    ]


def _kept_counts(first: int, last: int) -> dict[int, dict[str, int]]:
    """The year summaries' counts, as ``year_counts`` gives them (a year with none kept
    has none)."""
    counts = {y: dict.fromkeys(COUNTS, 0) for y in range(first, last + 1)}
    for row in YearSummary.objects.filter(ombudsman_year__range=(first, last)).values(
        "ombudsman_year", *COUNTS
    ):
        counts[row.pop("ombudsman_year")] = row
    return counts


def _kept_tallies(year: int) -> Tallies:
    rows = YearBreakdown.objects.filter(ombudsman_year=year).values_list(
        "table", "label", "investigations", "upheld", "decisions"
    )
    return {
        (table, year, label): {"investigations": inv, "upheld": upheld, "decisions": n}
        for table, label, inv, upheld, n in rows
    }


def annual_statistics(year: int, *, from_scratch: bool = False) -> AnnualStatistics:
    """The letter's figures for an Ombudsman year and the four years before it, the
    averages for similar authorities, and the year's breakdowns.

    Read from the year summaries when they are built for the home authority (four
    queries), otherwise, or ``from_scratch``, counted from the records (at most ten
    queries however many decisions there are); the two agree exactly."""
    home = home_authority()
    if home is None:
        return AnnualStatistics(year=year, home_authority=None)
    first = year - TREND_YEARS + 1
    if home.statistics_kept and not from_scratch:  # type: ignore[attr-defined]
        counts, tallies = _kept_counts(first, year), _kept_tallies(year)
    else:
        counts, tallies = year_counts(home, first, year), breakdown_tallies(home, year, year)
    averages = {}
    if is_compared(home):
        averages = {
            a.ombudsman_year: a
            for a in ComparisonAverage.objects.filter(
                authority_kind=home.kind, ombudsman_year__range=(first, year)
            )
        }
    trend = [
        YearFigures(
            year=y,
            population=home.population,
            average=averages.get(y),
            **{name: values[name] for name in COUNTS},
        )
        for y, values in counts.items()
    ]
    return AnnualStatistics(
        year=year,
        home_authority=home,
        trend=trend,
        by_service_area=_breakdown(tallies, SERVICE_AREA, year),
        by_category=_breakdown(tallies, CATEGORY, year),
        by_outcome=[
            OutcomeRow(value, label, tallies.get((OUTCOME, year, value), {}).get("decisions", 0))
            for value, label in Decision.Outcome.choices
        ],
    )


@dataclass(frozen=True)
class PeriodCounts:
    """Decisions about one council between two dates, as a committee paper compares them
    with the period before: decided, detailed investigations, upheld, upheld per
    directorate."""

    start: date
    end: date
    decided: int
    investigations: int
    upheld: int
    upheld_by_directorate: dict[str, int]

    @property
    def upheld_rate(self) -> int | None:
        return percent(self.upheld, self.investigations)


def period_counts(
    about: Organisation, start: date, end: date, service_areas: Iterable[ServiceArea] = ()
) -> PeriodCounts:
    """Two statements however many decisions there are."""
    decisions = Decision.objects.filter(_about(about), decision_date__range=(start, end))
    areas = list(service_areas)
    if areas:
        decisions = decisions.filter(complaint__service_area__in=areas)
    totals = decisions.aggregate(
        decided=Count("pk"),
        investigations=Count("pk", filter=Q(outcome__in=INVESTIGATED)),
        upheld=Count("pk", filter=Q(outcome=Decision.Outcome.UPHELD)),
    )
    by_directorate = (
        decisions.filter(outcome=Decision.Outcome.UPHELD)
        .values_list("complaint__service_area__directorate")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return PeriodCounts(
        start=start,
        end=end,
        upheld_by_directorate={d or "": n for d, n in by_directorate},
        **totals,
    )


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: as many whole calendar months when the
    period is whole months (an Ombudsman year gives the year before), else as many days,
    ending the day before ``start``."""
    before = start - timedelta(days=1)
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.year * 12 + start.month - 1 - months
        return date(first // 12, first % 12 + 1, 1), before
    return before - (end - start), before


def annual_letter_comparison(
    stats: AnnualStatistics,
) -> tuple[AnnualLetter | None, list[LetterRow]]:
    """The annual review letter recorded for the year ``stats`` shows, and its figures
    beside the product's (none without a letter or a home authority): what the statistics
    page shows and its download holds."""
    letter = AnnualLetter.objects.filter(ombudsman_year=stats.year).first()
    if letter is None or stats.figures is None or stats.home_authority is None:
        return letter, []
    return letter, letter_comparison(letter, stats.figures)
