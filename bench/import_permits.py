"""Benchmark: import 100,000 visit permits (50,000 detainees loaded first) from a GENESIS CSV through
the resource the back office uses (permits.services.import_genesis_file → VisitPermitResource, real
writes with history), against a plain ``bulk_create`` of the same rows.

Run from the repository's root, on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_b python bench/import_permits.py

It creates a throwaway database ``<name>_bench`` on that server, migrates it, and drops it at the
end; no other data is touched. Last line: ``RESULT import_permits ratio=X target=4 ...``.
Options (environment): BENCH_DETAINEES (50000), BENCH_PERMITS (100000), BENCH_PROFILE=1 (cProfile of
the import, top functions on stderr).
"""

from __future__ import annotations

import datetime
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_DETAINEES = int(os.environ.get("BENCH_DETAINEES", "50000"))
N_PERMITS = int(os.environ.get("BENCH_PERMITS", "100000"))
N_ESTABLISHMENTS = 10
TARGET = 4


def bench_database_url() -> tuple[str, str, str]:
    """(the bench database's URL, its name, the URL of the server's maintenance database)."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/portail_b")
    name = (parts.path.lstrip("/") or "portail") + "_bench"
    bench = urlunsplit(parts._replace(path="/" + name))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return bench, name, maintenance


def admin_sql(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    bench_url, name, maintenance = bench_database_url()
    admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(maintenance, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        import django

        django.setup()
        run()
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{name}"')


def run() -> None:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.constants import Role
    from accounts.models import User
    from establishments.models import Establishment
    from permits.constants import PermitKind, PermitStatus
    from permits.imports.columns import PERMIT_COLUMNS
    from permits.models import Detainee, VisitPermit
    from permits.services import import_genesis_file

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated the throwaway database in {time.perf_counter() - t:.1f} s")

    establishments = [
        Establishment.objects.create(
            code=f"BENCH{i:02d}", name=f"Établissement de mesure {i}", kind="maison_arret", disp="lyon"
        )
        for i in range(N_ESTABLISHMENTS)
    ]
    user = User.objects.create(username="greffe-bench", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.GREFFE))
    user.establishments.set(establishments)

    t = time.perf_counter()
    Detainee.objects.bulk_create(
        (
            Detainee(
                establishment=establishments[i % N_ESTABLISHMENTS], ecrou=f"{100000 + i}", family_name=f"NOM{i}",
                first_name="Jean", birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=i % 9000),
            )
            for i in range(N_DETAINEES)
        ),
        batch_size=5000,
    )
    print(f"loaded {N_DETAINEES} detainees in {time.perf_counter() - t:.1f} s")
    # The GENESIS CSV (UTF-8, ';'); the bulk_create gets the same rows as Python values, built after
    # the import (so that they do not weigh on the import's memory).
    kinds = [("permanent", PermitKind.PERMANENT), ("temporaire", PermitKind.TEMPORARY)]
    statuses = [("actif", PermitStatus.ACTIVE), ("suspendu", PermitStatus.SUSPENDED)]

    def permit(i: int) -> tuple:
        d = i % N_DETAINEES
        since = datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365)
        return (
            f"PV-B-{i:07d}", f"BENCH{d % N_ESTABLISHMENTS:02d}", f"{100000 + d}", f"TITULAIRE{i}", "Marie Élise",
            datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000), "mère", kinds[i % 7 == 0],
            since, since + datetime.timedelta(days=365) if i % 3 == 0 else None, statuses[i % 11 == 0],
        )

    def csv_line(values: tuple) -> str:
        number, code, ecrou, name, first, born, rel, kind, since, until, status = values
        return ";".join((number, code, ecrou, name, first, born.strftime("%d/%m/%Y"), rel, kind[0],
                         since.isoformat(), until.strftime("%d/%m/%Y") if until else "", status[0]))

    content = ("\n".join([PERMIT_COLUMNS.header, *(csv_line(permit(i)) for i in range(N_PERMITS))])
               + "\n").encode("utf-8")
    print(f"GENESIS CSV: {N_PERMITS} permits, {len(content) / 1e6:.1f} MB")

    def empty_permits() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {VisitPermit._meta.db_table}, {VisitPermit.history.model._meta.db_table} CASCADE"
            )
            cursor.execute(f"ANALYZE {Detainee._meta.db_table}")

    # 1. The import, as the back office and import_genesis do it: read, check, write with history.
    profile = os.environ.get("BENCH_PROFILE") == "1"
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t = time.perf_counter()
    report = import_genesis_file(kind="permits", content=content, file_name="permis-bench.csv", user=user)
    import_s = time.perf_counter() - t
    if profile:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(35)
    if not report.ok:
        sys.exit("import failed: " + "; ".join(report.errors[:5]))
    assert report.created == N_PERMITS, report
    assert VisitPermit.objects.count() == N_PERMITS
    history = VisitPermit.history.filter(history_user=user, history_change_reason__contains="permis-bench.csv")
    assert history.count() == N_PERMITS
    print(f"import: {import_s:.2f} s ({report.created} created, history rows with the importing user)")

    peak = peak_mb()  # the process's peak so far: setup and the import (the bulk_create comes after)

    # 2. A plain bulk_create of the same rows (instances built from ready Python values, one transaction).
    empty_permits()
    detainee_ids = dict(Detainee.objects.values_list("ecrou", "pk"))
    rows = []
    for i in range(N_PERMITS):
        number, _code, ecrou, name, first, born, rel, kind, since, until, status = permit(i)
        rows.append((number, detainee_ids[ecrou], name, first, born, rel, kind[1], since, until, status[1]))
    t = time.perf_counter()
    with transaction.atomic():
        VisitPermit.objects.bulk_create(
            [
                VisitPermit(number=n, detainee_id=did, holder_family_name=fam, holder_first_names=first,
                            holder_birth_date=born, relationship=rel, kind=kind, valid_from=since,
                            valid_until=until, status=status)
                for n, did, fam, first, born, rel, kind, since, until, status in rows
            ],
            batch_size=2000,
        )
    bulk_s = time.perf_counter() - t
    assert VisitPermit.objects.count() == N_PERMITS
    print(f"bulk_create: {bulk_s:.2f} s")
    del rows

    # 3. The file again, on the same rows (those of the bulk_create): nothing changes, no history.
    history_rows = VisitPermit.history.count()
    t = time.perf_counter()
    again = import_genesis_file(kind="permits", content=content, file_name="permis-bench.csv", user=user)
    reimport_s = time.perf_counter() - t
    assert again.ok and again.unchanged == N_PERMITS and VisitPermit.history.count() == history_rows
    print(f"re-import of the same file: {reimport_s:.2f} s ({again.unchanged} unchanged)")

    ratio = import_s / bulk_s
    print(f"import / bulk_create = {ratio:.2f} (target <= {TARGET}); peak memory {peak:.0f} MB (target < 500)")
    print(
        f"RESULT import_permits ratio={ratio:.2f} target={TARGET} import_s={import_s:.2f} bulk_s={bulk_s:.2f} "
        f"peak_mb={peak:.0f} reimport_s={reimport_s:.2f} rows={N_PERMITS}"
    )


if __name__ == "__main__":
    main()
