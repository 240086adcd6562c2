"""Indexes said the way each database takes them.

SortIndex: an index in the order a list sorts by: ascending, or descending with empty values last
(``ombudsman.listing.SortedFilterSet.sorted_qs``), so that a page of the list is the first
rows of the index.

PostgreSQL puts nulls first in a descending index unless told NULLS LAST; SQLite puts them
last by itself and refuses NULLS LAST in an index. So on SQLite the index is made without
it: the same order, said the way each database takes it."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import OrderBy


class SortIndex(models.Index):
    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite" or not self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *(
                OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
                for e in self.expressions
            ),
            name=self.name,
            condition=self.condition,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)


class TrigramIndex(GinIndex):
    """A trigram index of text (``OpClass(expression, name="gin_trgm_ops")``, pg_trgm's
    GIN operator class), which finds the rows whose text contains a search's words
    (``LIKE '%words%'``, what ``icontains`` asks) without reading every row. pg_trgm is
    created by the migration that first adds one (``TrigramExtension``, which does
    nothing on SQLite).

    SQLite has no such index (its LIKE reads every row) and no GIN: there the index is a
    plain one of the same expressions, so that the same migrations run on both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *(e.source_expressions[0] if isinstance(e, OpClass) else e for e in self.expressions),
            name=self.name,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
