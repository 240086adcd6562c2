"""The decisions that may explain why the annual review letter's figures differ from the
product's: three sets, each one query (the joint decisions one more, for the names of the
other bodies), however many decisions there are. Each uses the statistics' own
definitions (``queries._about``: a decision about the council;
``AgreedAction.objects.owed_by_council()``: the actions the council answers for), so an
explanation counts what the figures count.

- Decided near the start or end of the Ombudsman year: the letter counts a decision in
  the year of the Ombudsman's own date for it; one recorded here a few days from 1 April
  may be in the other year's letter.
- Upheld decisions whose compliance outcome is missing: the letter counts a compliance
  outcome per upheld decision once the Ombudsman has closed it; the product counts one
  only when an outcome is recorded on the council's agreed actions.
- Joint decisions (several organisations complained about): the Ombudsman may record a
  joint investigation against another body, or count it for each body.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from ombudsman.timing import ombudsman_year_bounds, ombudsman_year_label, ombudsman_year_of
from remedies.models import AgreedAction

from ..models import Complaint, Decision, Organisation
from .figures import INVESTIGATED
from .queries import _about

# How close to 1 April a decision's date must be for the other year's letter to have
# counted it: a decision statement reaches the council, and is dated on the product, some
# days from the date the Ombudsman records.
NEAR_YEAR_END_DAYS = 14

# The figures each kind of explanation can move (LetterRow.key).
UPHELD_FIGURES = frozenset(
    {
        "investigations",
        "upheld",
        "upheld-rate",
        "upheld-per-100k",
        "satisfactory-remedies",
        "satisfactory-remedy-rate",
    }
)
COMPLIANCE_FIGURES = frozenset({"compliance-outcomes", "compliance-rate"})


@dataclass(frozen=True)
class ExplainingDecision:
    pk: int
    reference: str
    decided: date
    outcome: str
    note: str  # why it may be counted differently, in words


@dataclass(frozen=True)
class Explanation:
    key: str
    title: str
    intro: str
    affects: frozenset[str]
    decisions: list[ExplainingDecision] = field(default_factory=list)


def _entry(decision: Decision, note: str) -> ExplainingDecision:
    return ExplainingDecision(
        decision.pk,
        decision.complaint.reference,
        decision.decision_date,
        decision.get_outcome_display(),
        note,
    )


def _near_year_end(home: Organisation, year: int, decisions: QuerySet) -> list[ExplainingDecision]:
    start, end = ombudsman_year_bounds(year)
    days = timedelta(days=NEAR_YEAR_END_DAYS)
    rows = (
        decisions.filter(_about(home), outcome__in=INVESTIGATED)
        .filter(
            Q(decision_date__range=(start - days, start + days - timedelta(days=1)))
            | Q(decision_date__range=(end - days + timedelta(days=1), end + days))
        )
        .select_related("complaint")
        .order_by("decision_date", "pk")
    )
    out = []
    for decision in rows:
        here = ombudsman_year_of(decision.decision_date)
        # The year across the nearer 1 April.
        other = here + 1 if decision.decision_date.month == 3 else here - 1
        out.append(
            _entry(
                decision,
                f"Dated {decision.decision_date:%-d %B %Y}: counted here in "
                f"{ombudsman_year_label(here)}; if the Ombudsman dates it across 1 April, "
                f"its letter counts it in {ombudsman_year_label(other)}.",
            )
        )
    return out


def _compliance_missing(
    home: Organisation, year: int, decisions: QuerySet
) -> list[ExplainingDecision]:
    start, end = ombudsman_year_bounds(year)
    # A year's compliance outcomes come from the year's upheld decisions and the year
    # before's (the Ombudsman closes compliance months after a decision).
    first = ombudsman_year_bounds(year - 1)[0]
    # The council's actions, a withdrawn one aside (it has no outcome to record).
    owed = Q(
        actions__in=AgreedAction.objects.owed_by_council().exclude(
            status=AgreedAction.Status.WITHDRAWN
        )
    )
    rows = (
        decisions.filter(
            _about(home),
            outcome=Decision.Outcome.UPHELD,
            decision_date__range=(first, end),
        )
        .annotate(
            owed_actions=Count("actions", filter=owed, distinct=True),
            without_outcome=Count(
                "actions", filter=owed & Q(actions__compliance_outcome=""), distinct=True
            ),
        )
        .filter(Q(without_outcome__gt=0) | Q(owed_actions=0, satisfactory_remedy=False))
        .select_related("complaint")
        .order_by("decision_date", "pk")
    )
    out = []
    for decision in rows:
        if decision.owed_actions == 0:
            note = (
                "Upheld with no agreed action recorded for the Council: the letter counts "
                "a compliance outcome once the Ombudsman closes it; the product has none."
            )
        else:
            n, total = decision.without_outcome, decision.owed_actions
            if total == 1:
                said = "The Council's agreed action has no compliance outcome recorded"
            elif n == total:
                said = f"None of the Council's {total} agreed actions has a compliance outcome"
            else:
                verb = "has" if n == 1 else "have"
                said = f"{n} of the Council's {total} agreed actions {verb} no compliance outcome"
            note = f"{said}, so the product counts no compliance outcome for this decision yet."
        out.append(_entry(decision, note))
    return out


def _joint(home: Organisation, year: int, decisions: QuerySet) -> list[ExplainingDecision]:
    start, end = ombudsman_year_bounds(year)
    joint = Complaint.objects.annotate(bodies=Count("organisations")).filter(bodies__gte=2)
    others = Organisation.objects.exclude(pk=home.pk).order_by("name")
    rows = (
        decisions.filter(
            _about(home),
            outcome__in=INVESTIGATED,
            decision_date__range=(start, end),
            complaint__in=joint.values("pk"),
        )
        .select_related("complaint")
        .prefetch_related(Prefetch("complaint__organisations", queryset=others))
        .order_by("decision_date", "pk")
    )
    out = []
    for decision in rows:
        names = [o.name for o in decision.complaint.organisations.all()]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        out.append(
            _entry(
                decision,
                f"Also about {listed}: the Ombudsman may have recorded the joint "
                "investigation against another body, or counted it for each.",
            )
        )
    return out


def letter_explanations(
    year: int, *, home: Organisation, decisions: QuerySet | None = None
) -> list[Explanation]:
    """The decisions of ``decisions`` (those the viewer may see; all by default) that may
    explain a difference between the letter for ``year`` and the product's figures, in
    three groups. Four queries."""
    decisions = Decision.objects.all() if decisions is None else decisions
    label = ombudsman_year_label(year)
    return [
        Explanation(
            "near-year-end",
            "Decided near the start or end of the year",
            f"Detailed investigations dated within {NEAR_YEAR_END_DAYS} days of 1 April, at "
            f"either end of {label}.",
            UPHELD_FIGURES,
            _near_year_end(home, year, decisions),
        ),
        Explanation(
            "compliance-missing",
            "Upheld decisions with a compliance outcome missing",
            f"Upheld decisions of {ombudsman_year_label(year - 1)} and {label} whose "
            "compliance outcome the product cannot count yet.",
            COMPLIANCE_FIGURES,
            _compliance_missing(home, year, decisions),
        ),
        Explanation(
            "joint",
            "Joint decisions",
            f"Detailed investigations of {label} about the Council and other organisations.",
            UPHELD_FIGURES,
            _joint(home, year, decisions),
        ),
    ]
