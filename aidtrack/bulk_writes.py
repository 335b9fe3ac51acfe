"""Writing many rows at once with one prepared statement per batch, for bulk imports.

django-simple-history's ``bulk_history_create`` builds one historical model
instance per record and lets ``bulk_create`` compile every value of it; for a
bulk import that doubles the cost of writing the records. ``history_insert``
writes the same rows (same columns, same values, same user, reason and date)
with one prepared INSERT run for each batch of rows. Django's ``bulk_update``
writes a CASE over every row for every field; ``rows_update`` runs one
prepared UPDATE per row instead, which both SQLite and PostgreSQL (psycopg's
pipeline) run many times faster for thousands of rows.
"""

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
        return lambda value: field.get_db_prep_save(value, connection)

    def prepare(value):
        if value is None or type(value) is plain:
            return value
        return field.get_db_prep_save(value, connection)

    return prepare


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

    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(historical._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    preparers = [(field, _preparer(field, connection)) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            rows = [
                [prepare(value_of(field, obj)) for field, prepare in preparers] for obj in objs[start : start + BATCH]
            ]
            cursor.executemany(sql, rows)


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
