"""Querysets the ORM compiles once per process, then run with each request's values.

For the small, indexed look-ups a reader page makes, building and compiling a
queryset costs Django several times what running its SQL costs the database (a
story by its slug: about 0.4 ms of Python against 0.07 ms in PostgreSQL). A
PreparedQuery has the ORM build and compile the queryset once, with stand-in
values where the request's values go, finds those stand-ins among the compiled
parameters, and from then on runs the same SQL with the real values. Rows become
what the queryset would have given: model instances (with their select_related
objects and annotations), or tuples for a values_list().

    STORY = PreparedQuery(
        lambda slug, now: Article.objects.published(now).filter(slug=slug)[:1],
        slug=str, now=datetime,
    )
    STORY.run(slug="a-story", now=timezone.now())  # [<Article: …>] or []

Values may be str, int, datetime, or a list of int ([int]; one compilation per
length; with an empty list a filter asks the database nothing, as in the ORM). A
queryset whose value the ORM does not pass through as a parameter (a
`__startswith`, say) cannot be prepared: compiling it raises
ValueError, at the first run, in every test that reaches it. Prefetching is not
done here; run a second prepared query and give its rows with `prefetched()`.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Stand-ins no real value is likely to equal; ints stay inside the 32-bit range, since the
# ORM treats a lookup beyond a field's range as one that matches nothing.
_STAND_INS: dict[type, Callable[[int], object]] = {
    str: lambda n: f"\x00prepared-value-{n}\x00",
    int: lambda n: 2_147_400_000 + n,
    datetime: lambda n: datetime(1901, 2, 3, 4, 5, 6, 100_000 + n, tzinfo=UTC),
}


def _same(value):
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (position in params, name, index in a list value or None, adapt)
    make: Callable[[list], list]


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], **types):
        """`build(**stand_ins)` gives the queryset; `types`: each value's type (str, int, datetime, [int])."""
        for name, kind in types.items():
            element = kind[0] if isinstance(kind, list) else kind
            if element not in _STAND_INS or (isinstance(kind, list) and element is not int):
                raise TypeError(f"{name}: a prepared value is str, int, datetime or [int], not {kind!r}")
        self.build = build
        self.types = types
        self._compiled: dict[tuple, _Compiled] = {}

    def run(self, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        shape = tuple(
            len(values[name]) if isinstance(kind, list) else None for name, kind in self.types.items()
        )
        compiled = self._compiled.get((using, shape))
        if compiled is None:
            compiled = self._compiled[(using, shape)] = self._compile(using, shape)
        if not compiled.sql:
            return []
        params = list(compiled.params)
        for position, name, index, adapt in compiled.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = adapt(value)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.make(rows)

    def _compile(self, using: str, shape: tuple) -> _Compiled:
        numbers = itertools.count()
        stand_ins: dict[str, object] = {}
        wanted: dict[object, tuple[str, int | None]] = {}
        for (name, kind), length in zip(self.types.items(), shape, strict=True):
            if isinstance(kind, list):
                values = [_STAND_INS[kind[0]](next(numbers)) for _ in range(length)]
                stand_ins[name] = values
                wanted.update({value: (name, i) for i, value in enumerate(values)})
            else:
                stand_ins[name] = value = _STAND_INS[kind](next(numbers))
                wanted[value] = (name, None)
        queryset = self.build(**stand_ins)
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. an empty list for __in: the ORM asks the database nothing either
            return _Compiled("", (), (), lambda rows: [])
        adapted = {}  # a datetime as the backend's parameter (text on SQLite)
        for value, place in wanted.items():
            if isinstance(value, datetime):
                adapted[connection.ops.adapt_datetimefield_value(value)] = place
        slots, found = [], set()
        for position, param in enumerate(params):
            try:
                place, adapt = wanted.get(param), _same
                if place is None and param in adapted:
                    place, adapt = adapted[param], connection.ops.adapt_datetimefield_value
            except TypeError:  # an unhashable parameter (a list for = ANY) holds no stand-in
                continue
            if place is not None:
                slots.append((position, *place, adapt))
                found.add(place)
        missing = set(wanted.values()) - found
        if missing:
            names = ", ".join(sorted({name for name, _ in missing}))
            raise ValueError(f"{names}: the compiled query does not take these values as parameters")
        return _Compiled(sql, tuple(params), tuple(slots), _maker(queryset, compiler, using))


def _maker(queryset: QuerySet, compiler, using: str) -> Callable[[list], list]:
    """What turns fetched rows into the queryset's results: instances, or tuples for values_list()."""
    if queryset._prefetch_related_lookups:
        raise ValueError("a prepared query does not prefetch; run another and use prefetched()")
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("a prepared query does not select composite primary keys")
    converters = compiler.get_converters(fields)  # as results_iter() would, worked out once

    def converted(rows):
        return compiler.apply_converters(rows, converters) if converters else rows

    if queryset._iterable_class is ValuesListIterable:
        query = queryset.query
        if list(queryset._fields) != [*query.extra_select, *query.values_select, *query.annotation_select]:
            raise ValueError("a prepared values_list() takes plain fields, in the order they are selected")
        return lambda rows: [tuple(row) for row in converted(rows)] if converters else rows
    if queryset._iterable_class is not ModelIterable:
        raise ValueError("a prepared query gives model instances or a values_list()")

    # As ModelIterable makes instances, with what it works out per query done once.
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map or {}
    model, fetch_mode = klass_info["model"], queryset._fetch_mode
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    field_names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using, fetch_mode)

    def instances(rows: list) -> list[Model]:
        made = []
        for row in converted(rows):
            instance = model.from_db(using, field_names, row[start:end], fetch_mode=fetch_mode)
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    return instances


def prefetched(instance: Model, name: str, model: type[Model], related: list) -> None:
    """Give `instance.<name>.all()` the rows `related`, as prefetch_related() would, without a query."""
    queryset = model._default_manager.all()
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
