"""Statements built once and run on every request.

A page that asks the same questions on every request (the dashboard's figures, say) has
the ORM build the same SQL each time, and building it can cost more CPU than the
database takes to answer. A ``Statement`` is a queryset's SQL, parameters and the
conversions of its values (dates on SQLite, say), taken once; ``built_once`` keeps the
statements a function builds from its arguments, for functions whose queryset depends on
nothing but those arguments (no ids read from the database, no settings that tests
change): the same arguments, the same SQL.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

P = ParamSpec("P")


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    alias: str
    compiler: SQLCompiler
    converters: dict

    @classmethod
    def of(cls, queryset: QuerySet) -> "Statement":
        """``queryset``'s statement: a ``values_list()`` one (its rows are tuples)."""
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return cls(sql, tuple(params), queryset.db, compiler, compiler.get_converters(fields))

    def rows(self) -> list[tuple]:
        """The statement's rows, each value as the ORM would give it."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows: Any = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [tuple(row) for row in rows]


def built_once(
    maxsize: int = 8,
) -> Callable[[Callable[P, QuerySet]], Callable[P, Statement]]:
    """A decorator: the function's queryset, as a ``Statement`` kept for the ``maxsize``
    latest arguments (which must be hashable)."""

    def decorate(build: Callable[P, QuerySet]) -> Callable[P, Statement]:
        @functools.lru_cache(maxsize=maxsize)
        @functools.wraps(build)
        def statement(*args: P.args, **kwargs: P.kwargs) -> Statement:
            return Statement.of(build(*args, **kwargs))

        return statement  # type: ignore[return-value]

    return decorate
