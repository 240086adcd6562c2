"""The repeat faults kept on the decisions that are repeats (``KeptRepeat``), so that the
dashboard reads the few it shows instead of checking every upheld decision of four years.

What is kept, for each upheld decision about the home authority that is upheld again or
has a service area and a category (``repeats``, where the rules are: this module only
runs them over other decisions): the earlier upheld decision it repeats on the same or a
related complaint, its complaint's service area and category, and whether it is upheld
there within 24 months of another complaint.
It is worked out by ``fresh``, the queries and checks of ``repeats`` over all time, and
kept as the year summaries are (``summary``), by the same blocks, with them:

1. on entering, each complaint about to change is given with its scope as it stands: the
   complaints related to it and its service area and category (``repeats_scope``);
2. on leaving, still in the write's transaction, the scope as it now stands is added,
   and the rows of the decisions on every complaint of the scope (the complaints, those
   related to them, every complaint of those service areas and categories) are worked out
   again and written where they changed (``repeats_refresh``).

A write to one complaint changes other complaints' repeats, hence the scope: its
decisions may be the earlier ones of a related complaint's, or the partners of other
complaints' in its service area and category, before the write and after it. Refreshes
take turns (a PostgreSQL advisory lock held to the end of the transaction), so each
works from every refresh committed before it, and a later one from this one's.

``year_summaries_rebuild`` rebuilds them with the summaries (nightly, and on any change
to which organisation is the home authority); until then they are not read.
``repeats_drift`` compares what is kept with ``fresh``.
"""

from collections.abc import Collection
from datetime import date

from django.db import connection
from django.db.models import Q

from ..models import Complaint, Decision, KeptRepeat, Organisation
from .repeats import (
    _area_rows,
    _groups,
    _in_groups,
    _later,
    _latest_earlier,
    _repeats_before,
    _Since,
)

# Every decision's date is within these (a repeat's earlier decision is looked for up to
# 24 months before the first).
FIRST, LAST = date(100, 1, 1), date(9999, 12, 31)
LOCK_KEY = 1_017_018  # next to the year summaries' (summary.LOCK_KEY)

# A decision's date, earlier decision, service area, category, and whether in_area.
Kept = tuple[date, int | None, int | None, int | None, bool]


def fresh(home: Organisation | None, complaints: Collection[int] | None) -> dict[int, Kept]:
    """What is kept for each decision on ``complaints`` (every decision when None) that is
    a repeat, by decision: worked out from the records by ``repeats``' own queries and
    checks, over all time. Three queries (two without a complaint upheld again)."""
    if home is None or (complaints is not None and not complaints):
        return {}
    decisions = Decision.objects.all()
    if complaints is not None:
        complaints = set(complaints)
        decisions = decisions.filter(complaint_id__in=complaints)
    rows: dict[int, list] = {}
    later = list(
        _later(home, FIRST, LAST, decisions).values_list(
            "pk", "decision_date", "same_id", "related_id"
        )
    )
    before = Decision.objects.only("decision_date").in_bulk(
        {pk for *_, same, related in later for pk in (same, related) if pk is not None}
    )
    for pk, day, same, related in later:
        rows[pk] = [day, _latest_earlier(same, related, before).pk, None, None, False]

    areas = Decision.objects.all()
    if complaints is not None:
        groups = (
            Complaint.objects.filter(
                pk__in=complaints, service_area__isnull=False, category__isnull=False
            )
            .values_list("service_area_id", "category_id")
            .distinct()
        )
        areas = areas.filter(_in_groups(groups))
    since = _Since()
    for group in _groups(_area_rows(home, FIRST, LAST, areas)):
        repeats = _repeats_before(group, since)
        for index, (pk, complaint, day, area, category, *_) in enumerate(group):
            if complaints is None or complaint in complaints:
                row = rows.setdefault(pk, [day, None, None, None, False])
                row[2:] = [area, category, repeats(index)]
    return {pk: tuple(row) for pk, row in rows.items()}


def _kept(complaints: Collection[int] | None) -> dict[int, Kept]:
    kept = KeptRepeat.objects.all()
    if complaints is not None:
        kept = kept.filter(decision__complaint_id__in=complaints)
    return {
        pk: tuple(rest)  # type: ignore[misc]
        for pk, *rest in kept.values_list(
            "decision_id",
            "decision_date",
            "earlier_id",
            "service_area_id",
            "category_id",
            "in_area",
        )
    }


def _differences(
    kept: dict[int, Kept], fresh_rows: dict[int, Kept]
) -> list[tuple[int, Kept | None, Kept | None]]:
    return [
        (pk, kept.get(pk), fresh_rows.get(pk))
        for pk in sorted({*kept, *fresh_rows})
        if kept.get(pk) != fresh_rows.get(pk)
    ]


def _write(home: Organisation | None, complaints: Collection[int] | None) -> int:
    """Work out the rows of the decisions on ``complaints`` (every one when None) and
    write those that changed. Returns how many changed."""
    changed = _differences(_kept(complaints), fresh(home, complaints))
    if changed:
        KeptRepeat.objects.filter(decision_id__in=[pk for pk, *_ in changed]).delete()
        KeptRepeat.objects.bulk_create(
            KeptRepeat(
                decision_id=pk,
                decision_date=row[0],
                earlier_id=row[1],
                service_area_id=row[2],
                category_id=row[3],
                in_area=row[4],
            )
            for pk, _, row in changed
            if row is not None
        )
    return len(changed)


def repeats_scope(complaints: Collection[int]) -> tuple[set[int], set[tuple[int, int]]]:
    """The complaints related to ``complaints`` (either way) and their service areas and
    categories, as they stand: what a change to them may change the repeats of. Two
    queries."""
    through = Complaint.related.through.objects
    related = set()
    for pair in through.filter(
        Q(from_complaint_id__in=complaints) | Q(to_complaint_id__in=complaints)
    ).values_list("from_complaint_id", "to_complaint_id"):
        related |= set(pair)
    groups = set(
        Complaint.objects.filter(
            pk__in=complaints, service_area__isnull=False, category__isnull=False
        ).values_list("service_area_id", "category_id")
    )
    return related, groups


def repeats_refresh(
    home: Organisation | None,
    complaints: Collection[int],
    before: tuple[set[int], set[tuple[int, int]]],
) -> int:
    """Inside a write's transaction, after it: the kept rows of every decision whose
    repeats the write to ``complaints`` may have changed, worked out again, given their
    scope as it was before (``repeats_scope``). Returns how many rows changed."""
    if connection.vendor == "postgresql":  # SQLite writes one at a time anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    related, groups = repeats_scope(complaints)
    related |= before[0]
    groups |= before[1]
    scope = set(complaints) | related
    if groups:
        scope |= set(
            Decision.objects.filter(_in_groups(groups)).values_list("complaint_id", flat=True)
        )
    return _write(home, scope)


def repeats_rebuild(home: Organisation | None) -> int:
    """Every decision's kept rows worked out again (the nightly rebuild, with the year
    summaries). Returns how many changed."""
    return _write(home, None)


def repeats_drift(home: Organisation | None) -> list[tuple[int, Kept | None, Kept | None]]:
    """Each decision whose kept row differs from what the records give: (decision, kept,
    fresh), empty when they agree. Checks everything, as a rebuild does."""
    return _differences(_kept(None), fresh(home, None))
