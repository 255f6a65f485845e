"""Many new rows of one model written at once: what `bulk_create` does, faster on PostgreSQL.

An import writes some forty rows per person (the person, the pathway and its steps, and their
audit entries). `bulk_create` builds INSERTs of many rows whose preparation in Python costs more
than the rows themselves; PostgreSQL's COPY takes the values as they are. `insert` draws the
primary keys from the table's sequence first (one query), so that the objects get them as
`bulk_create` gives them, then copies the rows. Elsewhere (SQLite) it is `bulk_create`.

As with `bulk_create`, no signal is sent and `save()` is not called: the caller does what they
would have done (the audit's creation entries, the derived fields).
"""

from django.db import connections, models

# Rows per INSERT where COPY is not available.
BATCH_SIZE = 500

# Fields whose Python values psycopg writes as they are. Any other field (JSON, the encrypted
# fields, an address, a custom field) goes through its own conversion, as `bulk_create` does.
PLAIN_FIELDS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DateField,
        models.DateTimeField,
        models.EmailField,
        models.FloatField,
        models.ForeignKey,
        models.IntegerField,
        models.OneToOneField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
        models.UUIDField,
    }
)


def insert(model: type[models.Model], objects: list, *, ids: bool = True) -> list:
    """Writes the new `objects` of `model`, with their primary keys (unless `ids` is False: the
    rows get theirs from the database and the objects none, for rows nobody reads back)."""
    objects = list(objects)
    if not objects:
        return objects
    database = connections[model.objects.db]
    if database.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    meta = model._meta
    for instance in objects:  # a related object saved since it was assigned gives its id
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
    with database.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            for instance, (pk,) in zip(objects, sorted(cursor.fetchall()), strict=True):
                instance.pk = pk
        fields = [field for field in meta.concrete_fields if ids or not field.primary_key]
        quote = database.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        values = [value_of(field, database) for field in fields]
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                copy.write_row([value(instance) for value in values])
    for instance in objects:
        instance._state.adding, instance._state.db = False, database.alias
    return objects


def value_of(field: models.Field, database):
    """How a field's value is read for the COPY: as `bulk_create` reads it (`pre_save`, which
    sets the dates of `auto_now` fields, then the field's conversion), the steps that change
    nothing for this field skipped (they cost more than the copy itself)."""
    attname = field.attname
    saved = type(field).pre_save is not models.Field.pre_save
    if type(field) in PLAIN_FIELDS:
        if saved:
            return lambda instance: field.pre_save(instance, True)
        return lambda instance: getattr(instance, attname)
    if saved:
        return lambda instance: field.get_db_prep_save(field.pre_save(instance, True), database)
    return lambda instance: field.get_db_prep_save(getattr(instance, attname), database)
