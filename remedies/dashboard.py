"""Reads for the overdue-remedy dashboard: its headline figures, the breakdowns of what is
overdue, and its charts.

Every figure is counted in the database (one query for the headline figures and the
chart series: conditional aggregates over the open actions and over those done in the
period, side by side; one GROUP BY per breakdown), so the dashboard costs the same
few queries however many actions there are. The conditions are the agreed actions' own
(``remedies.models``: ``overdue_q``, ``due_soon_q``, ``completed_late_q``...), and the
action list's filters use the same ones: the list behind a figure always holds exactly
the rows counted.

The chart builders take the figures and today's date only, so the PDF reports can draw
the same charts (``Chart.data_uri``) for any set of actions.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Count,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)

from decisions.models import Enquiry, EnquiryQuerySet, Organisation, ServiceArea
from decisions.statistics.repeats import (
    REPEAT_MONTHS,
    AreaRepeat,
    LatestRepeatFaults,
    RepeatedDecision,
    RepeatFaults,
    UpheldAgain,
    latest_repeat_faults,
    repeat_faults,
)
from ombudsman import statements
from ombudsman.charts import Chart, Series, bar_chart, horizontal_bar_chart
from ombudsman.figures import counted, percent
from ombudsman.people import name_in_row, name_order
from ombudsman.timing import (
    DUE_SOON_DAYS,
    due_soon_until,
    ombudsman_year_bounds,
    ombudsman_year_label,
    ombudsman_year_of,
)

from .models import (
    ActionTallyState,
    AgreedAction,
    AgreedActionQuerySet,
    CompletionTally,
    OpenActionTally,
    completed_late_q,
    completed_on_time_q,
    due_soon_q,
    overdue_q,
    owed_by_council_q,
)
from .tally import not_yet_overdue

CHART_WEEKS = 12
CHART_QUARTERS = 4
NONE = "none"  # the filter value for "no service area" and "no owner"

# Days past the date in force: (filter value, label, first day, last day or None).
AGE_BANDS = [
    ("1-7", "1 to 7 days", 1, 7),
    ("8-30", "8 to 30 days", 8, 30),
    ("31-90", "31 to 90 days", 31, 90),
    ("over-90", "Over 90 days", 91, None),
]

# The bands but the oldest end within this many days of today: the kept figures read the
# actions dated in that window, and count the oldest band as what is overdue less them.
OLDEST_BAND = next(key for key, *_, last in AGE_BANDS if last is None)
WINDOW_DAYS = max(last for *_, last in AGE_BANDS if last is not None)

OPEN = Q(status=AgreedAction.Status.OPEN)
DONE = Q(status=AgreedAction.Status.DONE)


# The age bands, shared with remedies/filters.py. Each needs the ``in_force`` annotation.


def age_band_q(key: str, today: date) -> Q:
    _, _, first, last = next(band for band in AGE_BANDS if band[0] == key)
    q = OPEN & Q(in_force__lte=today - timedelta(days=first))
    if last is not None:
        q &= Q(in_force__gte=today - timedelta(days=last))
    return q


def week_starts(today: date, weeks: int = CHART_WEEKS) -> list[date]:
    """The Mondays of this week and the following ``weeks - 1`` weeks."""
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(weeks=n) for n in range(weeks)]


def last_quarters(today: date, quarters: int = CHART_QUARTERS) -> list[tuple[date, date]]:
    """Calendar quarters (which are also the Ombudsman's), oldest first, ending with the
    quarter ``today`` falls in (counted to date)."""
    year, index = today.year, (today.month - 1) // 3
    out = []
    for _ in range(quarters):
        start = date(year, index * 3 + 1, 1)
        end = date(year + 1, 1, 1) if index == 3 else date(year, index * 3 + 4, 1)
        out.append((start, end - timedelta(days=1)))
        index -= 1
        if index < 0:
            year, index = year - 1, 3
    return out[::-1]


def quarter_label(start: date, end: date) -> str:
    return f"{start:%b}–{end:%b %Y}"


# The figures.


@dataclass
class Bucket:
    """One figure of a breakdown and the action-list filters that give its rows."""

    label: str
    count: int
    params: dict[str, str]
    short_label: str = ""  # for a chart's axis, where space is short

    @property
    def query_string(self) -> str:
        return urlencode(self.params)


@dataclass
class Week:
    starts: date
    count: int


@dataclass
class Quarter:
    starts: date
    ends: date
    on_time: int
    late: int

    @property
    def label(self) -> str:
        return quarter_label(self.starts, self.ends)


@dataclass
class Dashboard:
    today: date
    open: int
    overdue: int
    due_soon: int
    due_soon_until: date
    completed_late: int
    year_starts: date
    year_ends: date
    enquiries_past_due: int
    unpaid: Decimal
    by_age: list[Bucket]
    by_service_area: list[Bucket]
    by_owner: list[Bucket]
    by_organisation: list[Bucket]
    weeks: list[Week]
    quarters: list[Quarter]
    # The action-list filters behind each headline figure (enquiries have no list).
    links: dict[str, dict[str, str]] = field(default_factory=dict)
    due_soon_days: int = DUE_SOON_DAYS
    everyone: bool = False  # every organisation's actions, not only the council's

    @property
    def queries(self) -> dict[str, str]:
        """The action-list query string behind each headline figure."""
        return {name: urlencode(params) for name, params in self.links.items()}

    @property
    def breakdowns(self) -> list[tuple[str, str, str, list[Bucket]]]:
        """(id, caption, heading of the first column, buckets) of each breakdown."""
        return [
            ("by-age", "By days overdue", "Days overdue", self.by_age),
            ("by-service-area", "By service area", "Service area", self.by_service_area),
            ("by-owner", "By owner", "Owner", self.by_owner),
            ("by-organisation", "By organisation", "Organisation", self.by_organisation),
        ]

    @property
    def year_label(self) -> str:
        return ombudsman_year_label(ombudsman_year_of(self.year_starts))

    def charts(self) -> list[tuple[Chart, str]]:
        """Each chart with the heading of its category column."""
        return [
            (overdue_by_area_chart(self.by_service_area, self.overdue), "Service area"),
            (due_by_week_chart(self.weeks), "Week beginning"),
            (completed_by_quarter_chart(self.quarters), "Quarter"),
        ]


def _row_sql(**parts: tuple[QuerySet, dict]) -> tuple[str, tuple, str]:
    """The one statement of ``_row``: its SQL, its parameters and the database alias."""
    sqls, params = [], []
    for name, (queryset, aggregates) in parts.items():
        one = queryset.order_by().values(_one=Value(1))  # no GROUP BY: one row
        sql, part_params = one.annotate(**aggregates).values(*aggregates).query.sql_with_params()
        sqls.append(f"({sql}) AS {name}")
        params.extend(part_params)
    # The ORM's own SQL with its parameters apart, and our own names.
    return "SELECT * FROM " + " CROSS JOIN ".join(sqls), tuple(params), queryset.db  # noqa: S608


def _one_row(sql: str, params: tuple, alias: str) -> dict:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]  # DB-API: (name, ...)
        return dict(zip(names, cursor.fetchone(), strict=True))


def _row(**parts: tuple[QuerySet, dict]) -> dict:
    """One query: the ``aggregate()`` of each queryset of ``parts`` (a queryset and its
    aggregates), side by side in one row. Each part is a scan of its own rows only, by
    the index that fits them, and tests only its own conditions on them."""
    return _one_row(*_row_sql(**parts))


def _windows(today: date) -> dict[str, tuple[date, date]]:
    """The figures of open actions that are a window of their date in force (its first
    and last day): due soon, the weeks charted (only what is still to come: what fell
    due earlier this week is overdue) and the age bands but the oldest (within
    ``WINDOW_DAYS`` of today)."""
    windows = {"due_soon": (today, due_soon_until(today))}  # as ``due_soon_q``
    for n, monday in enumerate(week_starts(today)):
        windows[f"week:{n}"] = (max(monday, today), monday + timedelta(days=6))
    for key, _, first, last in AGE_BANDS:  # as ``age_band_q``
        if last is not None:
            windows[f"age:{key}"] = (today - timedelta(days=last), today - timedelta(days=first))
    return windows


def _done_windows(today: date) -> tuple[tuple[date, date], list[tuple[date, date]]]:
    """The year counted for "completed late" and the charted quarters."""
    return ombudsman_year_bounds(ombudsman_year_of(today)), last_quarters(today)


def _headline(actions: AgreedActionQuerySet, today: date) -> dict:
    """One query: the headline figures, the age bands and the chart series."""
    (year_starts, year_ends), quarters = _done_windows(today)
    # Of open actions (read through their partial index).
    of_open = {
        "open": Count("id"),
        "overdue": Count("id", filter=overdue_q(today)),
        "unpaid": Sum(
            "amount", filter=Q(kind=AgreedAction.Kind.FINANCIAL), default=Decimal("0.00")
        ),
        **{
            name: Count("id", filter=OPEN & Q(in_force__range=window))
            for name, window in _windows(today).items()
            if name != "due_soon"
        },
        "due_soon": Count("id", filter=due_soon_q(today)),
        f"age:{OLDEST_BAND}": Count("id", filter=age_band_q(OLDEST_BAND, today)),
    }
    # Of done actions completed in the year or the charted quarters (read through
    # ``action_done_completed``): not every action ever done.
    of_done = {
        "completed_late": Count(
            "id", filter=completed_late_q() & Q(completed_on__range=(year_starts, year_ends))
        )
    }
    for n, (starts, ends) in enumerate(quarters):
        in_quarter = Q(completed_on__range=(starts, ends))
        of_done[f"on_time:{n}"] = Count("id", filter=completed_on_time_q() & in_quarter)
        of_done[f"late:{n}"] = Count("id", filter=completed_late_q() & in_quarter)
    done_from, done_to = min(year_starts, quarters[0][0]), max(year_ends, quarters[-1][1])
    actions = actions.with_in_force()
    return _row(
        open_actions=(actions.filter(OPEN), of_open),
        done_actions=(actions.filter(DONE, completed_on__range=(done_from, done_to)), of_done),
    )


# The kept statements below depend on nothing but their arguments (no ids, nothing read
# from the database: whose actions count is a subquery), so each is built once per day
# and choice of whose actions, not on every request: the ORM took longer building them
# than PostgreSQL takes running them (about 10 ms of CPU a dashboard).
_BUILT_PER_DAY = 8


@statements.built_once(_BUILT_PER_DAY)
def _kept_headline_statement(today: date, everyone: bool) -> statements.Statement:
    """``_kept_headline``'s statement."""
    (year_starts, year_ends), quarters = _done_windows(today)
    tallies, completions = OpenActionTally.objects.all(), CompletionTally.objects.all()
    actions = AgreedAction.objects.with_in_force()
    if not everyone:
        tallies, completions = (
            tallies.filter(owed_by_council_q()),
            completions.filter(owed_by_council_q()),
        )
        actions = actions.owed_by_council()
    of_tallies = {
        "open": Sum("open", default=0),
        "dated": Sum("dated", default=0),
        "unpaid": Sum("unpaid", default=Decimal("0.00")),
    }
    of_done = {
        "completed_late": Sum(
            "late", filter=Q(completed_on__range=(year_starts, year_ends)), default=0
        )
    }
    for n, (starts, ends) in enumerate(quarters):
        in_quarter = Q(completed_on__range=(starts, ends))
        of_done[f"on_time:{n}"] = Sum("on_time", filter=in_quarter, default=0)
        of_done[f"late:{n}"] = Sum("late", filter=in_quarter, default=0)
    done_from, done_to = min(year_starts, quarters[0][0]), max(year_ends, quarters[-1][1])
    return statements.Statement.written(
        *_row_sql(
            tallies=(tallies, of_tallies),
            completions=(completions.filter(completed_on__range=(done_from, done_to)), of_done),
        )
    )


def _kept_headline(today: date, everyone: bool, days: dict[date, int]) -> dict:
    """One query: ``_headline``'s figures from the kept tallies (``remedies.tally``) and
    ``days``, the open actions dated from the oldest window on (``_kept_overdue_by``), by
    day: overdue is every open action with a date less those not yet overdue (due today
    or later), the oldest age band what is overdue less the other bands."""
    (figures,) = _kept_headline_statement(today, everyone).named_rows()
    for name, (first, last) in _windows(today).items():
        figures[name] = sum(n for day, n in days.items() if first <= day <= last)
    not_yet = sum(n for day, n in days.items() if day >= today)
    figures["overdue"] = figures.pop("dated") - not_yet
    figures[f"age:{OLDEST_BAND}"] = figures["overdue"] - sum(
        figures[f"age:{key}"] for key, *_ in AGE_BANDS if key != OLDEST_BAND
    )
    return figures


def _overdue_by(
    actions: AgreedActionQuerySet, today: date, key: str, model: type[Model], names: list[str]
) -> list[dict]:
    """One query: overdue actions counted per value of ``key`` (a foreign key to
    ``model``), most first, with the ``names`` of what it points to
    (``service_area__service``: the ``service`` of the ``service_area``).

    Counted first, named after: each name is looked up once per line of the breakdown,
    not joined to every overdue action (half the query's time at 600,000 actions)."""
    named = {}
    for i, name in enumerate(names):
        field = name.rsplit("__", 1)[1]
        lookup = model._default_manager.filter(pk=OuterRef(key)).order_by().values(field)
        named[f"name_{i}"] = Subquery(lookup)
    rows = (
        actions.overdue_on(today)
        .values(key)
        .annotate(n=Count("id"))
        .annotate(**named)
        .order_by("-n", *(F(alias).asc(nulls_last=True) for alias in named), key)
    )
    return [
        {key: row[key], "n": row["n"], **{name: row[f"name_{i}"] for i, name in enumerate(names)}}
        for row in rows
    ]


def _breakdowns(
    actions: AgreedActionQuerySet, today: date
) -> tuple[list[dict], list[dict], list[dict]]:
    """Three queries: what is overdue by service area, by owner and by organisation."""
    areas = _overdue_by(
        actions, today, "service_area_id", ServiceArea,
        ["service_area__directorate", "service_area__service"],
    )  # fmt: skip
    owners = _overdue_by(actions, today, "owner_id", get_user_model(), name_order("owner"))
    organisations = _overdue_by(
        actions, today, "organisation_id", Organisation, ["organisation__name"]
    )
    return areas, owners, organisations


# Each breakdown's names, in the order ``_overdue_by`` sorts by them: (the key, the
# names' columns), each column as (the breakdown's field, the statement's column).
_BREAKDOWNS = (
    ("service_area_id", (("service_area__directorate", "a.directorate"),
                         ("service_area__service", "a.service"))),
    ("owner_id", tuple((field, f"u.{field.rsplit('__', 1)[1]}") for field in name_order("owner"))),
    ("organisation_id", (("organisation__name", "o.name"),)),
)  # fmt: skip
_BREAKDOWN_KEYS = {"service_area_id": "a.id", "owner_id": "u.id", "organisation_id": "o.id"}
_NAMES = max(len(columns) for _, columns in _BREAKDOWNS)


@statements.built_once(_BUILT_PER_DAY)
def _kept_overdue_by_statement(today: date, everyone: bool) -> statements.Statement:
    """``_kept_overdue_by``'s statement."""
    tallies = OpenActionTally.objects.filter(dated__gt=0)
    opened = AgreedAction.objects.open().with_in_force()
    if not everyone:
        tallies, opened = tallies.filter(owed_by_council_q()), opened.owed_by_council()
    tallied, tallied_params = (
        tallies.order_by()
        .values("organisation_id", "service_area", "owner", "dated")
        .query.sql_with_params()
    )
    not_yet, not_yet_params = (
        not_yet_overdue(opened, today)
        .order_by()
        .values("organisation_id", "service_area_id", "owner_id")
        .annotate(n=Count("id"))
        .values("organisation_id", "service_area_id", "owner_id", "n")
        .query.sql_with_params()
    )
    # From the date-in-force index, in its order: a row a day.
    oldest = min(first for first, _ in _windows(today).values())
    by_day, by_day_params = (
        opened.filter(in_force__gte=oldest)
        .order_by()
        .values("in_force")
        .annotate(n=Count("id"))
        .values("in_force", "n")
        .query.sql_with_params()
    )
    q = connections[tallies.db].ops.quote_name
    user = get_user_model()
    area, person, body = (q(m._meta.db_table) for m in (ServiceArea, user, Organisation))

    def column(name: str) -> str:  # "u.last_name": the user model's column, quoted
        table, field = name.split(".")
        if table == "u":
            field = user._meta.get_field(field).column  # type: ignore[assignment,union-attr]
        return f"{table}.{q(field)}"

    # Each breakdown as (breakdown, key, its names padded to _NAMES, number, NULL); then
    # the open actions by day as (_BREAKDOWNS' length, NULL, NULLs, number, day). The
    # sums are cast back to whole numbers (PostgreSQL's SUM of bigint is numeric).
    # Each breakdown is counted first, named after: the rows added up per key, then each key
    # looked up once and added up again per record found, so that the rows of an owner
    # since deleted (whose actions now have none) count with those of no owner.
    looked_up = {
        "service_area_id": ("area", f"LEFT JOIN {area} a ON a.id = k.counted"),
        "owner_id": ("owner", f"LEFT JOIN {person} u ON u.id = k.counted"),
        "organisation_id": ("organisation_id", f"JOIN {body} o ON o.id = k.counted"),
    }
    parts = []
    for which, (key, names) in enumerate(_BREAKDOWNS):
        named = [column(c) for _, c in names] + ["NULL"] * (_NAMES - len(names))
        grouped = ", ".join([column(_BREAKDOWN_KEYS[key]), *named[: len(names)]])
        raw, join = looked_up[key]
        parts.append(
            f"SELECT {which} AS breakdown, {column(_BREAKDOWN_KEYS[key])} AS line, "  # noqa: S608
            + "".join(f"{c} AS name_{i}, " for i, c in enumerate(named))
            + "CAST(SUM(k.n) AS BIGINT) AS n, CAST(NULL AS DATE) AS day "  # noqa: S608
            f"FROM (SELECT {raw} AS counted, SUM(n) AS n FROM t GROUP BY {raw}) k {join} "
            f"GROUP BY {grouped}"
        )
    nothing = "NULL, " * _NAMES
    parts.append(f"SELECT {len(_BREAKDOWNS)}, NULL, {nothing}n, in_force FROM ({by_day}) d")  # noqa: S608
    names_order = ", ".join(f"{n + 3} NULLS LAST" for n in range(_NAMES))
    # Sorted as ``_overdue_by`` sorts (by the database's collation): most first, then
    # the names, then the key.
    sql = f"""
        WITH t AS (
            SELECT organisation_id, service_area AS area, owner, dated AS n FROM ({tallied}) k
            UNION ALL
            SELECT organisation_id, service_area_id, owner_id, -n FROM ({not_yet}) f
        )
        SELECT * FROM ({" UNION ALL ".join(parts)}) r WHERE n > 0
        ORDER BY 1, {_NAMES + 3} DESC, {names_order}, 2 NULLS LAST, {_NAMES + 4}
    """  # noqa: S608 - the ORM's SQL with its parameters apart, and quoted names
    return statements.Statement.written(
        sql, (*tallied_params, *not_yet_params, *by_day_params), tallies.db
    )


def _kept_overdue_by(
    today: date, everyone: bool
) -> tuple[list[dict], list[dict], list[dict], dict[date, int]]:
    """One query: ``_overdue_by``'s three breakdowns (service area, owner, organisation)
    from the kept tallies: per tally row, its open actions with a date, and per the same
    key, less, those of them not yet overdue (dated today or later, read from the
    date-in-force index), added up per breakdown with the names of what each line is of,
    in ``_overdue_by``'s order; and the open actions dated from the oldest of the
    headline's windows on (``_windows``), by day."""
    found: tuple[list[dict], list[dict], list[dict]] = ([], [], [])
    days: dict[date, int] = {}
    for which, key, *names, n, day in _kept_overdue_by_statement(today, everyone).rows():
        if which == len(_BREAKDOWNS):
            # SQLite gives the ISO text of a date.
            days[day if isinstance(day, date) else date.fromisoformat(day)] = n
            continue
        column, fields = _BREAKDOWNS[which]
        found[which].append(
            {column: key, "n": n, **{field: names[i] for i, (field, _) in enumerate(fields)}}
        )
    return (*found, days)


def dashboard(
    *,
    today: date,
    actions: AgreedActionQuerySet | None = None,
    enquiries: EnquiryQuerySet | None = None,
    everyone: bool = False,
    from_scratch: bool = False,
) -> Dashboard:
    """The dashboard's figures on ``today`` for those of ``actions`` (every action by
    default) that the council answers for, or for all of them when ``everyone`` (joint
    decisions' other bodies included), and for ``enquiries`` (every enquiry by default).

    Of every action, and once the tallies are kept (``remedies.tally``), three queries
    whatever the number of actions, each reading a few hundred rows; otherwise (or
    ``from_scratch``) five, counting the actions. The links are for the whole council
    whatever ``actions`` is given: the pages they open apply the same limits."""
    # The tallies are of every action: a view limited to some counts them.
    every_action = actions is None or not actions.query.has_filters()
    actions = AgreedAction.objects.all() if actions is None else actions
    if not everyone:
        actions = actions.owed_by_council()
    enquiries = Enquiry.objects.all() if enquiries is None else enquiries
    first: dict[str, tuple[QuerySet, dict]] = {
        "enquiries": (enquiries.past_due_on(today), {"past_due": Count("pk")})
    }
    if every_action and not from_scratch:
        kept = ActionTallyState.objects.filter(built_at__isnull=False)
        first["tallies"] = (kept, {"kept": Count("pk")})
    start = _row(**first)
    if start.get("kept"):
        areas, owners, organisations, days = _kept_overdue_by(today, everyone)
        figures = _kept_headline(today, everyone, days)
    else:
        figures = _headline(actions, today)
        areas, owners, organisations = _breakdowns(actions, today)
    # Every link opens the action list on the same organisations as the figures.
    whose = {"whose": "all"} if everyone else {}
    overdue = {"overdue": "yes", **whose}

    year_starts, year_ends = ombudsman_year_bounds(ombudsman_year_of(today))
    until = due_soon_until(today)
    return Dashboard(
        today=today,
        open=figures["open"],
        overdue=figures["overdue"],
        due_soon=figures["due_soon"],
        due_soon_until=until,
        completed_late=figures["completed_late"],
        year_starts=year_starts,
        year_ends=year_ends,
        enquiries_past_due=start["past_due"],
        unpaid=figures["unpaid"],
        by_age=[
            Bucket(label, figures[f"age:{key}"], {**overdue, "age": key})
            for key, label, *_ in AGE_BANDS
        ],
        by_service_area=[
            Bucket(
                ServiceArea.name_in_row(row) or "No service area",
                row["n"],
                {**overdue, "service_area": str(row["service_area_id"] or NONE)},
                row["service_area__service"] or "No service area",
            )
            for row in areas
        ],
        by_owner=[
            Bucket(
                name_in_row(row, "owner") or "No owner",
                row["n"],
                {**overdue, "owner": str(row["owner_id"] or NONE)},
            )
            for row in owners
        ],
        by_organisation=[
            Bucket(
                row["organisation__name"],
                row["n"],
                {**overdue, "organisation": str(row["organisation_id"])},
            )
            for row in organisations
        ],
        weeks=[Week(monday, figures[f"week:{n}"]) for n, monday in enumerate(week_starts(today))],
        quarters=[
            Quarter(starts, ends, figures[f"on_time:{n}"], figures[f"late:{n}"])
            for n, (starts, ends) in enumerate(last_quarters(today))
        ],
        everyone=everyone,
        links={
            "open": {"status": AgreedAction.Status.OPEN, **whose},
            "overdue": overdue,
            "due_soon": {
                "status": AgreedAction.Status.OPEN,
                "due_from": today.isoformat(),
                "due_to": until.isoformat(),
                **whose,
            },
            "completed_late": {
                "late": "yes",
                "completed_from": year_starts.isoformat(),
                "completed_to": year_ends.isoformat(),
                **whose,
            },
            "unpaid": {
                "status": AgreedAction.Status.OPEN,
                "kind": AgreedAction.Kind.FINANCIAL,
                **whose,
            },
        },
    )


# The charts.


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def overdue_by_area_chart(by_area: list[Bucket], overdue: int) -> Chart:
    """Bars of overdue actions per service area, most first."""
    if overdue:
        top = by_area[0].count
        leaders = [b.label for b in by_area if b.count == top]
        if len(leaders) == 1:
            description = f"{leaders[0]} has the most overdue actions: {top:,} of {overdue:,}."
        else:
            description = (
                f"{_join(leaders)} have the most overdue actions: {top:,} each of {overdue:,}."
            )
    else:
        description = "No actions are overdue."
    # The axis names the service alone (directorates make labels too long to read) unless
    # two directorates have a service of the same name; the table gives the full names.
    short = [b.short_label or b.label for b in by_area]
    categories = [
        s if short.count(s) == 1 else b.label for s, b in zip(short, by_area, strict=True)
    ]
    chart = horizontal_bar_chart(
        title="Overdue actions by service area",
        description=description,
        categories=categories,
        series=[Series("Overdue actions", [b.count for b in by_area])],
        slug="overdue-by-area",
    )
    chart.rows = [[b.label, b.count] for b in by_area]
    return chart


def due_by_week_chart(weeks: list[Week]) -> Chart:
    """Bars of open actions falling due in each week (from Monday; this week from today)."""
    total = sum(w.count for w in weeks)
    if total:
        busiest = max(weeks, key=lambda w: w.count)
        description = (
            f"{counted(total, 'open action')} fall{'s' if total == 1 else ''} due in the next "
            f"{len(weeks)} weeks. The busiest week is the one beginning "
            f"{busiest.starts:%-d %B %Y}, with {busiest.count:,}."
        )
    else:
        description = f"No open actions fall due in the next {len(weeks)} weeks."
    return bar_chart(
        title=f"Actions due each week for the next {len(weeks)} weeks",
        description=description,
        categories=[f"{w.starts:%-d %b}" for w in weeks],
        series=[Series("Actions due", [w.count for w in weeks])],
        slug="due-by-week",
    )


def completed_by_quarter_chart(quarters: list[Quarter]) -> Chart:
    """Grouped bars: actions completed on time and late in each quarter, oldest first."""
    on_time = sum(q.on_time for q in quarters)
    late = sum(q.late for q in quarters)
    done = on_time + late
    if done:
        latest = quarters[-1]
        description = (
            f"Of {counted(done, 'action')} completed in the last {len(quarters)} quarters, "
            f"{late:,} {'was' if late == 1 else 'were'} late ({percent(late, done)}%). "
            f"So far in {latest.label}: {latest.on_time:,} on time and {latest.late:,} late."
        )
    else:
        description = f"No actions were completed in the last {len(quarters)} quarters."
    return bar_chart(
        title="Actions completed on time and late, by quarter",
        description=description,
        categories=[q.label for q in quarters],
        series=[
            Series("On time", [q.on_time for q in quarters]),
            Series("Late", [q.late for q in quarters]),
        ],
        slug="completed-by-quarter",
    )


# The dashboard flags repeat faults: the most recent few of each kind, each with its latest
# decisions, and a link to them all. A council with many has hundreds (a page of links
# costing more than the rest of the dashboard), and the latest are the ones to act on.
REPEATS_SHOWN = 10
DECISIONS_SHOWN = 5


@dataclass(frozen=True)
class AreaRepeatShown:
    """A repeat in a service area as the dashboard lists it: its latest decisions."""

    repeat: AreaRepeat
    decisions: list[RepeatedDecision]  # oldest first, as in the full list

    @property
    def service_area(self) -> str:
        return self.repeat.service_area

    @property
    def category(self) -> str:
        return self.repeat.category

    @property
    def complaints(self) -> int:
        return self.repeat.complaints

    @property
    def not_shown(self) -> int:
        """Its earlier decisions, left out."""
        return len(self.repeat.decisions) - len(self.decisions)


@dataclass(frozen=True)
class RecentRepeats:
    """The repeat faults of the last 24 months as the dashboard shows them: every one
    (``everything``) as the full list has them, or the ``REPEATS_SHOWN`` latest of each
    kind, newest first, each repeat in a service area with its ``DECISIONS_SHOWN`` latest
    decisions."""

    faults: RepeatFaults | LatestRepeatFaults
    everything: bool = False
    shown: int = REPEATS_SHOWN

    @property
    def start(self) -> date:
        return self.faults.start

    @property
    def end(self) -> date:
        return self.faults.end

    @property
    def count(self) -> int:
        """Every repeat fault, shown or not."""
        return self.faults.count

    def __bool__(self) -> bool:
        return bool(self.faults)

    @property
    def upheld_again(self) -> list[UpheldAgain]:
        # Oldest first in the full list; the latest, newest first.
        return self.faults.upheld_again

    @property
    def in_service_areas(self) -> list[AreaRepeatShown]:
        found = self.faults.in_service_areas
        if self.everything:
            return [AreaRepeatShown(r, r.decisions) for r in found]
        return [AreaRepeatShown(r, r.decisions[-DECISIONS_SHOWN:]) for r in found]

    @property
    def not_shown(self) -> int:
        """Repeats left out of the dashboard's short lists."""
        return self.count - len(self.upheld_again) - len(self.in_service_areas)


def recent_repeat_faults(
    *, today: date, decisions: QuerySet, everything: bool = False
) -> RecentRepeats:
    """The dashboard's repeat faults: those whose later upheld decision is of the last 24
    months, among the decisions the person may see; the latest few (costing what is
    shown), or ``everything``."""
    start = today - relativedelta(months=REPEAT_MONTHS) + timedelta(days=1)
    if everything:
        return RecentRepeats(repeat_faults(start=start, end=today, decisions=decisions), True)
    latest = latest_repeat_faults(start=start, end=today, shown=REPEATS_SHOWN, decisions=decisions)
    return RecentRepeats(latest)
