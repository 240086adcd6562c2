"""The statistics' queries: each a fixed number of SQL statements however many rows there
are, aggregating in the database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
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


def offered_years(*, today: date) -> list[int]:
    """The Ombudsman years to offer wherever a year is chosen (the statistics page, the
    report builder), newest first: every year with a decision recorded, whoever it is
    about, and the current year. A year with a decision is never left out: a year whose
    only decision is a joint one about other bodies is still one the council looks at."""
    recorded = (
        Decision.objects.annotate(ombudsman_year=ombudsman_year_expression("decision_date"))
        .values_list("ombudsman_year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted({*recorded, ombudsman_year_of(today)}, reverse=True)


def _decision_counts(home, start: date, end: date) -> dict[int, dict]:
    rows = (
        Decision.objects.filter(_about(home), decision_date__range=(start, end))
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
            owed_by_council_q(),
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


def _completion_counts(home, start: date, end: date) -> dict[int, dict]:
    rows = (
        AgreedAction.objects.with_in_force()
        .filter(
            owed_by_council_q(),
            decision__in=Decision.objects.filter(_about(home)),
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


def _enquiry_counts(home, start: date, end: date) -> dict[int, dict]:
    rows = (
        Enquiry.objects.filter(_about(home), answered_on__range=(start, end))
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


def _investigations_by(home, year: int, label) -> list[BreakdownRow]:
    """The year's detailed investigations and how many were upheld, grouped by ``label``
    (an expression; none recorded is "Not recorded"), most investigations first."""
    start, end = ombudsman_year_bounds(year)
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
    name = ServiceArea.name_expression("complaint__service_area__")
    return _investigations_by(
        home, year, Case(When(complaint__service_area__isnull=False, then=name))
    )


def _by_category(home, year: int) -> list[BreakdownRow]:
    # The top level: the parent of a subcategory, or the category itself.
    top = Coalesce("complaint__category__parent__name", "complaint__category__name")
    return _investigations_by(home, year, top)


def _by_outcome(home, year: int) -> list[OutcomeRow]:
    start, end = ombudsman_year_bounds(year)
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
    start, end = ombudsman_year_bounds(first)[0], ombudsman_year_bounds(year)[1]
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
    if is_compared(home):
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
        trend=trend,
        by_service_area=_by_service_area(home, year),
        by_category=_by_category(home, year),
        by_outcome=_by_outcome(home, year),
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
