"""Changes to personal data, recorded from the models' signals.

`track(label, person=...)` registers a model: `pre_save` reads the row as it was (one query,
only for an update), `post_save` and `post_delete` record the entry with the fields changed and
their old and new values (stored encrypted). `person` is the lookup from the model to the
person concerned ("" for the person itself, "enrolment__person" for a note), so that "who
changed this person's record" works; the organisation is the row's `organisation`.

Fields that say nothing (version counters, folded search texts, timestamps) are skipped; a
field in `withheld` is named but its value is never kept (a password hash; the text of a
writing restricted to a profession, which the data protection officer may not read either).
"""

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from filrouge.audit.models import Kind

ALWAYS_SKIPPED = frozenset(
    {
        "id",
        "version",
        "search_name",
        "search_text",
        "search_label",
        "sort_name",
        "created_at",
        "updated_at",
        "last_login",
    }
)


@dataclass(frozen=True)
class Tracked:
    label: str
    person: str | None  # lookup to the person: "" the row itself, None no person (an account)
    skipped: frozenset
    withheld: object  # callable(instance) -> set of field names whose values are not kept


_tracked: dict[type, Tracked] = {}
_declared: list[tuple[str, dict]] = []


def never(instance) -> set[str]:
    return set()


def track(label: str, *, person: str | None, skipped=(), withheld=never) -> None:
    """Declares a model holding personal data (from an app's `ready()`); a label whose model does
    not exist is skipped."""
    _declared.append((label, {"person": person, "skipped": frozenset(skipped), "withheld": withheld}))
    if apps.models_ready:
        connect()


def connect() -> None:
    for label, options in _declared:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model in _tracked:
            continue
        _tracked[model] = Tracked(label.lower(), **options)
        uid = f"audit:{label}"
        pre_save.connect(remember_old_values, sender=model, dispatch_uid=uid)
        post_save.connect(record_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(remember_person, sender=model, dispatch_uid=uid)
        post_delete.connect(record_delete, sender=model, dispatch_uid=uid)


def tracked_models() -> dict[type, Tracked]:
    return dict(_tracked)


def plain(value):
    """A value as JSON keeps it."""
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    return value


def audited_fields(model, spec: Tracked, update_fields=None):
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name not in ALWAYS_SKIPPED and field.name not in spec.skipped and not field.primary_key
    ]
    if update_fields is not None:
        fields = [field for field in fields if field.name in update_fields or field.attname in update_fields]
    return fields


def remember_old_values(sender, instance, raw=False, update_fields=None, **kwargs):
    spec = _tracked[sender]
    instance._audit_old = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = audited_fields(sender, spec, update_fields)
    if not fields:
        return
    instance._audit_old = (
        sender._base_manager.using(instance._state.db)
        .filter(pk=instance.pk)
        .values(*[field.attname for field in fields])
        .first()
    )


def person_of(instance, path: str | None):
    """The person's id, through the relations already loaded when possible, else in one query."""
    if path is None:
        return None
    if path == "":
        return instance.pk
    obj = instance
    *steps, last = path.split("__")
    for step in steps:
        field = obj._meta.get_field(step)
        if not field.is_cached(obj):
            break
        obj = getattr(obj, step)
        if obj is None:
            return None
    else:
        return getattr(obj, obj._meta.get_field(last).attname)
    return type(instance)._base_manager.filter(pk=instance.pk).values_list(path, flat=True).first()


def organisation_of(instance):
    return getattr(instance, "organisation_id", None)


def record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        entry = creation_entry(instance)
        instance._audit_old = None
        if entry is not None:
            record_entry(entry)
        return
    spec = _tracked[sender]
    withheld = spec.withheld(instance)
    old = getattr(instance, "_audit_old", None)
    values, names = {}, []
    for field in audited_fields(sender, spec, update_fields):
        new = plain(field.value_from_object(instance))
        if old is None:
            before = None
            if new in (None, "", [], {}):
                continue
        else:
            before = plain(old.get(field.attname))
            if before == new:
                continue
        names.append(field.name)
        if field.name not in withheld:
            values[field.name] = [before, new]
    instance._audit_old = None
    if not names:
        return
    record_change(Kind.UPDATE, instance, spec, names, values)


def creation_entry(instance) -> dict | None:
    """The entry recording the creation of `instance` (saved, with its primary key), as
    `record(**entry)` takes it: its values that are not empty; None when it has none. The
    `post_save` signal records it; a write that skips the signals (`bulk_create`) records it
    itself, with `record` inside `api.buffered()`."""
    spec = _tracked[type(instance)]
    withheld = spec.withheld(instance)
    values, names = {}, []
    for field in audited_fields(type(instance), spec):
        new = plain(field.value_from_object(instance))
        if new in (None, "", [], {}):
            continue
        names.append(field.name)
        if field.name not in withheld:
            values[field.name] = [None, new]
    if not names:
        return None
    return change_entry(Kind.CREATE, instance, spec, names, values)


def remember_person(sender, instance, **kwargs):
    instance._audit_person = person_of(instance, _tracked[sender].person)


def record_delete(sender, instance, **kwargs):
    spec = _tracked[sender]
    withheld = spec.withheld(instance)
    values, names = {}, []
    for field in audited_fields(sender, spec):
        before = plain(field.value_from_object(instance))
        if before in (None, "", [], {}):
            continue
        names.append(field.name)
        if field.name not in withheld:
            values[field.name] = [before, None]
    person = getattr(instance, "_audit_person", None)
    record_change(Kind.DELETE, instance, spec, names, values, person=person)


def change_entry(kind, instance, spec: Tracked, names, values, person=...) -> dict:
    return {
        "kind": kind,
        "organisation_id": organisation_of(instance),
        "object_type": spec.label,
        "object_id": instance.pk,
        "person_id": person_of(instance, spec.person) if person is ... else person,
        "changes": values or None,
        "fields": names,
    }


def record_entry(entry: dict) -> None:
    from filrouge.audit.api import record

    record(**entry)


def record_change(kind, instance, spec: Tracked, names, values, person=...):
    record_entry(change_entry(kind, instance, spec, names, values, person))
