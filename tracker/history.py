"""Audit history: who changed what, when and why, for every domain model.

Built on django-simple-history. Requests are attributed by ``HistoryRequestMiddleware`` (the
logged-in user); management commands and imports wrap their work in ``attributed_to()``; the
workflow records each transition with ``record_snapshot()``, because it writes with a conditional
UPDATE that fires no signal. History is for staff only: it holds private fields.
"""

from __future__ import annotations

import contextvars
import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


@dataclass(frozen=True)
class Attribution:
    user: models.Model | None
    reason: str


_attribution: contextvars.ContextVar[Attribution | None] = contextvars.ContextVar(
    "history_attribution", default=None
)


@contextmanager
def attributed_to(user: models.Model | None = None, *, reason: str = "") -> Iterator[None]:
    """Attribute every history record written inside the block to ``user``, with ``reason``.

    For management commands and imports, which have no request: ``with attributed_to(admin,
    reason="Import of march.csv"): ...``. ``user`` may be ``None`` for the system itself.
    """
    token = _attribution.set(Attribution(user=user, reason=reason))
    try:
        yield
    finally:
        _attribution.reset(token)


def history_user(instance: models.Model, request=None, **kwargs) -> models.Model | None:
    """Pick the author of a change: the ``attributed_to()`` block, else the request's user."""
    attribution = _attribution.get()
    if attribution is not None and attribution.user is not None:
        return attribution.user
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


class AuditHistory(HistoricalRecords):
    """``HistoricalRecords`` that knows its model and takes the reason from ``attributed_to()``."""

    by_model: dict[type[models.Model], AuditHistory] = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("get_user", history_user)
        super().__init__(**kwargs)

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            AuditHistory.by_model[sender] = self

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        if not reason:
            attribution = _attribution.get()
            reason = attribution.reason if attribution else ""
        return reason or ""


def record_snapshot(entry: models.Model, *, by: models.Model | None, reason: str) -> None:
    """Record the entry's current row as a new version (for writes made with ``update()``)."""
    if by is not None:
        entry._history_user = by
    entry._change_reason = reason
    try:
        AuditHistory.by_model[type(entry)].create_historical_record(entry, "~")
    finally:
        entry.__dict__.pop("_history_user", None)
        entry.__dict__.pop("_change_reason", None)


# --- The selector for reviewers: an entry's versions with field-by-field differences. ---

# Bookkeeping that changes on every save and says nothing to a reviewer.
NOT_DIFFED = {"id", "updated_at", "version", "search_text"}

KIND_LABELS = {
    "+": pgettext_lazy("version kind", "created"),
    "~": pgettext_lazy("version kind", "changed"),
    "-": pgettext_lazy("version kind", "deleted"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    record: models.Model
    at: datetime.datetime
    user: models.Model | None
    kind: str
    reason: str
    changes: list[FieldChange]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _diffed_fields(history_model: type[models.Model]) -> list[models.Field]:
    return [field for field in history_model.tracked_fields if field.name not in NOT_DIFFED]


def _m2m_target(field: models.ManyToManyField) -> str:
    """The name of the column of the m2m history table that points to the related object."""
    through = field.remote_field.through
    return next(
        f.name
        for f in through._meta.fields
        if f.is_relation and f.related_model is field.related_model
    )


def entry_versions(entry: models.Model) -> list[Version]:
    """Every recorded version of ``entry``, newest first, each with what changed since the last.

    Staff only: the values include private fields. Runs a fixed number of queries, however many
    versions there are.
    """
    manager = getattr(entry, entry._meta.simple_history_manager_attribute)
    history_model = manager.model
    fields = _diffed_fields(history_model)
    m2m_fields = list(history_model._history_m2m_fields)
    records = list(
        manager.all().select_related("history_user").order_by("history_date", "history_id")
    )

    m2m_values: dict[int, dict[str, set]] = {
        record.history_id: {field.name: set() for field in m2m_fields} for record in records
    }
    for field in m2m_fields:
        m2m_history_model = getattr(history_model, field.name).model
        target = f"{_m2m_target(field)}_id"
        rows = m2m_history_model.objects.filter(history__in=manager.all().values("history_id"))
        for history_id, related_id in rows.values_list("history_id", target):
            m2m_values[history_id][field.name].add(related_id)

    labels = _related_labels(records, fields, m2m_values, m2m_fields)

    versions = []
    previous = None
    for record in records:
        changes = []
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            changes.append(
                FieldChange(
                    field=field.name,
                    label=str(field.verbose_name),
                    old=_display(field, old, labels),
                    new=_display(field, new, labels),
                )
            )
        for field in m2m_fields:
            new_ids = m2m_values[record.history_id][field.name]
            old_ids = m2m_values[previous.history_id][field.name] if previous is not None else set()
            if new_ids == old_ids:
                continue
            model = field.related_model
            changes.append(
                FieldChange(
                    field=field.name,
                    label=str(field.verbose_name),
                    old=_join(model, old_ids, labels),
                    new=_join(model, new_ids, labels),
                )
            )
        versions.append(
            Version(
                record=record,
                at=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    versions.reverse()
    return versions


def _related_labels(records, fields, m2m_values, m2m_fields) -> dict:
    """Fetch the names of every related object the versions mention: one query per model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for field in fields:
        if field.is_relation and field.related_model is not None:
            for record in records:
                value = getattr(record, field.attname)
                if value is not None:
                    wanted[field.related_model].add(value)
    for field in m2m_fields:
        for values in m2m_values.values():
            wanted[field.related_model].update(values[field.name])
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
        if pks
    }


def _deleted_label(pk) -> str:
    return str(_("#%(pk)s (deleted)") % {"pk": pk})


def _join(model, pks, labels) -> str:
    names = labels.get(model, {})
    return ", ".join(sorted(names.get(pk) or _deleted_label(pk) for pk in pks))


def _display(field: models.Field, value, labels) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation and field.related_model is not None:
        return labels.get(field.related_model, {}).get(value) or _deleted_label(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.date | datetime.datetime):
        return formats.localize(value)
    return str(value)


def version_data(record: models.Model, names: list[str]) -> dict:
    """The values of ``names`` in a recorded version, as the workflow's edit data.

    The shape is the one ``tracker.workflow`` takes from a form (``{"fields": ..., "m2m": ...}``),
    so restoring a version is an edit like any other.
    """
    model = record.instance_type
    history_model = type(record)
    m2m_names = {field.name for field in history_model._history_m2m_fields}
    fields, m2m = {}, {}
    for name in names:
        field = model._meta.get_field(name)
        if field.many_to_many:
            if name in m2m_names:
                target = f"{_m2m_target(field)}_id"
                m2m[name] = sorted(getattr(record, name).values_list(target, flat=True))
            continue
        value = getattr(record, field.attname)
        if value is None or isinstance(value, bool | int | str):
            fields[name] = value
        elif hasattr(value, "code"):  # a django-countries Country
            fields[name] = value.code
        elif hasattr(value, "isoformat"):
            fields[name] = value.isoformat()
        else:
            fields[name] = str(value)
    return {"fields": fields, "m2m": m2m}
