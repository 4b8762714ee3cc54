"""Benchmark: 200 concurrent initiations for one detainee, the throughput and the cap overshoots.

Run from the repository's root with ``DATABASE_URL`` set to a PostgreSQL database (the data goes to
``<name>_bench`` on the same server, see citizen_pages.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail python bench/concurrent_initiations.py

Each round makes one detainee (caps: 200 € per transfer, 400 € per detainee and per month, 300 € per
sender and per month), 200 relatives with a draft each (amounts from 1.00 € to 37.37 €, so that a
cent decides), then starts the 200 initiations together (a barrier) from ``--concurrency`` threads,
each with its own database connection, through ``transfers.services.reserve`` (the check and the
reservation in one transaction that locks the detainee's row). The bank is not called: the figure
is the database's. An overshoot is a detainee whose counted total passes its monthly cap, or a
sender past theirs. Last line: ``RESULT concurrent_initiations ratio=<overshoots> target=0 ...``.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from citizen_pages import bench_database_url, ensure_bench_database, setup_django  # noqa: E402

INITIATIONS = 200


def make_round(round_no: int, seed: int):
    import datetime

    from accounts.models import Relative, User
    from establishments.models import Bank, Establishment
    from permits.models import Detainee, RegisteredPermit, VisitPermit
    from sandbox.demo import load_demo
    from transfers.models import Transfer

    load_demo()
    establishment = Establishment.objects.get(code="CPDEMO")
    bank = Bank.objects.get(name="Banque de Démonstration")
    tag = f"CI{int(time.time())}{round_no:02d}"
    detainee = Detainee.objects.create(establishment=establishment, ecrou=tag[-12:], family_name=f"RACE{tag}",
                                       first_name="Paul", birth_date=datetime.date(1980, 1, 1))
    users = User.objects.bulk_create(User(username=f"{tag.lower()}-{i}") for i in range(INITIATIONS))
    relatives = Relative.objects.bulk_create(
        Relative(user=u, sub=f"{tag}-{i}", given_name="Marie", family_name=f"RACE{i}",
                 birthdate=datetime.date(1970, 1, 1)) for i, u in enumerate(users)
    )
    permits = VisitPermit.objects.bulk_create(
        VisitPermit(number=f"PV-{tag}-{i:04d}", detainee=detainee, holder_family_name=f"RACE{i}",
                    holder_first_names="Marie", holder_birth_date=datetime.date(1970, 1, 1),
                    valid_from=datetime.date(2024, 1, 1)) for i in range(INITIATIONS)
    )
    RegisteredPermit.objects.bulk_create(
        RegisteredPermit(relative=r, permit=p, status="accepted") for r, p in zip(relatives, permits, strict=True)
    )
    rng = random.Random(seed)
    drafts = Transfer.objects.bulk_create(
        Transfer(relative=r, permit=p, detainee=detainee, establishment=establishment,
                 amount=Decimal(rng.randint(100, 3737)) / 100)
        for r, p in zip(relatives, permits, strict=True)
    )
    return detainee, bank, [d.pk for d in drafts]


def run_round(detainee, bank, draft_ids, concurrency: int) -> dict:
    from django.db import connection

    from transfers import caps, services
    from transfers.models import Transfer
    from transfers.states import COUNTING_STATUSES

    work: queue.Queue = queue.Queue()
    for pk in draft_ids:
        work.put(pk)
    barrier = threading.Barrier(concurrency + 1)
    outcome = {"ok": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()

    def worker():
        connection.ensure_connection()
        barrier.wait()
        while True:
            try:
                pk = work.get_nowait()
            except queue.Empty:
                break
            try:
                services.reserve(transfer_id=pk, bank=bank)
                key = "ok"
            except services.TransferRefused:
                key = "refused"
            except Exception:  # noqa: BLE001 - counted
                key = "errors"
            with lock:
                outcome[key] += 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = caps.counted_this_month(detainee_id=detainee.pk)
    cap = Decimal("400.00")
    overshoots = int(total > cap)
    senders_over = (
        Transfer.objects.filter(detainee=detainee, status__in=COUNTING_STATUSES)
        .values("relative").order_by().distinct().count()
    )  # each sender has one transfer of ≤ 37.37 €: none can pass 300 €
    # The largest total any order could reach without overshooting: the first refusal must be real.
    left = cap - total
    smallest_refused = (
        Transfer.objects.filter(detainee=detainee, status="draft").order_by("amount").values_list("amount", flat=True)
        .first()
    )
    refusals_justified = smallest_refused is None or smallest_refused > left
    return {**outcome, "seconds": elapsed, "rps": len(draft_ids) / elapsed, "total": total,
            "overshoots": overshoots, "senders_counted": senders_over, "refusals_justified": refusals_justified}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=60,
                        help="threads (database connections) starting together; PostgreSQL allows 100 by default")
    args = parser.parse_args()
    url = bench_database_url()
    ensure_bench_database(url)
    setup_django(url)
    from django.db import connection

    overshoots, rates, errors, unjustified = 0, [], 0, 0
    for round_no in range(args.rounds):
        detainee, bank, drafts = make_round(round_no, seed=round_no)
        connection.close()
        r = run_round(detainee, bank, drafts, args.concurrency)
        overshoots += r["overshoots"]
        errors += r["errors"]
        unjustified += 0 if r["refusals_justified"] else 1
        rates.append(r["rps"])
        print(f"round {round_no + 1}: {INITIATIONS} initiations in {r['seconds']:.2f} s ({r['rps']:.0f}/s), "
              f"accepted={r['ok']} refused={r['refused']} errors={r['errors']} total={r['total']} € (cap 400.00 €) "
              f"overshoot={r['overshoots']} refusals_justified={r['refusals_justified']}")
    print(f"RESULT concurrent_initiations ratio={overshoots} target=0 overshoots={overshoots} "
          f"initiations_per_s={sum(rates) / len(rates):.0f} rounds={args.rounds} initiations={INITIATIONS} "
          f"concurrency={args.concurrency} errors={errors} unjustified_refusals={unjustified}")


if __name__ == "__main__":
    main()
