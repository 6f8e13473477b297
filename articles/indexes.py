"""Index classes the story model uses."""

from django.db import models
from django.db.models import OrderBy


class NewestFirstIndex(models.Index):
    """An index in NEWEST_FIRST order, so PostgreSQL reads a list's newest stories straight from it.

    SQLite refuses NULLS LAST in an index, and needs none: it sorts NULLs last in DESC by itself.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            parts = [
                OrderBy(part.expression, descending=part.descending) if isinstance(part, OrderBy) else part
                for part in self.expressions
            ]
            plain = models.Index(*parts, name=self.name, condition=self.condition)
            return plain.create_sql(model, schema_editor, using, **kwargs)
        return super().create_sql(model, schema_editor, using, **kwargs)
