"""Queries whose SQL is compiled once per process and run again with new values.

Django compiles a queryset into SQL every time it runs: for the small fixed-shape queries of a page (an area's
convoys, its access incidents, its nearby incidents) that costs several times what the database spends on them.
``reused_rows`` compiles a ``values_list`` queryset once per shape and runs the SQL again with the values that
change from one call to the next (an area, a day) bound in place of its ``Slot`` objects; ``reused_records`` does
the same for a queryset of model instances, built as Django builds them (``select_related`` included).

What a reader may see is still decided by the selector that writes the queryset: the shape's key names the reader
class (``Audience.cache_key``), and every other value in the compiled SQL (the statuses a rule allows, a reader's
organizations) is part of the shape. The active language and time zone are added to the key, in case a value
compiled into the SQL depends on them. With ``AIDTRACK_CHECK_REUSED_SQL`` on (the test settings), every call
compiles the queryset again and fails if the SQL kept under its key differs: a key that does not name everything
the shape depends on is caught by the tests of every surface that uses it.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, Field
from django.db.models.query import ModelIterable, QuerySet, ValuesListIterable, get_related_populators
from django.utils import timezone
from django.utils.translation import get_language

# Shapes kept per connection object (each thread has its own): a reader class per organization set is a shape, so
# the number is bounded by the readers there are; the bound below only guards against a key built from a value.
MAX_SHAPES = 512


class ReusedSQLMismatch(RuntimeError):
    """The SQL kept under a key is not the SQL its queryset compiles to: the key misses something."""


class Slot(Expression):
    """A value of a query whose SQL is reused, given when the query runs: ``filter(area_id=Slot("area", field))``.

    ``output_field`` converts the value given for it as a column of that type would be (a date for SQLite). An
    integer slot is compared for equality (an id): a value no column of its type can hold matches nothing."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Slot({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [_Placeholder(self.name, self.output_field)]


@dataclass(frozen=True)
class _Placeholder:
    name: str
    field: Field


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the shape matches nothing (Django runs no query for it either)
    params: tuple  # None where a slot's value goes
    slots: tuple[tuple[int, str, Field], ...]  # (position in params, slot name, its field)
    converters: tuple
    records: "_Records | None" = None

    @property
    def shape(self) -> tuple:
        return self.sql, self.params, tuple((position, name) for position, name, _field in self.slots)


@dataclass(frozen=True)
class _Records:
    """How a row becomes a model instance, as Django's ``ModelIterable`` makes it."""

    model: type
    init_list: list[str]
    start: int
    end: int
    related_populators: list
    annotations: dict


_shapes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def reused_rows(key: tuple, build: Callable[[], QuerySet], *, using: str = "default", **values) -> list[tuple]:
    """The rows of ``build()`` (a ``values_list`` queryset whose varying values are ``Slot`` objects), each ``Slot``
    bound to the value named like it in ``values``: compiled on the first call with ``key`` in this process and
    connection, and only run on the next ones.

    ``key`` must name everything the queryset's shape depends on besides its slots: which query it is, and the
    reader class (``audience.cache_key``) when a visibility rule is part of it. ``build`` is called on the first
    call only (on every call with ``AIDTRACK_CHECK_REUSED_SQL``)."""
    compiled, connection = _compiled(key, build, using, ValuesListIterable)
    return [tuple(row) for row in _rows(key, compiled, connection, values)]


def reused_records(key: tuple, build: Callable[[], QuerySet], *, using: str = "default", **values) -> list:
    """As ``reused_rows``, for a queryset of model instances (``select_related``, ``only`` and ``defer`` as usual;
    not ``prefetch_related``, nor a related manager's queryset, whose known objects are not part of the SQL)."""
    compiled, connection = _compiled(key, build, using, ModelIterable)
    records = compiled.records
    instances = []
    for row in _rows(key, compiled, connection, values):
        instance = records.model.from_db(connection.alias, records.init_list, row[records.start : records.end])
        for populator in records.related_populators:
            populator.populate(row, instance)
        for name, position in records.annotations.items():
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances


def _compiled(key: tuple, build: Callable[[], QuerySet], using: str, iterable: type) -> tuple[_Compiled, object]:
    connection = connections[using]
    shapes = _shapes.setdefault(connection, {})
    full_key = (key, iterable.__name__, get_language(), timezone.get_current_timezone_name())
    compiled = shapes.get(full_key)
    if compiled is None or settings.AIDTRACK_CHECK_REUSED_SQL:
        fresh = _compile(build(), connection, iterable)
        if compiled is not None and fresh.shape != compiled.shape:
            raise ReusedSQLMismatch(
                f"The SQL kept under {key!r} is not what its queryset compiles to now: the key must name "
                f"everything the query depends on besides its slots.\nkept: {compiled.sql} {compiled.params}\n"
                f"now: {fresh.sql} {fresh.params}"
            )
        if compiled is None:
            if len(shapes) >= MAX_SHAPES:
                shapes.clear()
            shapes[full_key] = compiled = fresh
    return compiled, connection


def _rows(key: tuple, compiled: _Compiled, connection, values: dict) -> list:
    """The rows of the kept SQL with ``values`` bound, each a list of values converted as Django converts them."""
    if compiled.sql is None:
        return []
    names = {name for _position, name, _field in compiled.slots}
    if names != values.keys():
        raise TypeError(f"The query {key!r} has the slots {sorted(names)}, given {sorted(values)}.")
    params = list(compiled.params)
    for position, name, field in compiled.slots:
        value = values[name]
        if isinstance(value, int) and _out_of_range(value, field, connection):
            return []  # an id no column of its type can hold (one from a URL) matches nothing, as in Django's lookups
        params[position] = field.get_db_prep_value(value, connection, prepared=False)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in compiled.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(row)
    return converted


def _out_of_range(value: int, field: Field, connection) -> bool:
    internal_type = field.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        return False
    low, high = connection.ops.integer_field_range(internal_type)
    return (low is not None and value < low) or (high is not None and value > high)


def _compile(queryset: QuerySet, connection, iterable: type) -> _Compiled:
    if queryset._iterable_class is not iterable:
        raise TypeError(
            "reused_rows reads a values_list() queryset (not flat, not named), reused_records a queryset of records."
        )
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise TypeError("A reused queryset cannot prefetch, nor be a related manager's: its SQL would not say all.")
    if queryset.db != connection.alias:
        raise TypeError(f"The queryset reads the database {queryset.db!r}, not {connection.alias!r}: pass using=.")
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, (), (), ())
    slots = tuple(
        (position, param.name, param.field) for position, param in enumerate(params) if isinstance(param, _Placeholder)
    )
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    converters = tuple(compiler.get_converters(fields).items())
    params = tuple(None if isinstance(param, _Placeholder) else param for param in params)
    records = None
    if iterable is ModelIterable:
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        records = _Records(
            klass_info["model"],
            [column[0].target.attname for column in select[start:end]],
            start,
            end,
            get_related_populators(klass_info, select, connection.alias),
            dict(compiler.annotation_col_map),
        )
    return _Compiled(sql, params, slots, converters, records)
