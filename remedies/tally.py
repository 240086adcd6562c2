"""The dashboard's kept tallies of actions: the actions per organisation, service area and
owner (how many open, how many of them with a date in force, the unpaid amounts; how many
done and withdrawn), and the actions completed per organisation and day (on time and
late). With them the dashboard, and the actions list's count, read a few hundred rows,
not the hundreds of thousands of actions they count.

Nothing kept depends on the day. What is overdue on a day is worked out on reading
(``remedies.dashboard``): every open action with a date in force (``dated_q``: those
overdue on the last day there is) less those of them not yet overdue, which are few (due
from today on) and read from the date-in-force index.

Every figure is a sum over complaints' actions, so the writing services keep the tallies
as they keep the year summaries, in the same blocks (``decisions.statistics.summary``:
what the complaints written count before the write is taken away and what they count
after it added, in the same transaction). ``tally_rebuild`` counts everything from
scratch: nightly with the year summaries, and the demo loader. Until the first rebuild
nothing is kept and the dashboard counts from the records.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ombudsman.upsert import upsert_add

from .models import (
    ActionTallyState,
    AgreedAction,
    AgreedActionQuerySet,
    CompletionTally,
    OpenActionTally,
    completed_late_q,
    completed_on_time_q,
    overdue_q,
)

OPEN_FIELDS = ("open", "dated", "unpaid", "done", "withdrawn")
DONE_FIELDS = ("on_time", "late")
NONE = 0  # the key of "no service area" and "no owner"


def dated_q() -> Q:
    """Open with a date in force: overdue on some day (the last there is), whatever today
    is. Overdue on ``day`` are these less those of them ``not_overdue_q(day)``."""
    return overdue_q(date.max)


def not_yet_overdue(actions: AgreedActionQuerySet, today: date) -> AgreedActionQuerySet:
    """Of ``actions`` (``with_in_force``), those the tallies count as dated that are not
    overdue on ``today``: dated today or later, a range of the date-in-force index. The
    overdue actions of some tally lines are their dated ones less these, of the same
    lines."""
    return actions.filter(dated_q(), in_force__gte=today)


@dataclass
class Tally:
    """What some actions count: per (organisation, service area, owner), ``OPEN_FIELDS``
    (the open ones, and how many are done and withdrawn); per (organisation, completion
    date) of the done ones, ``DONE_FIELDS``."""

    open: dict[tuple[int, int, int], dict] = field(default_factory=dict)
    done: dict[tuple[int, date], dict] = field(default_factory=dict)

    def add(self, other: "Tally", sign: int = 1) -> None:
        pairs: list[tuple[dict, dict, tuple[str, ...]]] = [
            (self.open, other.open, OPEN_FIELDS),
            (self.done, other.done, DONE_FIELDS),
        ]
        for mine, theirs, names in pairs:
            for key, values in theirs.items():
                total = mine.setdefault(key, dict.fromkeys(names, 0))
                for name in names:
                    total[name] += sign * values[name]


def tally_kept() -> bool:
    return ActionTallyState.objects.filter(built_at__isnull=False).exists()


def tally_counted(complaints: Collection[int] | None = None) -> Tally:
    """What the actions of ``complaints`` (of every complaint when None) count: two
    queries, each a GROUP BY over those actions by the rules of ``remedies.models``."""
    actions = AgreedAction.objects.with_in_force()
    if complaints is not None:
        actions = actions.filter(decision__complaint_id__in=list(complaints))
    is_open = Q(status=AgreedAction.Status.OPEN)
    opened = (
        actions.order_by()
        .values("organisation_id", "service_area_id", "owner_id")
        .annotate(
            open=Count("id", filter=is_open),
            dated=Count("id", filter=dated_q()),
            unpaid=Sum(
                "amount",
                filter=is_open & Q(kind=AgreedAction.Kind.FINANCIAL),
                default=Decimal("0.00"),
            ),
            done=Count("id", filter=Q(status=AgreedAction.Status.DONE)),
            withdrawn=Count("id", filter=Q(status=AgreedAction.Status.WITHDRAWN)),
        )
    )
    done = (
        actions.filter(status=AgreedAction.Status.DONE)
        .order_by()
        .values("organisation_id", "completed_on")
        .annotate(
            on_time=Count("id", filter=completed_on_time_q()),
            late=Count("id", filter=completed_late_q()),
        )
    )
    return Tally(
        open={
            (r["organisation_id"], r["service_area_id"] or NONE, r["owner_id"] or NONE): {
                name: r[name] for name in OPEN_FIELDS
            }
            for r in opened
        },
        done={
            (r["organisation_id"], r["completed_on"]): {name: r[name] for name in DONE_FIELDS}
            for r in done
        },
    )


def open_tally_of(actions: list[AgreedAction]) -> Tally:
    """What ``actions`` (loaded) count of the tally per line, worked out from them by the
    model's own reading of the rules (``days_overdue`` on the last day there is:
    ``dated_q``), for a write that moves them between lines without a query."""
    tally = Tally()
    for action in actions:
        is_open = action.status == AgreedAction.Status.OPEN
        financial = is_open and action.kind == AgreedAction.Kind.FINANCIAL and action.amount
        tally.add(
            Tally(
                open={
                    (
                        action.organisation_id,
                        action.service_area_id or NONE,
                        action.owner_id or NONE,
                    ): {
                        "open": int(is_open),
                        "dated": int(action.days_overdue(date.max) > 0),
                        "unpaid": action.amount if financial else Decimal("0.00"),
                        "done": int(action.status == AgreedAction.Status.DONE),
                        "withdrawn": int(action.status == AgreedAction.Status.WITHDRAWN),
                    }
                }
            )
        )
    return tally


def open_tally_add_if_kept(change: Tally, sign: int = 1) -> None:
    """Add ``change`` (times ``sign``) to the tally per line if the tallies are kept:
    one statement, nothing when nothing changes. Lines left at nothing stay (readers and
    the drift check take them as nothing; the nightly rebuild leaves them out)."""
    rows = [
        (*key, *(sign * values[n] for n in OPEN_FIELDS))
        for key, values in sorted(change.open.items())
        if any(values.values())
    ]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(OpenActionTally._meta.db_table)
    state = q(ActionTallyState._meta.db_table)
    key = ("organisation_id", "service_area", "owner")
    columns = ", ".join(q(c) for c in (*key, *OPEN_FIELDS))
    values = ", ".join([f"({', '.join(['%s'] * len(rows[0]))})"] * len(rows))
    sums = ", ".join(f"{q(n)} = {table}.{q(n)} + excluded.{q(n)}" for n in OPEN_FIELDS)
    # Names from the models' metadata, quoted; every value a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT * FROM (VALUES {values}) AS v "  # noqa: S608
        f"WHERE EXISTS (SELECT 1 FROM {state} WHERE built_at IS NOT NULL) "
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {sums}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def tally_add(change: Tally) -> None:
    """Add ``change`` to the kept tallies, in key order (two writers never wait for each
    other in opposite orders); rows left at nothing are removed."""
    opened = [
        (*key, *(values[n] for n in OPEN_FIELDS))
        for key, values in sorted(change.open.items())
        if any(values.values())
    ]
    done = [
        (key[1], key[0], *(values[n] for n in DONE_FIELDS))
        for key, values in sorted(change.done.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if any(values.values())
    ]
    upsert_add(OpenActionTally, ("organisation_id", "service_area", "owner"), OPEN_FIELDS, opened)
    upsert_add(CompletionTally, ("completed_on", "organisation_id"), DONE_FIELDS, done)
    if opened:
        OpenActionTally.objects.filter(**dict.fromkeys(OPEN_FIELDS, 0)).delete()
    if done:
        CompletionTally.objects.filter(on_time=0, late=0).delete()


def tally_rebuild() -> None:
    """Count every action from the records and replace the tallies with the result; from
    then on the writing services keep them. Call it under the year summaries' lock
    (``decisions.statistics.summary.year_summaries_rebuild`` does)."""
    everything = tally_counted(None)
    OpenActionTally.objects.all().delete()
    CompletionTally.objects.all().delete()
    OpenActionTally.objects.bulk_create(
        OpenActionTally(
            organisation_id=organisation,
            service_area=area,
            owner=owner,
            **{n: values[n] for n in OPEN_FIELDS},
        )
        for (organisation, area, owner), values in sorted(everything.open.items())
    )
    CompletionTally.objects.bulk_create(
        CompletionTally(
            organisation_id=organisation, completed_on=day, **{n: values[n] for n in DONE_FIELDS}
        )
        for (organisation, day), values in sorted(everything.done.items())
    )
    ActionTallyState.objects.update_or_create(pk=1, defaults={"built_at": timezone.now()})


def tally_drift() -> dict[str, list]:
    """What the kept tallies say that a count from scratch does not (empty when they
    agree): for the tests and for an administrator in doubt."""
    fresh = tally_counted(None)
    kept = Tally(
        open={
            (r.pop("organisation_id"), r.pop("service_area"), r.pop("owner")): r
            for r in OpenActionTally.objects.values(
                "organisation_id", "service_area", "owner", *OPEN_FIELDS
            )
        },
        done={
            (r.pop("organisation_id"), r.pop("completed_on")): r
            for r in CompletionTally.objects.values("organisation_id", "completed_on", *DONE_FIELDS)
        },
    )
    drift: dict[str, list] = {}
    for kind, names in (("open", OPEN_FIELDS), ("done", DONE_FIELDS)):
        mine, theirs = getattr(kept, kind), getattr(fresh, kind)
        zero = dict.fromkeys(names, 0)
        rows = [
            (key, mine.get(key, zero), theirs.get(key, zero))
            for key in sorted({*mine, *theirs})
            if mine.get(key, zero) != theirs.get(key, zero)
        ]
        if rows:
            drift[kind] = rows
    return drift
