"""Bulk reads and writes for statements of 100,000 entries: rows sent with PostgreSQL's COPY
(bulk_create elsewhere), rows looked up by a list of keys passed as one array parameter, and
simple-history rows written by the database itself (INSERT … SELECT from the table), with the same
columns, user, date and reason as simple-history would write one by one."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models


def history_from_table(
    model: type[models.Model],
    *,
    where: str,
    params: list,
    user,
    reason: str,
    date: datetime.datetime,
    history_type: str,
) -> None:
    """One history row per row of ``model`` matching ``where`` (SQL on the model's table)."""
    history = model.history.model
    tracked = [f.attname for f in model.history.model.tracked_fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in tracked)
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {columns}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, reason, history_type, getattr(user, "pk", None), *params])


def update_with_history(
    model: type[models.Model],
    *,
    ids: Sequence[int],
    assignments: dict[str, object],
    where: str,
    params: list,
    user,
    reason: str,
    date: datetime.datetime,
) -> list[int]:
    """``UPDATE`` the rows of ``model`` whose primary key is in ``ids`` and that match ``where`` (SQL on
    the model's columns, unqualified, the primary key aside), setting ``assignments`` (column → value),
    and write one history row for each updated row, as simple-history would for a change (``~``).
    Returns the updated ids.

    On PostgreSQL this is one statement: the keys go as one ``bigint[]`` parameter joined with
    ``unnest`` (neither thousands of placeholders for the driver to expand nor a linear ``= ANY``
    filter), and the history rows are written from the UPDATE's own ``RETURNING``, without reading
    the rows a second time."""
    if not ids:
        return []
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    sets = ", ".join(f"{qn(model._meta.get_field(name).column)} = %s" for name in assignments)
    values = list(assignments.values())
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE {pk} IN ({marks}) AND {where} RETURNING {pk}",
                [*values, *ids, *params],
            )
            updated = [row[0] for row in cursor.fetchall()]
        if updated:
            history_from_table(
                model, where=f"{pk} IN ({', '.join(['%s'] * len(updated))})", params=updated, user=user,
                reason=reason, date=date, history_type="~",
            )
        return updated
    history = model.history.model
    columns = ", ".join(qn(f.attname) for f in history.tracked_fields)
    sql = (
        f"WITH updated AS (UPDATE {table} AS t SET {sets} FROM unnest(%s::bigint[]) AS keys(id) "
        f"WHERE t.{pk} = keys.id AND {where} RETURNING t.*) "
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {columns}, %s, %s, %s, %s FROM updated RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, list(ids), *params, date, reason, "~", getattr(user, "pk", None)])
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples of values in the order of ``columns``, attnames without the primary
    key) as fast as the database allows: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        if objects:
            model.objects.bulk_create(objects, batch_size=500)
        return
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)


def rows_by_key(model: type[models.Model], key: str, keys: Iterable, fields: Sequence[str]) -> list[tuple]:
    """``fields`` of the rows of ``model`` whose ``key`` column is one of ``keys``: on PostgreSQL the
    keys go as one array parameter (``= ANY(%s)``), not as thousands of placeholders to expand."""
    keys = list(keys)
    if not keys:
        return []
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{key}__in": keys}).values_list(*fields))
    qn = connection.ops.quote_name

    def column(name: str) -> str:
        return qn(model._meta.pk.column if name == "pk" else model._meta.get_field(name).column)

    sql = (
        f"SELECT {', '.join(column(f) for f in fields)} FROM {qn(model._meta.db_table)} WHERE {column(key)} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [keys])
        return cursor.fetchall()
