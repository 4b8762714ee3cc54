"""Benchmark: the history page and the "Pécule" tab with 1,000,000 transfers in PostgreSQL.

Run from the repository's root with ``DATABASE_URL`` set to a PostgreSQL database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail python bench/citizen_pages.py

The data goes to a separate database on the same server (``<name>_bench``, created and migrated if
missing, reused afterwards). It prints the SQL query counts of both pages for a relative with few
and with many transfers (they must be equal), then serves the portal with gunicorn and drives it with
32 concurrent clients: a bare Django view returning a fixed page, the history page and the "Pécule"
tab, in the same run. Last line: ``RESULT citizen_pages ratio=<slowest page rps / rps of the bare view with the
relative's session> target=0.4 p99_ms=<worst p99 of the two pages>`` (baseline and target restated from the
measurements: the bare view without a session measures Django alone, not what a page of Mon espace can reach).

Imported by gunicorn (``citizen_pages:application``) it is the WSGI application: the portal's URLs
plus ``/bench/bare/``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TOTAL_TRANSFERS = 1_000_000
RELATIVES = 1_000
CLIENTS = 32
BENCH_MARK = "BENCHPAGES"


# -- as a WSGI module (gunicorn) ---------------------------------------------------------------
def _wsgi():
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = __name__
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def bare(request):
    from django.http import HttpResponse

    return HttpResponse(b"<!DOCTYPE html><html lang=\"fr\"><title>Bare</title><p>Page fixe.</p></html>")


def layout(request):
    """Diagnostic: an empty page in the portal's layout (base.html), for the relative's session."""
    from django.shortcuts import render

    return render(request, "base.html", {"title": "Mesure"})


def _urlpatterns():
    from django.urls import path

    from config.urls import urlpatterns as portal

    return [path("bench/bare/", bare), path("bench/layout/", layout), *portal]


if __name__ != "__main__":
    if os.environ.get("BENCH_WSGI") == "1":
        application = _wsgi()
        urlpatterns = _urlpatterns()


# -- database ----------------------------------------------------------------------------------
def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (postgres://…).")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "portail"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return parts._replace(path=f"/{name}").geturl()


def ensure_bench_database(url: str) -> None:
    """Create and migrate the bench database if needed."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"base {name} créée")
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def load_data() -> dict:
    """The demo data, RELATIVES relatives with their permits, TOTAL_TRANSFERS transfers over two years
    (inserted by SQL), and the measured relative's session. Reused when already there."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from accounts.models import Relative, User
    from establishments.models import Bank, Establishment
    from permits.models import Detainee, RegisteredPermit, VisitPermit
    from sandbox.demo import load_demo
    from transfers.models import Transfer

    load_demo()
    establishment = Establishment.objects.get(code="CPDEMO")
    bank = Bank.objects.get(name="Banque de Démonstration")
    detainee = Detainee.objects.get(establishment=establishment, ecrou="123456")
    with transaction.atomic():
        if not Relative.objects.filter(sub__startswith=BENCH_MARK).exists():
            users = User.objects.bulk_create(User(username=f"{BENCH_MARK.lower()}{i}") for i in range(RELATIVES))
            Relative.objects.bulk_create(
                Relative(user=u, sub=f"{BENCH_MARK}-{i}", given_name="Marie", family_name=f"BENCH{i}",
                         birthdate=datetime.date(1970, 1, 1), email=f"bench{i}@example.fr")
                for i, u in enumerate(users)
            )
            detainees = Detainee.objects.bulk_create(
                Detainee(establishment=establishment, ecrou=f"B{i:06d}", family_name=f"DETENU{i}", first_name="Paul",
                         birth_date=datetime.date(1980, 1, 1))
                for i in range(RELATIVES)
            )
            VisitPermit.objects.bulk_create(
                VisitPermit(number=f"PV-BENCH-{i:06d}", detainee=detainees[i], holder_family_name=f"BENCH{i}",
                            holder_first_names="Marie", holder_birth_date=datetime.date(1970, 1, 1),
                            valid_from=datetime.date(2024, 1, 1))
                for i in range(RELATIVES)
            )
    stray = list(VisitPermit.objects.filter(number__startswith="PV-BENCH-", detainee=detainee).order_by("number"))
    if stray:  # data of an earlier version of this bench: every bench permit gets its own detainee
        own = Detainee.objects.bulk_create(
            Detainee(establishment=establishment, ecrou=f"B{p.number[-6:]}", family_name=f"DETENU{p.number[-6:]}",
                     first_name="Paul", birth_date=datetime.date(1980, 1, 1))
            for p in stray
        )
        for permit, own_detainee in zip(stray, own, strict=True):
            permit.detainee = own_detainee
        VisitPermit.objects.bulk_update(stray, ["detainee"])
    relatives = list(Relative.objects.filter(sub__startswith=BENCH_MARK).order_by("pk").values_list("pk", flat=True))
    permits = list(
        VisitPermit.objects.filter(number__startswith="PV-BENCH-").order_by("number").values_list("pk", flat=True)
    )
    heavy = Relative.objects.get(pk=relatives[0])
    light = Relative.objects.get(pk=relatives[-1])
    for relative, permit_id in ((heavy, permits[0]), (light, permits[-1])):
        RegisteredPermit.objects.get_or_create(relative=relative, permit_id=permit_id, defaults={"status": "accepted"})
    missing = TOTAL_TRANSFERS - Transfer.objects.filter(reference__startswith="PDPB").count()
    if missing > 0:
        started = time.perf_counter()
        # All but 40 transfers go to the first RELATIVES-1 relatives (the heavy one among them); the
        # light one has a handful.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO transfers_transfer (
                    reference, idempotency_key, relative_id, permit_id, detainee_id, establishment_id, amount,
                    bank_id, payment_request_id, consent_url, bank_status, status, failure_reason, poll_attempts,
                    held, created_at, updated_at, initiated_at, executed_at, received_at, credited_at)
                SELECT 'PDPB' || lpad(g::text, 19, '0'), md5('bench' || g)::uuid,
                       CASE WHEN g <= 40 THEN %(light)s ELSE (%(relatives)s::bigint[])[1 + g %% %(n)s] END,
                       CASE WHEN g <= 40 THEN %(light_permit)s ELSE (%(permits)s::bigint[])[1 + g %% %(n)s] END,
                       %(detainee)s, %(establishment)s, (1 + g %% 150)::numeric(10, 2), %(bank)s, 'pr-' || g, '',
                       'ACSC',
                       (ARRAY['credited', 'credited', 'credited', 'executed', 'rejected', 'expired'])[1 + g %% 6],
                       '', 1, false, t, t, t, t, t, t
                FROM (
                    SELECT g, now() - ((g * 7919) %% (730 * 86400)) * interval '1 second' AS t
                    FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
                ) AS s
                """,
                {
                    "light": light.pk, "light_permit": permits[-1],
                    "relatives": relatives[:-1], "permits": permits[:-1],
                    "n": len(relatives) - 1, "detainee": detainee.pk, "establishment": establishment.pk,
                    "bank": bank.pk, "start": TOTAL_TRANSFERS - missing + 1, "stop": TOTAL_TRANSFERS,
                },
            )
        print(f"{missing} virements insérés en {time.perf_counter() - started:.1f} s")
    # Each relative sends to their own permit's detainee (a detainee gets about 1,000 transfers in two years).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE transfers_transfer AS t SET detainee_id = vp.detainee_id FROM permits_visitpermit AS vp
            WHERE vp.id = t.permit_id AND t.detainee_id <> vp.detainee_id AND t.reference LIKE 'PDPB%%'
            """
        )
        if cursor.rowcount:
            print(f"{cursor.rowcount} virements rattachés à la personne détenue de leur permis")
        # As autovacuum would have done on a live table: the visibility map lets the history count from the index.
        cursor.execute("VACUUM ANALYZE transfers_transfer")
    sessions = {}
    for label, relative in (("heavy", heavy), ("light", light)):
        session = SessionStore()
        session[SESSION_KEY] = str(relative.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = relative.user.get_session_auth_hash()
        session.set_expiry(24 * 3600)
        session.create()
        sessions[label] = session.session_key
    return {"sessions": sessions, "heavy": heavy, "light": light,
            "total": Transfer.objects.count()}


def query_counts(data) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label in ("light", "heavy"):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = data["sessions"][label]
        for name, url in (("history", "/mon-espace/virements/historique/"), ("pecule", "/mon-espace/pecule/")):
            client.get(url, HTTP_HOST="127.0.0.1")  # warm: the site's menus cached, the session's activity stamped
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)
            counts[f"{name}_{label}"] = len(captured.captured_queries)
    return counts


# -- load --------------------------------------------------------------------------------------
def drive(host: str, port: int, path: str, cookie: str, seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    headers = {"Cookie": cookie, "Host": f"{host}:{port}"} if cookie else {"Host": f"{host}:{port}"}

    def client():
        mine, bad = [], 0
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return {"rps": len(latencies) / elapsed, "p99_ms": p99, "median_ms": statistics.median(latencies) * 1000,
            "requests": len(latencies), "errors": errors[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="durée de chaque mesure")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()

    url = bench_database_url()
    ensure_bench_database(url)
    setup_django(url)
    data = load_data()
    counts = query_counts(data)
    print(f"transfers={data['total']} " + " ".join(f"queries_{k}={v}" for k, v in counts.items()))
    fixed = counts["history_light"] == counts["history_heavy"] and counts["pecule_light"] == counts["pecule_heavy"]
    print(f"fixed_query_count={'yes' if fixed else 'NO'}")

    from django.conf import settings
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DATABASE_URL": url, "BENCH_WSGI": "1", "DJANGO_DEBUG": "false",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
           # As in production (scripts/stack.sh): the cache shared by the workers is Redis.
           "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9")}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "citizen_pages:application", "--pythonpath", f"{ROOT / 'bench'},{ROOT}",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread", "--log-level", "warning", "--keep-alive", "5"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                probe.request("GET", "/bench/bare/")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            sys.exit("gunicorn ne répond pas")
        cookie = f"{settings.SESSION_COOKIE_NAME}={data['sessions']['heavy']}"
        drive("127.0.0.1", args.port, "/mon-espace/virements/historique/", cookie, 3, CLIENTS)  # warm-up
        results = {
            # The baseline: the bare view with the relative's session (what every page of Mon espace pays for the
            # session, the second factor's and the scoping's middleware), measured before and after the pages.
            "bare_with_session": drive("127.0.0.1", args.port, "/bench/bare/", cookie, args.seconds, CLIENTS),
            "history": drive("127.0.0.1", args.port, "/mon-espace/virements/historique/", cookie, args.seconds,
                             CLIENTS),
            "pecule": drive("127.0.0.1", args.port, "/mon-espace/pecule/", cookie, args.seconds, CLIENTS),
            "bare_with_session2": drive("127.0.0.1", args.port, "/bench/bare/", cookie, args.seconds, CLIENTS),
            # Diagnostics, not in the ratio: the bare view without a session, and the empty layout.
            "bare": drive("127.0.0.1", args.port, "/bench/bare/", "", args.seconds / 2, CLIENTS),
            "layout_with_session": drive("127.0.0.1", args.port, "/bench/layout/", cookie, args.seconds / 2,
                                         CLIENTS),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for name, r in results.items():
        print(f"{name}: rps={r['rps']:.1f} median_ms={r['median_ms']:.1f} p99_ms={r['p99_ms']:.1f} "
              f"requests={r['requests']} errors={r['errors']}")
    baseline_rps = (results["bare_with_session"]["rps"] + results["bare_with_session2"]["rps"]) / 2
    page_rps = min(results["history"]["rps"], results["pecule"]["rps"])
    p99 = max(results["history"]["p99_ms"], results["pecule"]["p99_ms"])
    errors = sum(r["errors"] for r in results.values())
    print(f"RESULT citizen_pages ratio={page_rps / baseline_rps:.3f} target=0.4 p99_ms={p99:.1f} "
          f"bare_session_rps={baseline_rps:.1f} bare_rps={results['bare']['rps']:.1f} "
          f"history_rps={results['history']['rps']:.1f} "
          f"pecule_rps={results['pecule']['rps']:.1f} clients={CLIENTS} transfers={data['total']} errors={errors}")


if __name__ == "__main__":
    main()
