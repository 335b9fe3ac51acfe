"""Writing many rows at once with one prepared statement per batch (COPY on PostgreSQL), for bulk imports.

django-simple-history's ``bulk_history_create`` builds one historical model
instance per record and lets ``bulk_create`` compile every value of it; for a
bulk import that doubles the cost of writing the records. ``history_insert``
writes the same rows (same columns, same values, same user, reason and date)
with one prepared INSERT run for each batch of rows. Django's ``bulk_create``
compiles every value of every row into SQL (and on SQLite fits only 16 rows of
a wide table in one statement); ``rows_insert`` writes rows given as values,
with their primary keys taken beforehand from the database's own counter
(``reserve_ids``), so what is built from a key (an incident's reference) is in
the same INSERT, and their history rows are written from the same prepared
values. On PostgreSQL these inserts are one COPY per batch. Django's
``bulk_update`` writes a CASE over every row for every field; ``rows_update``
runs one prepared UPDATE per row instead, which both SQLite and PostgreSQL
(psycopg's pipeline) run many times faster for thousands of rows.
"""

import datetime
import itertools
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

BATCH = 2000  # rows per executemany
# Field types whose database value is the Python value itself when it has the type given here: Django's own
# get_db_prep_save would return it unchanged, at a cost that counts when a file has 100,000 rows.
PLAIN_FIELDS = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.FloatField: float,
    models.BooleanField: bool,
}


def _preparer(field, connection):
    """A function from a field's Python value to its database value."""
    target = field.target_field if type(field) is models.ForeignKey else field
    plain = PLAIN_FIELDS.get(type(target))
    if plain is None:
        json = isinstance(field, models.JSONField)  # the one kind of field that may store None as something else
        last = [object(), None]  # the time prepared last and its database value: rows often share one (now)

        def prepare_other(value):
            if value is None and not json:
                return None
            if value is last[0]:
                return last[1]
            prepared = field.get_db_prep_save(value, connection)
            if isinstance(value, datetime.date | datetime.time):  # immutable: the same object, the same value
                last[0], last[1] = value, prepared
            return prepared

        return prepare_other

    def prepare(value):
        if value is None or type(value) is plain:
            return value
        return field.get_db_prep_save(value, connection)

    return prepare


def _write_rows(connection, table: str, columns: list[str], rows: Iterable[list]) -> None:
    """Insert ``rows`` (database values, in the order of ``columns``; an iterable, so a caller may make them as
    they are written): COPY on PostgreSQL, else a prepared INSERT run for each batch of ``BATCH`` rows."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor (Django's has no COPY): its errors raised as Django's (IntegrityError…).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(quote(table), names, ", ".join(["%s"] * len(columns)))
        while batch := list(itertools.islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def reserve_ids(model, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, from the database's own counter, for ``rows_insert``.

    PostgreSQL takes them from the column's sequence (as an INSERT would, so concurrent writers never meet).
    SQLite has one writer at a time and aidtrack opens its transactions IMMEDIATE (the write lock is held from
    the start), so the keys after the highest ever given (AUTOINCREMENT's own counter, or the highest row) are
    free until the transaction ends: it must be open.
    """
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            if not connection.in_atomic_block:
                raise RuntimeError("reserve_ids needs an open transaction on SQLite (the keys are free only in it)")
            cursor.execute(
                f"SELECT MAX({quote(column)}) FROM {quote(table)} "
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s",
                [table],
            )
            last = max((row[0] or 0 for row in cursor.fetchall()), default=0)
            return list(range(last + 1, last + 1 + count))
    raise NotImplementedError(f"reserve_ids: no way to take keys ahead on {connection.vendor}")


def rows_insert(model, rows: list[dict], *, with_history: bool = False, by=None, reason: str = "") -> None:
    """Insert ``rows`` of ``model``: each a dict of every concrete field's value by attribute name (``id``, from
    ``reserve_ids``, included); ``with_history``, each row's "+" history row too (as ``history_insert`` writes it,
    from the same values).

    As ``bulk_create``: no signals, no ``save()``, no ``auto_now`` (set such fields yourself), no validation (the
    caller checked the values as the model's services do).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    preparers = [(field.attname, _preparer(field, connection)) for field in fields]
    columns = [field.column for field in fields]
    if not with_history or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _write_rows(
            connection, model._meta.db_table, columns, ([prepare(row[n]) for n, prepare in preparers] for row in rows)
        )
        return
    historical = model.history.model
    tracked = {field.attname for field in historical.tracked_fields}
    position = {field.attname: index for index, field in enumerate(fields)}
    own = {
        "history_date": timezone.now(),
        "history_user_id": by.pk if by is not None else None,
        "history_change_reason": reason,
        "history_type": "+",
    }
    history_fields = [field for field in historical._meta.concrete_fields if not field.primary_key]
    # Each history column: the record's value already prepared (its position), or one value for every row.
    plan = [
        (position[field.attname], None)
        if field.attname in tracked
        else (None, field.get_db_prep_save(own.get(field.attname, field.get_default()), connection))
        for field in history_fields
    ]
    history_columns = [field.column for field in history_fields]
    for start in range(0, len(rows), BATCH):  # a batch of prepared rows at a time in memory
        values = [[prepare(row[name]) for name, prepare in preparers] for row in rows[start : start + BATCH]]
        _write_rows(connection, model._meta.db_table, columns, values)
        history = ([row[index] if index is not None else value for index, value in plan] for row in values)
        _write_rows(connection, historical._meta.db_table, history_columns, history)


def history_insert(model, objs, *, by, reason: str = "", update: bool = False) -> None:
    """Record a history row for each of ``objs`` (saved instances of ``model``): "+" created, or "~" ``update``d.

    A record's own ``_history_user``, ``_history_date`` and ``_change_reason`` win over ``by``, the time now and
    ``reason``, as in ``bulk_history_create``.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not objs:
        return
    historical = model.history.model
    connection = connections[router.db_for_write(historical)]
    tracked = {field.attname for field in historical.tracked_fields}
    fields = [field for field in historical._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    kind = "~" if update else "+"

    def value_of(field, obj):
        name = field.attname
        if name in tracked:
            return getattr(obj, name)
        if name == "history_date":
            return getattr(obj, "_history_date", now)
        if name == "history_user_id":
            user = getattr(obj, "_history_user", by)
            return user.pk if user is not None else None
        if name == "history_change_reason":
            return get_change_reason_from_object(obj) or reason
        if name == "history_type":
            return kind
        return field.get_default()

    preparers = [(field, _preparer(field, connection)) for field in fields]
    rows = ([prepare(value_of(field, obj)) for field, prepare in preparers] for obj in objs)
    _write_rows(connection, historical._meta.db_table, [field.column for field in fields], rows)


def rows_update(model, objs, field_names) -> None:
    """Write the fields ``field_names`` (model field names) of every one of ``objs``, matched by primary key.

    As ``bulk_update``: no signals, no ``save()``, and no ``auto_now`` (set such fields yourself).
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    key = model._meta.pk
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(key.column),
    )
    preparers = [(field, _preparer(field, connection)) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            rows = [
                [prepare(getattr(obj, field.attname)) for field, prepare in preparers]
                + [key.get_db_prep_save(obj.pk, connection)]
                for obj in objs[start : start + BATCH]
            ]
            cursor.executemany(sql, rows)


def refresh_statistics(using: str = "default") -> None:
    """After a large write, let the query planner know the tables' new sizes.

    PostgreSQL's autovacuum analyses changed tables by itself; SQLite never does, and without statistics it reads
    a filtered list (one governorate, one month) through the wrong index: 51 ms instead of 12.5 ms at 50,000
    incidents. ``analysis_limit`` makes SQLite sample each index instead of reading it whole, so this takes
    milliseconds whatever the size of the tables (https://sqlite.org/lang_analyze.html#approx).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=400")
        cursor.execute("ANALYZE")
