"""The letter's arithmetic and what the statistics page shows: no database access."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from ombudsman.figures import percent
from ombudsman.timing import ombudsman_year_bounds, ombudsman_year_label
from remedies.models import AgreedAction

from ..models import COUNCIL_KINDS, ComparisonAverage, Decision, Organisation

# The Ombudsman's detailed investigations: the outcomes that enter the upheld rate.
INVESTIGATED = (Decision.Outcome.UPHELD, Decision.Outcome.NOT_UPHELD)

# How bad each compliance outcome is: a decision's outcome is the worst of its actions'.
COMPLIANCE_SEVERITY: dict[str, int] = {
    AgreedAction.ComplianceOutcome.COMPLIED: 1,
    AgreedAction.ComplianceOutcome.COMPLIED_LATE: 2,
    AgreedAction.ComplianceOutcome.NOT_COMPLIED: 3,
}

# The groups the Ombudsman compares a council with, as its letters name them.
SIMILAR_AUTHORITIES: dict[str, str] = {
    Organisation.Kind.COUNTY: "county councils",
    Organisation.Kind.DISTRICT: "district councils",
    Organisation.Kind.METROPOLITAN: "metropolitan boroughs",
    Organisation.Kind.UNITARY: "unitary councils",
    Organisation.Kind.LONDON_BOROUGH: "London boroughs",
}


def is_compared(home: Organisation | None) -> TypeGuard[Organisation]:
    """Whether the Ombudsman compares ``home`` with similar authorities (councils only):
    whether its letter prints averages beside the council's figures."""
    return bool(home and home.kind in COUNCIL_KINDS)


def similar_authorities(home: Organisation | None) -> str:
    """The group the Ombudsman compares ``home`` with, as a sentence names it ("county
    councils"); empty when it compares it with none."""
    return SIMILAR_AUTHORITIES.get(home.kind, "") if home else ""


TREND_YEARS = 5
# The Local Government Act 1974 created the Ombudsman: no year before it has figures.
FIRST_YEAR = 1974


# --- Pure arithmetic ---------------------------------------------------------------------


class InvalidYear(ValueError):
    """A year that cannot be shown; the message says what to enter instead."""


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
        first, last = ombudsman_year_label(FIRST_YEAR), ombudsman_year_label(latest)
        raise InvalidYear(f"Choose an Ombudsman year from {first} to {last}.")
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
        return ombudsman_year_label(self.year)

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
    trend: list[YearFigures] = field(default_factory=list)  # oldest first, ends at `year`
    by_service_area: list[BreakdownRow] = field(default_factory=list)
    by_category: list[BreakdownRow] = field(default_factory=list)
    by_outcome: list[OutcomeRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ombudsman_year_label(self.year)

    @property
    def start(self) -> date:
        return ombudsman_year_bounds(self.year)[0]

    @property
    def end(self) -> date:
        return ombudsman_year_bounds(self.year)[1]

    @property
    def figures(self) -> YearFigures | None:
        return self.trend[-1] if self.trend else None

    @property
    def is_comparable(self) -> bool:
        """Whether the Ombudsman compares this kind of organisation with others."""
        return is_compared(self.home_authority)

    @property
    def similar_authorities(self) -> str:
        """The comparison group, as a sentence names it: "county councils"."""
        return similar_authorities(self.home_authority)

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
