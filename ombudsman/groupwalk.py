"""The group walk: a page of a list sorted by a related record's fields (the agreed actions
by organisation, service area, owner, or their complaint's reference) read group by group,
rather than by sorting every matching row.

The plain ORDER BY of such a sort joins the other table and sorts all the rows the
filters match before it can return the first 25 (seconds at national scale). But the
rows of one group (one organisation) are in an index of their own in the order they sort
within it (organisation, date in force, id). So the groups are read in the sort's order
and, for each, its matching rows from that index, in order, until the page is full:

    SELECT x.id FROM (SELECT id, name FROM organisation ORDER BY name) grp
    CROSS JOIN LATERAL (<the filtered rows' own SQL, with organisation_id = grp.id,
                         ORDER BY in_force, id LIMIT offset + 25>) x
    ORDER BY grp.name, x.in_force, x.id LIMIT 25 OFFSET offset

A nested loop keeps the order of the groups it reads, so PostgreSQL sorts only within a
group (an incremental sort) and stops at the group that fills the page: the first pages
read a few groups and a few index entries; a page deep in the list reads the rows before
it, once. The inner SQL is the filtered queryset itself, so every filter and who may see
what stay defined once.

It gives exactly the plain ORDER BY's order (the tests compare the two) when:
- the group's fields tell its records apart (a unique name, a directorate and service,
  a user name last): else the plain order would interleave two groups' rows;
- the rows with no group (no owner) come last both ways: the walk ends with them, as
  NULLS LAST puts them; the groups' own fields are never empty.

Descending, the groups are read from the end and each group's rows from an index in
that order (DESC NULLS LAST, ``ombudsman.indexes.SortIndex``).

What it costs: the index entries of the groups it walks through, up to the page's end,
including the rows the filters drop (while the list shows the council's actions, another
body's group is read through to find none). The indexes hold the status and the dates
(remedies.models), so those entries are read from the index alone where autovacuum has
marked the table's pages all-visible. A filter that leaves few rows spread over many
groups makes a walk long: ``ombudsman.listing.SortedRows`` then sorts plainly.

PostgreSQL only: SQLite (the embedded default, with a council's data) keeps the plain
ORDER BY."""

from collections.abc import Sequence

from django.db.models import BooleanField, F, IntegerField, OrderBy, QuerySet
from django.db.models.expressions import RawSQL


def _order(names: Sequence[str], descending: bool) -> list[OrderBy]:
    return [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in names
    ]


def _said(column: str, descending: bool) -> str:
    return f"{column} {'DESC' if descending else 'ASC'} NULLS LAST"


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def walk_sql(
    rows: QuerySet,
    *,
    group: str,
    ordering: Sequence[str],
    descending: bool,
    offset: int,
    limit: int,
    many_groups: bool = False,
) -> tuple[str, tuple]:
    """The SQL (and its parameters) of the ids of ``rows[offset:offset + limit]`` sorted
    by ``ordering`` (ascending or descending, empty values last), read group by group.

    ``group`` is the path from a row to the record it is grouped by ("owner",
    "decision__complaint"); ``ordering`` starts with that record's fields
    ("owner__last_name", ...) and goes on with the row's own ("in_force", "id").
    ``many_groups``: the groups are as many as the rows (complaints), and read in order
    from an index on their fields, both ways (``SortIndex``) as far as the page needs;
    else (tens of organisations or owners) they are read whole and sorted first."""
    prefix = f"{group}__"
    leading = 0
    while leading < len(ordering) and ordering[leading].startswith(prefix):
        leading += 1
    fields = [name.removeprefix(prefix) for name in ordering[:leading]]
    within = list(ordering[leading:])
    if not fields or not within or any(name.startswith(prefix) for name in within):
        raise ValueError(f"{ordering!r} does not start with, and only with, {group}'s fields")

    model, nullable = rows.model, False
    for part in group.split("__"):
        field = model._meta.get_field(part)
        nullable = nullable or field.null
        model = field.related_model

    # The groups in the sort's order: their fields (g0, g1...) and key (gk).
    group_columns = {f"g{i}": F(name) for i, name in enumerate(fields)}
    groups = model._base_manager.order_by().values(**group_columns, gk=F("pk"))
    groups_sql, groups_params = _sql(groups)
    if nullable:
        # The rows with no group, last: a group of its own whose fields are empty.
        empty = ", ".join(f"NULL AS {name}" for name in [*group_columns, "gk"])
        groups_sql = f"({groups_sql}) UNION ALL (SELECT {empty})"
    group_order = ", ".join(_said(f"grp.{name}", descending) for name in group_columns)
    if not many_groups:
        # Sorted whole, first (tens of organisations or owners): in order for the walk
        # whatever the indexes of their table. Read from the FROM clause unordered, they
        # would be walked in order only if an index gave that order, else read all, each
        # group's rows too, and sorted after.
        groups_sql = f"SELECT * FROM ({groups_sql}) grp ORDER BY {group_order}"  # noqa: S608 (the SQL of querysets)
    # Else (as many as the rows: complaints) part of the outer query, planned with its
    # LIMIT: read in order from an index on their fields, as far as the page needs; a
    # subquery of their own would be planned to be read whole, and sorted.

    # A group's matching rows in their order within it (w0, w1...), and their ids (wk);
    # the rows before the page's are read too, as the page may start in any group.
    row_columns = {f"w{i}": F(name) for i, name in enumerate(within)}
    key = RawSQL("grp.gk", (), output_field=IntegerField())
    if "__" in group:
        # Through another table (a complaint's actions, through its decisions): a few
        # rows, found from the key and sorted as read.
        in_group = {f"{group}__pk": key}
        in_order = _order(within, descending)
    else:
        # The row's own column (organisation_id), the first of an index in the order
        # the rows sort within a group. Said as a range of one value, and sorted by that
        # column first, for PostgreSQL to read that index and no other: told "=", it
        # estimates a group to hold the column's average share of the rows (all of them
        # where nearly every action is the council's), and may read another index in
        # the within-group order instead, dropping the other groups' rows as it goes
        # (every open action, for a group with none). The range and the order are the
        # same on that index, where any other index needs every row of the group sorted.
        column = rows.model._meta.get_field(group).attname
        in_group = {f"{column}__gte": key, f"{column}__lte": key}
        in_order = _order([column, *within], descending)
    members = rows.select_related(None).order_by(*in_order).values(**row_columns, wk=F("pk"))
    depth = offset + limit
    members_sql, members_params = _sql(members.filter(**in_group)[:depth])
    members_sql = f"({members_sql})"
    if nullable:
        # Read only for the empty group (its key NULL: a condition PostgreSQL checks once
        # per group, before reading anything), from the same index (IS NULL).
        is_empty = RawSQL("grp.gk IS NULL", (), output_field=BooleanField())
        empty_sql, empty_params = _sql(
            members.filter(is_empty, **{f"{group}__isnull": True})[:depth]
        )
        members_sql = f"{members_sql} UNION ALL ({empty_sql})"
        members_params += empty_params

    outer_order = ", ".join(
        [group_order, *(_said(f"x.{name}", descending) for name in row_columns)]
    )
    sql = (
        f"SELECT x.wk FROM ({groups_sql}) grp CROSS JOIN LATERAL ({members_sql}) x "  # noqa: S608 (the SQL of querysets)
        f"ORDER BY {outer_order} LIMIT %s OFFSET %s"
    )
    return sql, (*groups_params, *members_params, limit, offset)
