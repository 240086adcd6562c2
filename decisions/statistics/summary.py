"""The annual statistics kept per Ombudsman year, so that the page reads a handful of rows
instead of counting five years of decisions and actions.

What is kept: each year's counts (``YearSummary``) and the lines of its breakdowns
(``YearBreakdown``), exactly what ``queries.year_counts`` and ``queries.breakdown_tallies``
count from the records. Every count is a sum over complaints, so a write that changes some
complaints' records changes the summaries by what those complaints count after the write
less what they counted before it. The writing services run inside
``year_summaries_kept(complaints=...)``:

1. on entering, each complaint about to change is locked and what it counts is worked
   out (the same queries, asked about those complaints only: a few index probes);
2. on leaving the outermost such block, still in its transaction, what they count now
   is worked out again and the difference added to the summaries' rows.

The same blocks keep each complaint's columns for the decisions list
(``decisions.complaint_columns``): on leaving the outermost block, the complaints it was
told of have theirs worked out again from their records (one UPDATE), whether or not the
summaries are kept; ``list_columns_rebuild`` does every complaint, nightly. They keep the
dashboard's action tallies (``remedies.tally``) too, as they keep the summaries, once
``year_summaries_rebuild`` has built them.

The same blocks keep the repeat faults (``repeats_kept``): on entering, each complaint's
scope (its related complaints, its service area and category) is noted; on leaving, the
kept rows of every decision in the scope before and after are worked out again. They are
rebuilt with the summaries and read only when both are built.

Nested blocks (a decision recorded within an import) join the outermost one, so a
complaint is counted once before and once after however many services touch it. A
complaint locked first is never counted twice by two writers at once; the additions are
single statements, so writes about different complaints never wait for one another.

``year_summaries_rebuild`` counts everything from scratch and replaces the summaries: the
nightly job (``decisions.rebuild_year_summaries``), the demo loader, and any change an
administrator makes to what every figure depends on (which organisation is the home
authority, an organisation's kind, a service area's or category's name). Until the first
rebuild, and whenever the home authority is not the one they were built for, nothing is
kept and the page counts from the records.
"""

import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import ParamSpec, TypeVar

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from ombudsman.timing import ombudsman_year_of
from ombudsman.upsert import upsert_add
from remedies.models import AgreedAction
from remedies.tally import Tally, tally_add, tally_counted, tally_kept, tally_rebuild

from ..complaint_columns import refresh_list_columns
from ..models import (
    Complaint,
    Decision,
    Enquiry,
    Organisation,
    YearBreakdown,
    YearSummary,
    YearSummaryState,
)
from .queries import COUNTS, breakdown_tallies, home_authority, kept_state, year_counts
from .repeats_kept import repeats_drift, repeats_rebuild, repeats_refresh, repeats_scope

YEAR_FIELDS = ("decisions_recorded", *COUNTS)
LINE_FIELDS = ("investigations", "upheld", "decisions")
# PostgreSQL advisory lock: writers share it, a rebuild takes it alone, so a rebuild
# never misses a write under way and no write lands in the middle of a rebuild.
LOCK_KEY = 1_017_017


@dataclass
class Counted:
    """What some complaints count: per year, and per breakdown line."""

    years: dict[int, dict[str, int]] = field(default_factory=dict)
    lines: dict[tuple[str, int, str], dict[str, int]] = field(default_factory=dict)

    def add(self, other: "Counted", sign: int = 1) -> None:
        for mine, theirs, names in (
            (self.years, other.years, YEAR_FIELDS),
            (self.lines, other.lines, LINE_FIELDS),
        ):
            for key, values in theirs.items():
                total = mine.setdefault(key, dict.fromkeys(names, 0))  # type: ignore[arg-type]
                for name, n in values.items():
                    total[name] += sign * n


def _year_span(complaints: Collection[int] | None) -> tuple[int, int] | None:
    """The first and last Ombudsman year in which anything of ``complaints`` (of every
    complaint when None) can count: from its earliest decision to the latest date of
    its actions (completed, evidence sent, due, extended) and enquiries (answered).
    Every count is of a row dated within that span. Three queries."""
    decisions = Decision.objects.all()
    actions = AgreedAction.objects.all()
    enquiries = Enquiry.objects.all()
    if complaints is not None:
        decisions = decisions.filter(complaint_id__in=complaints)
        actions = actions.filter(decision__complaint_id__in=complaints)
        enquiries = enquiries.filter(complaint_id__in=complaints)
    days: list[date | None] = [
        *decisions.aggregate(a=Min("decision_date"), b=Max("decision_date")).values(),
        *actions.aggregate(
            a=Min("decision_date"),
            b=Max("completed_on"),
            c=Max("evidence_sent_on"),
            d=Max("due_date"),
            e=Max("extended_due_date"),
        ).values(),
        *enquiries.aggregate(a=Min("answered_on"), b=Max("answered_on")).values(),
    ]
    years = [ombudsman_year_of(day) for day in days if day is not None]
    return (min(years), max(years)) if years else None


def counted(home: Organisation | None, complaints: Collection[int] | None) -> Counted:
    """What ``complaints`` count (every complaint when None), in every year they can
    count in: the queries that count from scratch, asked about them only."""
    span = _year_span(complaints)
    if span is None:
        return Counted()
    first, last = span
    years = year_counts(home, first, last, complaints=complaints, recorded=True)
    lines = {}
    if home is not None:
        lines = breakdown_tallies(home, first, last, complaints=complaints)
    return Counted(
        years=years,
        lines={
            key: {name: values.get(name, 0) for name in LINE_FIELDS}
            for key, values in lines.items()
        },
    )


# --- Keeping the summaries with each write --------------------------------------------------


@dataclass
class _Block:
    home: Organisation | None = None
    kept: bool = False
    complaints: set[int] = field(default_factory=set)
    before: Counted = field(default_factory=Counted)
    # The repeat faults (``repeats_kept``): whether kept, and the complaints' scope before.
    repeats: bool = False
    related: set[int] = field(default_factory=set)
    groups: set[tuple[int, int]] = field(default_factory=set)
    # The dashboard's action tallies (remedies.tally), kept by the same blocks.
    tallied: bool = False
    tally_before: Tally = field(default_factory=Tally)


_local = threading.local()


def _lock(shared: bool) -> None:
    if connection.vendor == "postgresql":  # SQLite writes one at a time anyway
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [LOCK_KEY])


@contextmanager
def year_summaries_kept(*, complaints: Iterable[int | None] = ()) -> Iterator[None]:
    """Run a write to the records of ``complaints`` (and of any complaint given to
    ``year_summaries_touch`` inside it) so that the year summaries follow it, in the same
    transaction. Give each complaint before changing anything of it."""
    if getattr(_local, "block", None) is not None:  # inside another: it keeps them
        year_summaries_touch(complaints)
        yield
        return
    with transaction.atomic(savepoint=False):
        block = _local.block = _Block()
        try:
            _lock(shared=True)
            block.home = home_authority()
            if block.home is not None:
                block.kept = block.home.statistics_kept  # type: ignore[attr-defined]
                block.repeats = block.home.repeats_kept  # type: ignore[attr-defined]
            else:
                block.kept = kept_state().exists()
            block.tallied = tally_kept()
            year_summaries_touch(complaints)
            yield
            # The list's columns of the same complaints, in the same transaction.
            refresh_list_columns(block.complaints)
            if block.kept and block.complaints:
                change = counted(block.home, block.complaints)
                change.add(block.before, sign=-1)
                _add(change)
            if block.repeats and block.complaints:
                repeats_refresh(block.home, block.complaints, (block.related, block.groups))
            if block.tallied and block.complaints:
                tally = tally_counted(block.complaints)
                tally.add(block.tally_before, sign=-1)
                tally_add(tally)
        finally:
            _local.block = None


P = ParamSpec("P")
R = TypeVar("R")


def keeps_year_summaries(
    complaints: Callable[..., Iterable[int | None]],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A writing service's decorator: it runs inside ``year_summaries_kept`` for the
    complaints that ``complaints`` names from the service's keyword arguments."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def keeping(*args: P.args, **kwargs: P.kwargs) -> R:
            with year_summaries_kept(complaints=complaints(**kwargs)):
                return service(*args, **kwargs)

        return keeping

    return decorate


def of_decision(*, decision: Decision, **_) -> list[int]:
    return [decision.complaint_id]


def of_action(*, action: AgreedAction, **_) -> list[int]:
    return complaints_of_actions([action.pk])


def year_summaries_touch(complaints: Iterable[int | None]) -> None:
    """Inside ``year_summaries_kept``: the records of ``complaints`` are about to change.
    Each is locked and counted the first time it is given."""
    block = getattr(_local, "block", None)
    if block is None:
        raise RuntimeError("year_summaries_touch is called inside year_summaries_kept.")
    new = {pk for pk in complaints if pk is not None} - block.complaints
    if not new:
        return
    block.complaints |= new
    # Two writers to one complaint take turns, each counting it (and working out its list
    # columns) after the other's change is committed.
    list(
        Complaint.objects.select_for_update()
        .filter(pk__in=new)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if block.kept:
        block.before.add(counted(block.home, new))
    if block.repeats:
        related, groups = repeats_scope(new)
        block.related |= related
        block.groups |= groups
    if block.tallied:
        block.tally_before.add(tally_counted(new))


def complaints_of_actions(actions: Iterable[int]) -> list[int]:
    return list(
        AgreedAction.objects.filter(pk__in=list(actions))
        .values_list("decision__complaint_id", flat=True)
        .distinct()
    )


def complaints_of_decisions(decisions: Iterable[int]) -> list[int]:
    return list(
        Decision.objects.filter(pk__in=list(decisions))
        .values_list("complaint_id", flat=True)
        .distinct()
    )


def _add(change: Counted) -> None:
    """Add ``change`` to the summaries' rows, in key order (two writers never wait for
    each other in opposite orders); lines left at nothing are removed."""
    years = [
        (year, *(values[n] for n in YEAR_FIELDS))
        for year, values in sorted(change.years.items())
        if any(values.values())
    ]
    lines = [
        (year, table, label, *(values[n] for n in LINE_FIELDS))
        for (table, year, label), values in sorted(
            change.lines.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])
        )
        if any(values.values())
    ]
    upsert_add(YearSummary, ("ombudsman_year",), YEAR_FIELDS, years)
    upsert_add(YearBreakdown, ("ombudsman_year", "table", "label"), LINE_FIELDS, lines)
    if lines:
        YearBreakdown.objects.filter(
            ombudsman_year__in={line[0] for line in lines},
            investigations=0,
            upheld=0,
            decisions=0,
        ).delete()


# --- Rebuilding them ------------------------------------------------------------------------


def year_summaries_rebuild() -> int:
    """Count every year from the records and replace the summaries with the result; from
    then on the writing services keep them. Returns the number of years kept.

    Inside a write's ``year_summaries_kept`` block it counts that write too (it is in the
    same transaction), and the block then adds nothing more."""
    with transaction.atomic():
        _lock(shared=False)
        home = home_authority()
        everything = counted(home, None)
        YearBreakdown.objects.all().delete()
        YearSummary.objects.all().delete()
        YearSummary.objects.bulk_create(
            YearSummary(ombudsman_year=year, **{n: values[n] for n in YEAR_FIELDS})
            for year, values in sorted(everything.years.items())
        )
        YearBreakdown.objects.bulk_create(
            YearBreakdown(
                ombudsman_year=year,
                table=table,
                label=label,
                **{n: values[n] for n in LINE_FIELDS},
            )
            for (table, year, label), values in sorted(everything.lines.items())
            if any(values.values())
        )
        repeats_rebuild(home)
        YearSummaryState.objects.update_or_create(
            pk=1,
            defaults={"home_authority": home, "built_at": timezone.now(), "repeats_built": True},
        )
        # The dashboard's action tallies, nightly with the summaries (under the same lock).
        tally_rebuild()
        block = getattr(_local, "block", None)
        if block is not None:
            block.kept = block.repeats = False
            block.tallied = False
    return len(everything.years)


def list_columns_rebuild(complaints: Iterable[int] | None = None) -> int:
    """Work out the decisions list's columns of ``complaints`` (of every complaint when
    None) from the records again, as no write is under way: the nightly job, and an
    administrator's renaming of a service area. Returns how many complaints changed (none,
    unless something was written around the services)."""
    with transaction.atomic():
        _lock(shared=False)
        return refresh_list_columns(complaints)


def year_summaries_drift() -> dict[str, list]:
    """What the kept summaries say that a count from scratch does not, by year and by
    breakdown line (empty when they agree): for the tests and for an administrator in
    doubt. Counts everything, as a rebuild does."""
    everything = counted(home_authority(), None)
    kept_years = {
        row.pop("ombudsman_year"): row
        for row in YearSummary.objects.values("ombudsman_year", *YEAR_FIELDS)
    }
    kept_lines = {
        (row.pop("table"), row.pop("ombudsman_year"), row.pop("label")): row
        for row in YearBreakdown.objects.values("table", "ombudsman_year", "label", *LINE_FIELDS)
    }
    zero_year = dict.fromkeys(YEAR_FIELDS, 0)
    zero_line = dict.fromkeys(LINE_FIELDS, 0)
    drift: dict[str, list] = defaultdict(list)
    if kept_state().filter(repeats_built=True).exists():
        # Each decision whose kept repeat faults differ: (decision, kept, fresh).
        drift["repeats"] = repeats_drift(home_authority())
    for year in sorted({*kept_years, *everything.years}):
        kept, fresh = kept_years.get(year, zero_year), everything.years.get(year, zero_year)
        if kept != fresh:
            drift["years"].append((year, kept, fresh))
    for key in sorted({*kept_lines, *everything.lines}):
        kept, fresh = kept_lines.get(key, zero_line), everything.lines.get(key, zero_line)
        if kept != fresh:
            drift["lines"].append((key, kept, fresh))
    return {kind: rows for kind, rows in drift.items() if rows}
