"""Benchmark: 200 concurrent parloir bookings racing for the last places of one session, then the sessions
page's queries with 10,000 bookings against 10.

Run from the repository's root with ``DATABASE_URL`` set to a PostgreSQL database (the data goes to
``<name>_bench`` on the same server, created and migrated if needed, see citizen_pages.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail python bench/parloir.py

1. The race: an establishment (its own, made for the run) with a parloir session of ``--capacity`` places, all
   but ``--left`` already booked; 200 relatives, each with a registered permit for a detainee of their own (so
   only the places decide), book it together through ``visits.services.book_visit`` (the detainee's row, then
   the session's, locked; places counted again under the lock) from ``--concurrency`` threads, each with its own
   database connection (PostgreSQL's default 100 connections: 80 threads take the 200 bookings from a queue,
   all released by one barrier). Printed: the places, the bookings made, the refusals (« complet »), the errors,
   the time and the throughput (bookings + refusals per second); ``overbooked = max(0, holding visits -
   capacity)`` must be 0.
2. The sessions page: the relative's page « Prendre un rendez-vous parloir » (/mon-espace/parloir/<id>/, through
   Django's test client, logged in) for an establishment with 4 weeks of sessions (4 a day, Tuesday to Saturday)
   and 10,000 bookings, then for one with the same sessions and 10 bookings; the queries of each are counted:
   the same number is the target (ratio 1). The page shows one week at a time: "sessions offered" counts that
   week's « Choisir ce créneau ».

Last line: ``RESULT parloir overbooked=0 ratio=<queries with 10000 / queries with 10> target=1 refusals=N
throughput=X/s queries=Q``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import queue
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from citizen_pages import bench_database_url, ensure_bench_database, setup_django  # noqa: E402

BOOKINGS = 200
BIG = 10_000
SMALL = 10


def _establishment(tag: str, name: str):
    """A new establishment for the run (parloir only: no régie account, transfers closed)."""
    from establishments.constants import Disp, EstablishmentKind
    from establishments.models import Establishment

    return Establishment.objects.create(
        code=tag, name=name, kind=EstablishmentKind.CENTRE_PENITENTIAIRE, disp=Disp.LYON,
        address_line="1 rue du Banc", postal_code="69000", city="Lyon",
    )


def _holders(establishment, tag: str, count: int, *, registered: bool):
    """``count`` detainees with one permit each (and, if ``registered``, a relative who registered it)."""
    from accounts.models import Relative, User
    from permits.models import Detainee, RegisteredPermit, VisitPermit

    born = datetime.date(1970, 1, 1)
    detainees = Detainee.objects.bulk_create(
        Detainee(establishment=establishment, ecrou=f"{tag[-6:]}{i:05d}", family_name=f"PARLOIR{i}",
                 first_name="Paul", birth_date=datetime.date(1980, 1, 1), legal_status="prevenu")
        for i in range(count)
    )
    permits = VisitPermit.objects.bulk_create(
        VisitPermit(number=f"PV-{tag}-{i:05d}", detainee=d, holder_family_name=f"PROCHE{i}",
                    holder_first_names="Marie", holder_birth_date=born, valid_from=datetime.date(2024, 1, 1))
        for i, d in enumerate(detainees)
    )
    relatives = []
    if registered:
        users = User.objects.bulk_create(User(username=f"{tag.lower()}-{i}") for i in range(count))
        relatives = Relative.objects.bulk_create(
            Relative(user=u, sub=f"{tag}-{i}", given_name="Marie", family_name=f"PROCHE{i}", birthdate=born,
                     email=f"proche{i}@example.fr")
            for i, u in enumerate(users)
        )
        RegisteredPermit.objects.bulk_create(
            RegisteredPermit(relative=r, permit=p, status="accepted") for r, p in zip(relatives, permits, strict=True)
        )
    return detainees, permits, relatives


def make_race(capacity: int, left: int):
    from visits.models import BookingRules, Visit, VisitingArea, VisitSession
    from visits.rules import at

    tag = f"PAR{int(time.time()) % 10**6:06d}"
    establishment = _establishment(tag, f"Centre pénitentiaire du banc {tag}")
    BookingRules.objects.create(establishment=establishment)
    area = VisitingArea.objects.create(establishment=establishment, name="Parloir", capacity=capacity)
    starts_at = at(datetime.date.today() + datetime.timedelta(days=3), datetime.time(10, 30))
    session = VisitSession.objects.create(area=area, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(
        minutes=45), capacity=capacity)
    held_detainees, held_permits, _ = _holders(establishment, f"{tag}H", capacity - left, registered=False)
    Visit.objects.bulk_create(
        Visit(session=session, detainee=d, permit=p) for d, p in zip(held_detainees, held_permits, strict=True)
    )
    _detainees, permits, relatives = _holders(establishment, tag, BOOKINGS, registered=True)
    return session, list(zip(permits, relatives, strict=True))


def run_race(session, bookers, concurrency: int) -> dict:
    from django.db import connection

    from visits import services
    from visits.constants import HOLDING_STATUSES
    from visits.errors import BookingError
    from visits.models import Visit

    work: queue.Queue = queue.Queue()
    for item in bookers:
        work.put(item)
    barrier = threading.Barrier(concurrency + 1)
    outcome = {"booked": 0, "refused": 0, "errors": 0}
    codes: dict[str, int] = {}
    lock = threading.Lock()

    def worker():
        connection.ensure_connection()
        barrier.wait()
        while True:
            try:
                permit, relative = work.get_nowait()
            except queue.Empty:
                break
            try:
                services.book_visit(session_id=session.pk, permit=permit, relative=relative, companions=[],
                                    minors=0, actor=relative.user)
                key, code = "booked", ""
            except BookingError as error:
                key, code = "refused", error.code
            except Exception as error:  # noqa: BLE001 - counted and shown
                key, code = "errors", type(error).__name__
            with lock:
                outcome[key] += 1
                if code:
                    codes[code] = codes.get(code, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    holding = Visit.objects.filter(session=session, status__in=HOLDING_STATUSES).count()
    return {**outcome, "codes": codes, "seconds": elapsed, "holding": holding,
            "overbooked": max(0, holding - session.capacity),
            "throughput": (outcome["booked"] + outcome["refused"]) / elapsed}


def make_page(bookings: int, tag: str):
    """An establishment with 4 weeks of sessions (Tuesday to Saturday, 09:00, 10:30, 14:00, 15:30) and
    ``bookings`` visits spread over them; returns the permit of a detainee with none."""
    from visits import services
    from visits.models import BookingRules, SessionTemplate, Visit, VisitingArea, VisitSession

    establishment = _establishment(tag, f"Maison d'arrêt du banc {tag}")
    BookingRules.objects.create(establishment=establishment, booking_horizon_days=28)
    capacity = 300
    area = VisitingArea.objects.create(establishment=establishment, name="Parloir", capacity=capacity)
    today = datetime.date.today()
    SessionTemplate.objects.bulk_create(
        SessionTemplate(area=area, weekday=weekday, start_time=start, duration_minutes=45, capacity=capacity,
                        valid_from=today)
        for weekday in range(1, 6)
        for start in (datetime.time(9), datetime.time(10, 30), datetime.time(14), datetime.time(15, 30))
    )
    opened = services.open_sessions(establishment=establishment, today=today)
    sessions = list(VisitSession.objects.filter(area=area).order_by("starts_at"))
    detainees, permits, _ = _holders(establishment, tag, max(1, bookings // 5) + 1, registered=False)
    measured = permits[-1]
    Visit.objects.bulk_create(
        (Visit(session=sessions[i % len(sessions)], detainee=detainees[i % (len(detainees) - 1)],
               permit=permits[i % (len(permits) - 1)]) for i in range(bookings)),
        batch_size=2000,
    )
    return _registered(measured, tag), opened


def _registered(permit, tag: str):
    """The relative who registered ``permit`` (accepted): the page is measured as they see it."""
    from accounts.models import Relative, User
    from permits.models import RegisteredPermit

    user = User.objects.create(username=f"{tag.lower()}-mesure")
    relative = Relative.objects.create(user=user, sub=f"{tag}-mesure", given_name="Marie",
                                       family_name=permit.holder_family_name, birthdate=permit.holder_birth_date,
                                       email="mesure@example.fr")
    return RegisteredPermit.objects.create(relative=relative, permit=permit, status="accepted")


def measure_page(registration) -> tuple[int, int, float]:
    """The relative's page « Prendre un rendez-vous parloir » (/mon-espace/parloir/<id>/) through Django's test
    client, logged in: its queries (session, relative, permit, rules, sessions, closures, blocks, the detainee's
    visits…), the sessions it offers (« Choisir ce créneau ») and its time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(registration.relative.user)
    url = f"/mon-espace/parloir/{registration.pk}/"
    client.get(url)  # the session's first touch, the templates compiled: not the figure
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries), response.content.decode().count(">Choisir ce créneau<"), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--capacity", type=int, default=8)
    parser.add_argument("--left", type=int, default=3, help="places still free when the 200 bookings start")
    parser.add_argument("--concurrency", type=int, default=80,
                        help="threads (database connections) starting together; PostgreSQL allows 100 by default")
    args = parser.parse_args()
    url = bench_database_url()
    ensure_bench_database(url)
    setup_django(url)
    from django.conf import settings
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mails are not the figure

    session, bookers = make_race(args.capacity, args.left)
    connection.close()
    race = run_race(session, bookers, args.concurrency)
    print(f"race: session of {args.capacity} places, {args.left} left, {BOOKINGS} bookings at once from "
          f"{args.concurrency} threads: booked={race['booked']} refused={race['refused']} errors={race['errors']} "
          f"refusals={race['codes']} in {race['seconds']:.2f} s ({race['throughput']:.0f}/s); holding visits "
          f"{race['holding']} for {args.capacity} places, overbooked={race['overbooked']}")

    stamp = int(time.time()) % 10**5
    big_permit, big_opened = make_page(BIG, f"PB{stamp:05d}")
    small_permit, small_opened = make_page(SMALL, f"PS{stamp:05d}")
    big_queries, big_sessions, big_s = measure_page(big_permit)
    small_queries, small_sessions, small_s = measure_page(small_permit)
    print(f"sessions page: {big_opened} sessions opened over 4 weeks; with {BIG} bookings {big_queries} queries "
          f"({big_sessions} sessions offered this week, {big_s * 1000:.0f} ms); with {SMALL} bookings "
          f"{small_queries} queries ({small_sessions} sessions offered this week, {small_s * 1000:.0f} ms)")
    ratio = big_queries / small_queries
    print(f"RESULT parloir overbooked={race['overbooked']} ratio={ratio:g} target=1 refusals={race['refused']} "
          f"throughput={race['throughput']:.0f}/s queries={big_queries} booked={race['booked']} "
          f"errors={race['errors']} bookings={BOOKINGS} concurrency={args.concurrency} "
          f"page_ms_10000={big_s * 1000:.0f} page_ms_10={small_s * 1000:.0f}")


if __name__ == "__main__":
    main()
