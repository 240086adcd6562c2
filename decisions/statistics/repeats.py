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

The dashboard's latest repeat faults of every decision are read from what is kept of
them (``repeats_kept``, worked out by the functions below), once it is built.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Window

from ombudsman.statements import built_once

from ..models import Category, Complaint, Decision, KeptRepeat, Organisation, ServiceArea
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


def _repeated_row(row: tuple) -> RepeatedDecision:
    """From a row of ``_in_service_areas``' query (every one has its service area and
    category)."""
    pk, _, day, _, _, reference, directorate, service, parent, category = row
    return RepeatedDecision(
        pk,
        reference,
        day,
        ServiceArea.name_of(directorate, service),
        Category.name_of(parent, category),
    )


_RELATED = ("complaint__service_area", "complaint__category__parent")


def _upheld_before(complaints: Q) -> Subquery:
    """The latest upheld decision, before the outer one, on the complaints that
    ``complaints`` picks out (one probe of the ``decision_latest`` index per complaint)."""
    before = Q(decision_date__lt=OuterRef("decision_date")) | Q(
        decision_date=OuterRef("decision_date"), pk__lt=OuterRef("pk")
    )
    latest = (
        Decision.objects.filter(complaints, before, outcome=UPHELD)
        .order_by("-decision_date", "-pk")
        .values("pk")[:1]
    )
    return Subquery(latest)


def _later(home: Organisation, start: date, end: date, decisions: QuerySet) -> QuerySet:
    """The upheld decisions of ``start`` to ``end`` with the latest earlier upheld one each
    points to (``same_id``, ``related_id``), in no order.

    The earlier one is looked for on the same complaint and on its related complaints
    apart, the later of the two winning: asked as one condition ("this complaint or a
    related one") the database could use no index and read every earlier upheld decision
    for each later one."""
    related = Complaint.related.through.objects.filter(
        to_complaint=OuterRef(OuterRef("complaint"))
    ).values("from_complaint")
    return (
        decisions.filter(_about(home), outcome=UPHELD, decision_date__range=(start, end))
        .annotate(
            same_id=_upheld_before(Q(complaint=OuterRef("complaint"))),
            related_id=_upheld_before(Q(complaint__in=related)),
        )
        .filter(Q(same_id__isnull=False) | Q(related_id__isnull=False))
        .select_related(*_RELATED)
    )


def _pairs(later: list) -> list[UpheldAgain]:
    """Each of ``later`` (from ``_later``) with its earlier decision: one query."""
    if not later:
        return []
    before = Decision.objects.select_related(*_RELATED).in_bulk(
        {pk for d in later for pk in (d.same_id, d.related_id) if pk is not None}
    )
    out = []
    for d in later:
        earlier = _latest_earlier(d.same_id, d.related_id, before)
        out.append(UpheldAgain(_repeated(d), _repeated(earlier)))
    return out


def _latest_earlier(same_id: int | None, related_id: int | None, before: dict):
    """Of the two earlier upheld decisions ``_later`` found for a later one (on the same
    complaint, on a related one), the later, from ``before`` (decisions by pk)."""
    found = [before[pk] for pk in (same_id, related_id) if pk is not None]
    return max(found, key=lambda e: (e.decision_date, e.pk))


def _upheld_again(home: Organisation, start: date, end: date, decisions: QuerySet) -> list:
    """Two queries: the later decisions with the latest earlier upheld one each points
    to, oldest first, then those earlier decisions."""
    return _pairs(list(_later(home, start, end, decisions).order_by("decision_date", "pk")))


def _first_day(start: date) -> date:
    """The first day whose decisions can be the earlier ones of a repeat in a service
    area whose later decision is from ``start``."""
    return start - relativedelta(months=REPEAT_MONTHS)


def _area_rows(home: Organisation, start: date, end: date, decisions: QuerySet) -> QuerySet:
    """The upheld decisions, since 24 months before ``start``, with a service area and a
    category, as plain rows (the few columns the check and the list need) in (date, pk)
    order."""
    return (
        decisions.filter(
            _about(home),
            outcome=UPHELD,
            decision_date__range=(_first_day(start), end),
            complaint__service_area__isnull=False,
            complaint__category__isnull=False,
        )
        .order_by("decision_date", "pk")
        .values_list(
            "pk",
            "complaint_id",
            "decision_date",
            "complaint__service_area_id",
            "complaint__category_id",
            "complaint__reference",
            "complaint__service_area__directorate",
            "complaint__service_area__service",
            "complaint__category__parent__name",
            "complaint__category__name",
        )
    )


def _in_groups(groups: Iterable[tuple[int, int]], path: str = "complaint__") -> Q:
    """The decisions on complaints of these (service area, category) pairs (``path``
    leads to the service area and category)."""
    found = Q(pk__in=[])
    for area, category in sorted(groups):
        found |= Q(**{f"{path}service_area_id": area, f"{path}category_id": category})
    return found


def _groups(rows) -> list[list[tuple]]:
    """The rows per service area and category, each group's in (date, pk) order: "before"
    a decision is "earlier in its list"."""
    groups: dict[tuple[int, int], list[tuple]] = {}
    for row in rows:
        groups.setdefault((row[3], row[4]), []).append(row)
    return list(groups.values())


class _Since:
    """The first day of the 24 months before a day (calendar months, as people count
    them), remembered: many decisions share a day, and relativedelta is slow."""

    def __init__(self) -> None:
        self.back = relativedelta(months=-REPEAT_MONTHS)
        self.days: dict[date, date] = {}

    def __call__(self, day: date) -> date:
        if day not in self.days:
            self.days[day] = day + self.back
        return self.days[day]


def _flagged(group: list[tuple], start: date, end: date, since: _Since) -> list[int]:
    """The indexes, in order, of a group's decisions that are part of a repeat: each
    decision of ``start`` to ``end`` with a decision on another complaint in the 24 months
    before it (found by bisection), and those decisions."""
    days = [row[2] for row in group]
    flagged: set[int] = set()
    for index, (_, complaint, day, *_) in enumerate(group):
        if not start <= day <= end:
            continue
        first = bisect_left(days, since(day), hi=index)
        partners = {i for i in range(first, index) if group[i][1] != complaint}
        if partners:
            flagged |= partners | {index}
    return sorted(flagged)


def _repeats_before(group: list[tuple], since: _Since) -> Callable[[int], bool]:
    """Whether a group's decision (by index) repeats one before it: whether there is a
    decision on another complaint in the 24 months before it (a partner, as ``_flagged``
    lists them); from one pass over the group, not a look at every pair."""
    # For each decision: the latest one before it on another complaint, or -1.
    other = []
    latest = -1
    for index, row in enumerate(group):
        if index and group[index - 1][1] != row[1]:
            latest = index - 1
        other.append(latest)

    def repeats(index: int) -> bool:
        before = other[index]
        return before >= 0 and group[before][2] >= since(group[index][2])

    return repeats


def _latest_repeat(group: list[tuple], start: date, end: date, since: _Since) -> int | None:
    """The index of the group's newest decision that is part of a repeat (as ``_flagged``
    finds them: always a later decision, as each earlier one is before a later one), or
    None."""
    repeats = _repeats_before(group, since)
    for index in range(len(group) - 1, -1, -1):
        day = group[index][2]
        if day < start:
            return None
        if day <= end and repeats(index):
            return index
    return None


def _area_repeat(group: list[tuple], flagged: list[int]) -> AreaRepeat:
    chosen = [_repeated_row(group[i]) for i in flagged]
    return AreaRepeat(chosen[0].service_area, chosen[0].category, chosen)


def _in_service_areas(home: Organisation, start: date, end: date, decisions: QuerySet) -> list:
    """One query for the rows (``_area_rows``); the exact 24 months are checked per
    service area and category on those rows, and only the decisions that are repeats are
    made into entries."""
    since = _Since()
    repeats = []
    for group in _groups(_area_rows(home, start, end, decisions)):
        flagged = _flagged(group, start, end, since)
        if flagged:
            repeats.append(_area_repeat(group, flagged))
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


@dataclass(frozen=True)
class LatestRepeatFaults:
    """The ``shown`` latest repeat faults of each kind, newest first (repeats in a service
    area by their newest decision), and how many there are in all (``count``)."""

    start: date
    end: date
    upheld_again: list[UpheldAgain]
    in_service_areas: list[AreaRepeat]
    count: int

    def __bool__(self) -> bool:
        return self.count > 0


def _every(decisions: QuerySet | None) -> bool:
    """Whether ``decisions`` are every decision (those who see every case see these)."""
    return decisions is None or (decisions.model is Decision and not decisions.query.has_filters())


def _latest_in_areas(rows: Iterable[tuple], start: date, end: date, shown: int):
    """The ``shown`` latest repeats in a service area of the ``rows`` (``_area_rows``),
    newest first, and how many there are: each service area and category is checked in
    one pass, and only the repeats shown are listed in full."""
    since = _Since()
    latest = []  # ((day, pk) of its newest decision, group)
    for group in _groups(rows):
        index = _latest_repeat(group, start, end, since)
        if index is not None:
            latest.append(((group[index][2], group[index][0]), group))
    latest.sort(key=lambda found: found[0], reverse=True)
    areas = [_area_repeat(g, _flagged(g, start, end, since)) for _, g in latest[:shown]]
    return areas, len(latest)


# A decision's columns in the kept rows' statements, from ``decision`` or ``earlier``.
_KEPT_COLUMNS = (
    "",
    "__complaint__reference",
    "__decision_date",
    "__complaint__service_area__directorate",
    "__complaint__service_area__service",
    "__complaint__category__parent__name",
    "__complaint__category__name",
)


def _kept_repeated(row: tuple) -> RepeatedDecision:
    """A decision from its ``_KEPT_COLUMNS``, named as ``_repeated`` names it."""
    pk, reference, decided, directorate, service, parent, category = row
    return RepeatedDecision(
        pk,
        reference,
        decided,
        ServiceArea.name_of(directorate, service) if directorate is not None else "No service area",
        Category.name_of(parent, category) if category is not None else "No category",
    )


# The dashboard's questions of the kept rows depend only on the period and how many are
# shown: built once per day, not per request (``ombudsman.statements``).
@built_once()
def _kept_again(start: date, end: date, shown: int) -> QuerySet:
    """The latest ``shown`` decisions of the period upheld again, with the decision each
    repeats, and how many there are (the last column)."""
    return (
        KeptRepeat.objects.filter(decision_date__range=(start, end), earlier__isnull=False)
        .annotate(total=Window(Count("pk")))
        .order_by("-decision_date", "-decision")
        .values_list(
            *(f"{side}{column}" for side in ("decision", "earlier") for column in _KEPT_COLUMNS),
            "total",
        )[:shown]
    )


@built_once()
def _kept_groups(start: date, end: date) -> QuerySet:
    """The service areas and categories with a repeat in the period, and the newest day of
    each."""
    return (
        KeptRepeat.objects.filter(decision_date__range=(start, end), in_area=True)
        .values_list("service_area", "category")
        .annotate(newest=Max("decision_date"))
        .order_by()
    )


@built_once()
def _kept_in_groups(groups: tuple[tuple[int, int], ...], start: date, end: date) -> QuerySet:
    """The decisions of these service areas and categories as ``_area_rows`` gives them,
    from the kept rows (the same groups are shown until a new repeat comes)."""
    return (
        KeptRepeat.objects.filter(
            _in_groups(groups, path=""), decision_date__range=(_first_day(start), end)
        )
        .order_by("decision_date", "decision")
        .values_list(
            "decision",
            "decision__complaint_id",
            "decision_date",
            "service_area",
            "category",
            "decision__complaint__reference",
            "service_area__directorate",
            "service_area__service",
            "category__parent__name",
            "category__name",
        )
    )


def _latest_kept(
    home: Organisation, start: date, end: date, shown: int
) -> tuple[list[UpheldAgain], int, list[AreaRepeat], int]:
    """``latest_repeat_faults`` of every decision, from what is kept (``KeptRepeat``): the
    latest upheld again with their earlier decisions and their number (one query), the
    service areas and categories with a repeat and the newest day of each (one query),
    and the decisions of those whose newest day is among the ``shown`` newest (one
    query), checked and listed as from the records."""
    again = _kept_again(start, end, shown).rows()
    pairs = [UpheldAgain(_kept_repeated(row[:7]), _kept_repeated(row[7:14])) for row in again]
    groups = _kept_groups(start, end).rows()
    areas: list[AreaRepeat] = []
    if groups and shown > 0:
        newest = sorted((day for *_, day in groups), reverse=True)
        boundary = newest[min(shown, len(newest)) - 1]  # groups of that day may tie
        chosen = [(area, category) for area, category, day in groups if day >= boundary]
        rows = _kept_in_groups(tuple(sorted(chosen)), start, end).rows()
        areas, _ = _latest_in_areas(rows, start, end, shown)
    return pairs, again[0][-1] if again else 0, areas, len(groups)


def latest_repeat_faults(
    *, start: date, end: date, shown: int, decisions: QuerySet | None = None
) -> LatestRepeatFaults:
    """The latest of ``repeat_faults``, each the same as there (a test compares them),
    and their number, at the cost of those shown: the database counts the complaints
    upheld again and returns the latest only; each service area and category is checked
    in one pass, and only the repeats shown are listed in full. The same queries as
    ``repeat_faults``.

    Of every decision, when the repeats are kept (``repeats_kept``): the kept rows of
    the period say which decisions are repeats, so only the shown are read, whatever the
    number of decisions."""
    home = home_authority()
    if home is None:
        return LatestRepeatFaults(start, end, [], [], 0)
    if home.repeats_kept and _every(decisions):  # type: ignore[attr-defined]
        pairs, again, areas, in_areas = _latest_kept(home, start, end, shown)
        return LatestRepeatFaults(start, end, pairs, areas, again + in_areas)
    decisions = Decision.objects.all() if decisions is None else decisions
    later = list(
        _later(home, start, end, decisions)
        .annotate(total=Window(Count("pk")))
        .order_by("-decision_date", "-pk")[:shown]
    )
    again = later[0].total if later else 0
    areas, in_areas = _latest_in_areas(_area_rows(home, start, end, decisions), start, end, shown)
    return LatestRepeatFaults(start, end, _pairs(later), areas, again + in_areas)
