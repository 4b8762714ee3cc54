"""Benchmark: the money-flow rules at a transfer's reservation (monitoring.services.screening.screen_reserved)
with 1,000,000 transfers from 200,000 payers in PostgreSQL.

Run from the repository's root with ``DATABASE_URL`` set to a PostgreSQL database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail python bench/monitoring.py

The data goes to a database of its own on the same server (``<name>_monitoring_bench``, created and migrated
if missing, kept for the next run: writing a million transfers takes minutes): the demo data, 200,000
relatives, 20,000 detainees at CPDEMO with a permit each, and 1,000,000 transfers over two years (inserted
by SQL, every status). Among them a heavy payer (60 transfers to 30 detainees in the last 30 days) and a
heavy detainee (120 payers in the last 7 days).

Then, for N new transfers (``BENCH_SCREENINGS``, 300: a third from the heavy payer, a third to the heavy
detainee, a third from random payers with their two years of history), each reserved in a transaction
rolled back afterwards (the data never changes): every rule evaluated (the reads of ``screen_reserved``:
the rules in force, the sender's and the detainee's recent transfers, the caps), its queries counted and its
database time measured (time spent in ``cursor.execute``, through ``connection.execute_wrapper``), then
``screen_reserved`` itself (the same reads, and when a rule fires the alert, its hits, their history and the
hold). Last line: ``RESULT monitoring rules_ms_p99=… queries=… ratio=<p99/5> target=1 transfers=… payers=…
screen_ms_p99=… screen_queries=…``.
Options (environment): BENCH_TRANSFERS (1000000), BENCH_PAYERS (200000), BENCH_SCREENINGS (300).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TOTAL_TRANSFERS = int(os.environ.get("BENCH_TRANSFERS", "1000000"))
PAYERS = int(os.environ.get("BENCH_PAYERS", "200000"))
SCREENINGS = int(os.environ.get("BENCH_SCREENINGS", "300"))
DETAINEES = 20_000
TARGET_MS = 5
MARK = "BENCHMON"
CHUNK = 10_000


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (postgres://…).")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "portail"
    return parts._replace(path=f"/{name}_monitoring_bench").geturl()


def ensure_bench_database(url: str) -> None:
    """Create and migrate the bench database if needed."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"base {name} créée")
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def load_data() -> dict:
    """The relatives, detainees, permits and transfers (reused when already there)."""
    import datetime

    from django.db import connection, transaction

    from accounts.models import Relative, User
    from establishments.models import Bank, Establishment
    from permits.models import Detainee, VisitPermit
    from sandbox.demo import load_demo

    load_demo()
    establishment = Establishment.objects.get(code="CPDEMO")
    bank = Bank.objects.get(name="Banque de Démonstration")
    started = time.perf_counter()
    have = Relative.objects.filter(sub__startswith=MARK).count()
    for start in range(have, PAYERS, CHUNK):
        with transaction.atomic():
            stop = min(start + CHUNK, PAYERS)
            users = User.objects.bulk_create(User(username=f"{MARK.lower()}{i}") for i in range(start, stop))
            Relative.objects.bulk_create(
                Relative(user=u, sub=f"{MARK}-{i}", given_name="Marie", family_name=f"MON{i}",
                         birthdate=datetime.date(1970, 1, 1), email=f"mon{i}@example.fr")
                for i, u in zip(range(start, stop), users, strict=True)
            )
    have = Detainee.objects.filter(ecrou__startswith="M").count()
    if have < DETAINEES:
        with transaction.atomic():
            detainees = Detainee.objects.bulk_create(
                Detainee(establishment=establishment, ecrou=f"M{i:06d}", family_name=f"DETENU{i}", first_name="Paul",
                         birth_date=datetime.date(1980, 1, 1))
                for i in range(have, DETAINEES)
            )
            VisitPermit.objects.bulk_create(
                VisitPermit(number=f"PV-MON-{i:06d}", detainee=d, holder_family_name="X", holder_first_names="Y",
                            holder_birth_date=datetime.date(1970, 1, 1), valid_from=datetime.date(2024, 1, 1))
                for i, d in zip(range(have, DETAINEES), detainees, strict=True)
            )
    print(f"proches et personnes détenues prêts en {time.perf_counter() - started:.1f} s")
    relatives = list(Relative.objects.filter(sub__startswith=MARK).order_by("pk").values_list("pk", flat=True))
    permits = list(VisitPermit.objects.filter(number__startswith="PV-MON-").order_by("number")
                   .values_list("pk", "detainee_id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM transfers_transfer WHERE reference LIKE 'PDPM%%'")
        have = cursor.fetchone()[0]
    missing = TOTAL_TRANSFERS - have
    if missing > 0:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Transfer g: payer g mod PAYERS, detainee (g × 7) mod DETAINEES; over two years; every status.
            # The heavy payer (relatives[0]) and the heavy detainee (permits[0]) get recent ones below.
            cursor.execute(
                """
                INSERT INTO transfers_transfer (
                    reference, idempotency_key, relative_id, permit_id, detainee_id, establishment_id, amount,
                    bank_id, payment_request_id, consent_url, bank_status, status, failure_reason, poll_attempts,
                    held, created_at, updated_at, initiated_at, executed_at, received_at, credited_at)
                SELECT 'PDPM' || lpad(g::text, 19, '0'), md5('monbench' || g)::uuid,
                       (%(relatives)s::bigint[])[1 + g %% %(n_rel)s],
                       (%(permits)s::bigint[])[1 + (g * 7) %% %(n_det)s],
                       (%(detainees)s::bigint[])[1 + (g * 7) %% %(n_det)s],
                       %(establishment)s, (1 + g %% 150)::numeric(10, 2), %(bank)s, 'pr-' || g, '', 'ACSC',
                       (ARRAY['credited', 'credited', 'credited', 'executed', 'rejected', 'expired'])[1 + g %% 6],
                       '', 1, false, t, t, t, t, t, t
                FROM (
                    SELECT g, now() - interval '31 days' - ((g * 7919) %% (700 * 86400)) * interval '1 second' AS t
                    FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
                ) AS s
                """,
                {
                    "relatives": relatives, "permits": [p for p, _d in permits],
                    "detainees": [d for _p, d in permits], "n_rel": len(relatives), "n_det": len(permits),
                    "establishment": establishment.pk, "bank": bank.pk, "start": have + 1, "stop": TOTAL_TRANSFERS,
                },
            )
            # One transfer in 50 is recent (the rules' windows are not empty).
            cursor.execute(
                "UPDATE transfers_transfer SET initiated_at = now() - (id %% 30) * interval '1 day' "
                "WHERE reference LIKE 'PDPM%%' AND id %% 50 = 0"
            )
            cursor.execute("VACUUM ANALYZE transfers_transfer")
        print(f"{missing} virements insérés en {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM transfers_transfer WHERE reference LIKE 'PDPH%%'")
        if not cursor.fetchone()[0]:
            # The heavy payer: 60 transfers to 30 detainees in the last 30 days (more than the caps would let
            # through); the heavy detainee: 120 payers in the last 7 days.
            cursor.execute(
                """
                INSERT INTO transfers_transfer (
                    reference, idempotency_key, relative_id, permit_id, detainee_id, establishment_id, amount,
                    bank_id, payment_request_id, consent_url, bank_status, status, failure_reason, poll_attempts,
                    held, created_at, updated_at, initiated_at)
                SELECT 'PDPH' || lpad(g::text, 19, '0'), md5('monheavy' || g)::uuid,
                       CASE WHEN g <= 60 THEN %(payer)s ELSE (%(relatives)s::bigint[])[g] END,
                       (%(permits)s::bigint[])[CASE WHEN g <= 60 THEN 2 + g %% 30 ELSE 1 END],
                       (%(detainees)s::bigint[])[CASE WHEN g <= 60 THEN 2 + g %% 30 ELSE 1 END],
                       %(establishment)s, 5, %(bank)s, 'ph-' || g, '', 'ACSC', 'credited', '', 1, false,
                       now(), now(), now() - (g %% 7) * interval '1 day'
                FROM generate_series(1, 180) AS g
                """,
                {"payer": relatives[0], "relatives": relatives[:181], "permits": [p for p, _d in permits[:40]],
                 "detainees": [d for _p, d in permits[:40]], "establishment": establishment.pk, "bank": bank.pk},
            )
            cursor.execute("ANALYZE transfers_transfer")
    return {"relatives": relatives, "permits": permits, "establishment": establishment, "bank": bank}


class DatabaseClock:
    """Time spent in cursor.execute and the number of queries (connection.execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def screen_once(data, relative_id: int, permit_id: int, detainee_id: int) -> tuple[float, int, float, int, int]:
    """A new transfer reserved (in a transaction rolled back), its rules evaluated (the reads: database ms and
    queries), then screened for real (the reads again and the alert's writes: database ms, queries), and the
    rules that fired."""
    from django.db import connection, transaction
    from django.utils import timezone

    from monitoring.evaluation import initiation_hits, lookback_start, recent_transfers, rules_in_force, with_current
    from monitoring.models import AlertHit
    from monitoring.services.screening import screen_reserved
    from transfers.caps import effective_caps
    from transfers.constants import TransferStatus
    from transfers.models import Transfer

    with transaction.atomic():
        now = timezone.now()
        transfer = Transfer.objects.create(
            relative_id=relative_id, permit_id=permit_id, detainee_id=detainee_id,
            establishment=data["establishment"], amount="195.00", bank=data["bank"],
            status=TransferStatus.AWAITING_AUTHORIZATION, initiated_at=now,
        )
        transfer = Transfer.objects.select_related("establishment").get(pk=transfer.pk)
        evaluation = DatabaseClock()
        with connection.execute_wrapper(evaluation):
            rules = rules_in_force()
            rows = recent_transfers(relative_id=relative_id, detainee_id=detainee_id,
                                    since=lookback_start(rules, now))
            initiation_hits(transfer, rules=rules, rows=with_current(rows, transfer),
                            caps=effective_caps(transfer.establishment))
        screening = DatabaseClock()
        with connection.execute_wrapper(screening):
            screen_reserved(transfer=transfer)
        hits = AlertHit.objects.filter(alert__transfer=transfer).count()
        transaction.set_rollback(True)
    return evaluation.seconds * 1000, evaluation.queries, screening.seconds * 1000, screening.queries, hits


def main() -> None:
    url = bench_database_url()
    ensure_bench_database(url)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.db import connection

    data = load_data()
    relatives, permits = data["relatives"], data["permits"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT relative_id) FROM transfers_transfer")
        total, payers = cursor.fetchone()
    rng = random.Random(16)
    cases = []
    for i in range(SCREENINGS):
        permit_id, detainee_id = permits[rng.randrange(len(permits))]
        kind = i % 3
        if kind == 0:  # the heavy payer, to some detainee
            cases.append(("payeur chargé", relatives[0], permit_id, detainee_id))
        elif kind == 1:  # someone to the heavy detainee
            cases.append(("détenu chargé", relatives[rng.randrange(len(relatives))], *permits[0]))
        else:
            cases.append(("au hasard", relatives[rng.randrange(len(relatives))], permit_id, detainee_id))
    for case in cases[:10]:  # warm-up: caches, plans
        screen_once(data, *case[1:])
    by_kind: dict[str, list[float]] = {}
    queries, screen_ms, screen_queries, hits = set(), [], set(), []
    for kind, *args in cases:
        ms, count, whole_ms, whole_count, fired = screen_once(data, *args)
        by_kind.setdefault(kind, []).append(ms)
        queries.add(count)
        screen_ms.append(whole_ms)
        screen_queries.add(whole_count)
        hits.append(fired)
    every = sorted(ms for values in by_kind.values() for ms in values)
    p99 = percentile(every, 99)
    print(f"{total} virements, {payers} payeurs, {len(every)} évaluations de toutes les règles")
    for kind, values in by_kind.items():
        print(f"  {kind:14} p50 {statistics.median(values):.2f} ms  p99 {percentile(sorted(values), 99):.2f} ms"
              "  (temps base des lectures)")
    print(f"  requêtes des règles : {sorted(queries)} ; règles déclenchées : {min(hits)} à {max(hits)}")
    print(f"  screen_reserved entier (lectures + alerte, retenue) : p50 {statistics.median(screen_ms):.2f} ms, "
          f"p99 {percentile(sorted(screen_ms), 99):.2f} ms, requêtes {sorted(screen_queries)}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM transfers_transfer WHERE relative_id = %s "
            "AND status IN ('awaiting_authorization','authorized','executed','received','credited') "
            "AND initiated_at >= now() - interval '60 days'", [relatives[0]])
        print("  plan (côté payeur) :", " / ".join(row[0].strip() for row in cursor.fetchall()[:2]))
    print(
        f"RESULT monitoring rules_ms_p99={p99:.2f} queries={max(queries)} ratio={p99 / TARGET_MS:.2f} target=1 "
        f"transfers={total} payers={payers} screen_ms_p99={percentile(sorted(screen_ms), 99):.2f} "
        f"screen_queries={max(screen_queries)}"
    )


def percentile(ordered: list[float], p: int) -> float:
    return ordered[max(0, int(len(ordered) * p / 100) - 1)]


if __name__ == "__main__":
    main()
