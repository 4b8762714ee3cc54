"""Bulk writes for statements of 100,000 entries: rows sent with PostgreSQL's COPY (bulk_create
elsewhere), and simple-history rows written by the database itself (INSERT … SELECT from the table),
with the same columns, user, date and reason as simple-history would write one by one."""

from __future__ import annotations

import datetime

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


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """Insert ``rows`` (attname → value, without the primary key) as fast as the database allows."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    names = list(rows[0])
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(n) for n in names)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
