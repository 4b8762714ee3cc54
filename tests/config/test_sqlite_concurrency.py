"""The embedded default (SQLite) serves a small office's concurrency: 30 relatives submit the amount of a
transfer to the same detainee at the same instant, then choose their bank at the same instant; none gets a 500
("database is locked" answered 20 of them before the transactions took the write lock when they began), and the
detainee's monthly cap still holds to the cent.

The test database of the other tests is SQLite in memory, one connection shared by every thread: this test runs
in a subprocess on a file database, with the settings the embedded default uses (config/settings.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RELATIVES = 30

SCRIPT = r"""
import datetime, json, re, sys, threading
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from django.conf import settings
from django.test import Client
from accounts.models import Relative, User
from establishments.models import Bank
from permits.models import Detainee, RegisteredPermit, VisitPermit
from sandbox.demo import load_demo
from transfers import caps, services
from transfers.models import Transfer

load_demo()
detainee = Detainee.objects.get(ecrou="123456")
bank = Bank.objects.get(name="Banque de Démonstration")
registrations = []
for i in range(int(sys.argv[1])):
    user = User.objects.create(username=f"proche-{i}")
    relative = Relative.objects.create(user=user, sub=f"sub-{i}", given_name="Marie", family_name=f"COURSE{i}",
                                       birthdate=datetime.date(1970, 1, 1))
    permit = VisitPermit.objects.create(number=f"PV-2026-9{i:05d}", detainee=detainee,
                                        holder_family_name=f"COURSE{i}", holder_first_names="Marie",
                                        holder_birth_date=datetime.date(1970, 1, 1),
                                        valid_from=datetime.date(2024, 1, 1))
    registrations.append(RegisteredPermit.objects.create(relative=relative, permit=permit, status="accepted"))
connection.close()

barrier = threading.Barrier(len(registrations))
statuses, outcomes, errors = [], [], []

def submit(registration):
    try:
        client = Client(raise_request_exception=False)
        client.force_login(registration.relative.user)
        form = client.get(f"/mon-espace/virements/nouveau/{registration.pk}/")
        key = re.search(r'name="key" value="([0-9a-f-]+)"', form.content.decode()).group(1)
        barrier.wait(timeout=60)
        response = client.post(f"/mon-espace/virements/nouveau/{registration.pk}/", {"amount": "20,00", "key": key})
        statuses.append(response.status_code)
        transfer = Transfer.objects.get(idempotency_key=key)
        barrier.wait(timeout=60)
        try:
            services.reserve(transfer_id=transfer.pk, bank=bank)
            outcomes.append("reserved")
        except services.TransferRefused:
            outcomes.append("refused")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=submit, args=(r,)) for r in registrations]
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=120)
print(json.dumps({
    "options": settings.DATABASES["default"]["OPTIONS"], "statuses": statuses, "outcomes": outcomes,
    "errors": errors, "counted": str(caps.counted_this_month(detainee_id=detainee.pk)),
    "journal": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
}))
"""


@pytest.mark.timeout(300)
def test_thirty_relatives_at_once_on_the_embedded_sqlite_get_no_error_and_the_cap_holds(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "development",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portail.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media"),
           "PSD2_SESSION_FACTORY": "transfers.psd2.http.default_session"}
    env.pop("CELERY_BROKER_URL", None)
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(RELATIVES)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["options"]["transaction_mode"] == "IMMEDIATE" and seen["journal"] == "wal"
    assert seen["errors"] == [], seen["errors"][:3]
    # Every amount was taken (a redirect to the bank list), none answered 500.
    assert seen["statuses"] == [302] * RELATIVES
    # 400 € per detainee per month: 20 transfers of 20 € pass, the 10 others are refused, not one cent more.
    assert sorted(seen["outcomes"]) == ["refused"] * 10 + ["reserved"] * 20
    assert seen["counted"] == "400.00"
