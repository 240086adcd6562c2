"""Statements built once and run on every request.

A page that asks the same questions on every request (the dashboard's figures, say) has
the ORM build the same SQL each time, and building it can cost more CPU than the
database takes to answer. A ``Statement`` is a queryset's SQL, parameters and the
conversions of its values (dates on SQLite, say), taken once; ``built_once`` keeps the
statements a function builds from its arguments, for functions whose queryset depends on
nothing but those arguments (no ids read from the database, no settings that tests
change): the same arguments, the same SQL. A statement written around the ORM's own SQL
(``Statement.written``) is kept the same way.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

P = ParamSpec("P")


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    alias: str
    compiler: SQLCompiler | None = None
    converters: dict = field(default_factory=dict)

    @classmethod
    def of(cls, queryset: QuerySet) -> "Statement":
        """``queryset``'s statement: a ``values_list()`` one (its rows are tuples)."""
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return cls(sql, tuple(params), queryset.db, compiler, compiler.get_converters(fields))

    @classmethod
    def written(cls, sql: str, params: tuple, alias: str) -> "Statement":
        """SQL written around the ORM's (its parameters apart): its values as the
        database driver gives them, unconverted."""
        return cls(sql, tuple(params), alias)

    def rows(self) -> list[tuple]:
        """The statement's rows, each value as the ORM would give it."""
        return self._run()[1]

    def named_rows(self) -> list[dict]:
        """The rows as dicts, by the names of the statement's columns."""
        names, rows = self._run()
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _run(self) -> tuple[list[str], list[tuple]]:
        with planned_once(self.alias) as cursor:
            cursor.execute(self.sql, self.params)
            names = [column[0] for column in cursor.description]  # DB-API: (name, ...)
            rows: Any = cursor.fetchall()
        if self.compiler is not None and self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return names, [tuple(row) for row in rows]


def planned_once(alias: str) -> CursorWrapper:
    """A cursor of the database ``alias`` (Django's, so its queries are logged and counted
    as any other) whose statements PostgreSQL plans once per connection: each is prepared
    (bound on the server, not in the text), and run again by name with new values.

    For the statements built once (``built_once``): on little data PostgreSQL took longer
    to plan the dashboard's than to run them (its two kept statements, 2.6 ms as plain
    SQL, 0.9 ms prepared, on the demo data); on much data it plans each run for its
    values where that is better (``plan_cache_mode`` auto), as before. Django leaves
    prepared statements off for connection poolers that cannot keep them; PgBouncer can
    from 1.21 (``max_prepared_statements``). Other databases: a plain cursor."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _Prepared(connection.connection)
        return connection._prepare_cursor(cursor)  # type: ignore[attr-defined]  # noqa: SLF001


class _Prepared(ServerBindingCursor):
    """psycopg's cursor that binds on the server, preparing every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)

    def _maybe_prepare_gen(self, pgq, *, prepare=None, binary=None):
        # The statement Django logs as run (its last_executed_query reads it): psycopg
        # keeps it only for a statement it does not prepare.
        self._query = pgq
        return super()._maybe_prepare_gen(pgq, prepare=prepare, binary=binary)


def built_once(
    maxsize: int = 8,
) -> Callable[[Callable[P, QuerySet | Statement]], Callable[P, Statement]]:
    """A decorator: the function's queryset (or statement), as a ``Statement`` kept for
    the ``maxsize`` latest arguments (which must be hashable)."""

    def decorate(build: Callable[P, QuerySet | Statement]) -> Callable[P, Statement]:
        @functools.lru_cache(maxsize=maxsize)
        @functools.wraps(build)
        def statement(*args: P.args, **kwargs: P.kwargs) -> Statement:
            built = build(*args, **kwargs)
            return built if isinstance(built, Statement) else Statement.of(built)

        return statement  # type: ignore[return-value]

    return decorate
