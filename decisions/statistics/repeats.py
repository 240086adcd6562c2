"""Repeat faults: where the Ombudsman found fault again, which members ask to see.

- Upheld again: an upheld decision on a complaint the Ombudsman had already upheld (a
  re-opened case's further decision), or on a complaint recorded as related to one with an
  earlier upheld decision (a new case about the same matter).
- The same fault in a service area: a service area with upheld decisions on two or more
  complaints in the same LGSCO category (as recorded, "Adult care services > Charging")
  within 24 months of one another.

Decisions about the council only (``queries._about``). A repeat is counted in a period
when its later decision falls in it; the earlier one may be up to 24 months before (any
time before, for a complaint upheld again). Three queries, however many decisions.
"""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from ..models import Decision, Organisation
from .queries import _about, home_authority

REPEAT_MONTHS = 24
UPHELD = Decision.Outcome.UPHELD


@dataclass(frozen=True)
class RepeatedDecision:
    pk: int
    reference: str
    decided: date
    service_area: str
    category: str


@dataclass(frozen=True)
class UpheldAgain:
    """An upheld decision and the earlier upheld decision it repeats."""

    decision: RepeatedDecision
    earlier: RepeatedDecision

    @property
    def reopened(self) -> bool:
        """The same complaint (a further decision), not a related one."""
        return self.decision.reference == self.earlier.reference


@dataclass(frozen=True)
class AreaRepeat:
    """Upheld decisions on two or more complaints of one service area, in one category,
    each within 24 months of another; oldest first."""

    service_area: str
    category: str
    decisions: list[RepeatedDecision]

    @property
    def complaints(self) -> int:
        return len({d.reference for d in self.decisions})


@dataclass(frozen=True)
class RepeatFaults:
    start: date
    end: date
    upheld_again: list[UpheldAgain] = field(default_factory=list)
    in_service_areas: list[AreaRepeat] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.upheld_again) + len(self.in_service_areas)

    def __bool__(self) -> bool:
        return self.count > 0


def _repeated(decision: Decision) -> RepeatedDecision:
    complaint = decision.complaint
    return RepeatedDecision(
        decision.pk,
        complaint.reference,
        decision.decision_date,
        str(complaint.service_area) if complaint.service_area else "No service area",
        str(complaint.category) if complaint.category else "No category",
    )


_RELATED = ("complaint__service_area", "complaint__category__parent")


def _upheld_again(home: Organisation, start: date, end: date, decisions: QuerySet) -> list:
    """Two queries: the later decisions with the latest earlier upheld one each points
    to, then those earlier decisions."""
    earlier = (
        Decision.objects.filter(outcome=UPHELD)
        .filter(Q(complaint=OuterRef("complaint")) | Q(complaint__related=OuterRef("complaint")))
        .filter(
            Q(decision_date__lt=OuterRef("decision_date"))
            | Q(decision_date=OuterRef("decision_date"), pk__lt=OuterRef("pk"))
        )
        .order_by("-decision_date", "-pk")
    )
    later = list(
        decisions.filter(_about(home), outcome=UPHELD, decision_date__range=(start, end))
        .annotate(earlier_id=Subquery(earlier.values("pk")[:1]))
        .filter(earlier_id__isnull=False)
        .select_related(*_RELATED)
        .order_by("decision_date", "pk")
    )
    if not later:
        return []
    before = Decision.objects.select_related(*_RELATED).in_bulk([d.earlier_id for d in later])
    return [UpheldAgain(_repeated(d), _repeated(before[d.earlier_id])) for d in later]


def _in_service_areas(home: Organisation, start: date, end: date, decisions: QuerySet) -> list:
    """One query for the upheld decisions, since 24 months before ``start``, that share
    their service area and category with an upheld decision on another complaint; the
    exact 24 months (calendar months, as people count them) are then checked on those
    few rows."""
    first = start - relativedelta(months=REPEAT_MONTHS)
    upheld = decisions.filter(
        _about(home),
        outcome=UPHELD,
        decision_date__range=(first, end),
        complaint__service_area__isnull=False,
        complaint__category__isnull=False,
    )
    same_fault = upheld.filter(
        complaint__service_area=OuterRef("complaint__service_area"),
        complaint__category=OuterRef("complaint__category"),
    ).exclude(complaint=OuterRef("complaint"))
    rows = (
        upheld.filter(Exists(same_fault)).select_related(*_RELATED).order_by("decision_date", "pk")
    )
    groups: dict[tuple[int, int], list[Decision]] = {}
    for decision in rows:
        complaint = decision.complaint
        groups.setdefault((complaint.service_area_id, complaint.category_id), []).append(decision)
    repeats = []
    for group in groups.values():
        flagged: dict[int, Decision] = {}
        for later in group:
            if not start <= later.decision_date <= end:
                continue
            since = later.decision_date - relativedelta(months=REPEAT_MONTHS)
            partners = [
                d
                for d in group
                if d.complaint_id != later.complaint_id and since <= d.decision_date
                and (d.decision_date, d.pk) < (later.decision_date, later.pk)
            ]  # fmt: skip
            if partners:
                flagged |= {d.pk: d for d in (*partners, later)}
        if flagged:
            chosen = sorted(flagged.values(), key=lambda d: (d.decision_date, d.pk))
            first_one = _repeated(chosen[0])
            repeats.append(
                AreaRepeat(
                    first_one.service_area,
                    first_one.category,
                    [_repeated(d) for d in chosen],
                )
            )
    return sorted(repeats, key=lambda r: (r.service_area, r.category))


def repeat_faults(*, start: date, end: date, decisions: QuerySet | None = None) -> RepeatFaults:
    """The repeat faults whose later decision is dated from ``start`` to ``end``, among
    ``decisions`` (those a person may see; all by default). Four queries at most."""
    home = home_authority()
    if home is None:
        return RepeatFaults(start, end)
    decisions = Decision.objects.all() if decisions is None else decisions
    return RepeatFaults(
        start,
        end,
        _upheld_again(home, start, end, decisions),
        _in_service_areas(home, start, end, decisions),
    )
