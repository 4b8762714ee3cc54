"""Fault run: a batch of transfers goes through a Celery worker killed (kill -9) with polls in flight, a
PostgreSQL restart and a sandbox bank that times out; once everything is back, every transfer reaches a
final, correct state (executed at the bank, then received and credited once), with no duplicate payment
at the bank and no duplicate credit. Each payer confirms as a payer does, over HTTP with a cookie jar:
the consent URL the portal sent them to, the bank's login page (``demo`` / ``demo``, with its CSRF token),
then "Confirmer" on "Confirmer un virement ponctuel".

    python bench/faults.py [--transfers 30]

It runs against its own PostgreSQL cluster on this machine (``pg_createcluster 15 benchfaults -p 5439``,
created on first use, restarted by the run: the other databases of the machine are not disturbed), its own
database ``portail_faults`` (dropped and recreated), its own gunicorn on 127.0.0.1:8079 serving the sandbox
bank and its own Celery worker on Redis db 7. The run waits for nothing in wall-clock backoff: after the
faults, "the clock" of the polling backoff is brought forward (``next_poll_at = now``), as the beat would
find them later."""

from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
VENV_BIN = Path(PY).parent
PG_PORT = 5439
CLUSTER = "benchfaults"
DB = "portail_faults"
WEB = "127.0.0.1:8079"
ENV = {
    "DJANGO_ENV": "development", "DJANGO_DEBUG": "false", "SANDBOX_ENABLED": "true",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB}",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7", "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/7",
    "PORTAL_BASE_URL": f"http://{WEB}", "PSD2_READ_TIMEOUT": "2", "PSD2_CONNECT_TIMEOUT": "1",
    "SANDBOX_BANK_TIMEOUT_SECONDS": "4", "LOG_LEVEL": "WARNING", "DATABASE_CONN_MAX_AGE": "0",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
sys.path.insert(0, str(ROOT))
RUN = Path(tempfile.gettempdir())  # the run's own folder, made by main()
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_FIELD = re.compile(r'name="next" value="([^"]*)"')


def configure() -> Path:
    """This process and every process it starts on the bench's own cluster, Redis db and port."""
    os.environ.update(ENV)
    os.environ.pop("CACHE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return Path(tempfile.mkdtemp(prefix="portail-faults-"))


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def pg_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def sh(*args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    if check and done.returncode != 0:
        raise SystemExit(f"échec de {' '.join(args)} :\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def prepare_cluster() -> None:
    version = pg_version()
    if CLUSTER not in sh("pg_lsclusters", "-h").stdout:
        sh("pg_createcluster", "-p", str(PG_PORT), version, CLUSTER, "--", "-A", "trust")
    sh("pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, "start", check=False)
    wait_pg()
    sh("dropdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "--if-exists", DB)
    sh("createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB)


def wait_pg() -> None:
    for _ in range(60):
        if sh("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PG_PORT), check=False).returncode == 0:
            return
        time.sleep(0.5)
    raise SystemExit("PostgreSQL (bench) ne répond pas")


def restart_pg() -> float:
    started = time.monotonic()
    sh("pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), CLUSTER, "restart", "-m", "fast")
    wait_pg()
    return time.monotonic() - started


STARTED: list[subprocess.Popen] = []  # every gunicorn and worker of the run, stopped at its end whatever happens


def start(name: str, args: list[str], **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, **extra_env}
    log = open(RUN / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    STARTED.append(process)
    return process


def start_web(**extra_env: str) -> subprocess.Popen:
    web = start("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
                GUNICORN_BIND=WEB, GUNICORN_WORKERS="3", GUNICORN_ACCESSLOG="", **extra_env)
    import requests

    for _ in range(120):
        try:
            if requests.get(f"http://{WEB}/sante/", timeout=1).status_code == 200:
                return web
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn (bench) ne répond pas")


def start_worker() -> subprocess.Popen:
    return start("worker", [str(VENV_BIN / "celery"), "-A", "config", "worker", "--concurrency=2",
                            "--loglevel=WARNING", "-n", "faults@%h"])


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class PayerStuck(RuntimeError):
    """The bank's pages did not let the payer confirm."""


def _field(pattern: re.Pattern, page: str, what: str) -> str:
    found = pattern.search(page)
    if not found:
        raise PayerStuck(f"{what} absent de la page de la banque")
    return html.unescape(found.group(1))


def payer_confirms_at_the_bank(consent_url: str, *, login: str = "demo", password: str = "demo",
                               timeout: float = 10.0) -> tuple[str, str]:
    """What a payer does at their bank, over plain HTTP with a cookie jar: open the consent URL the portal
    sent them to, log in at the bank's login page (identifier, password and its CSRF token), press
    "Confirmer". Returns ("confirmé", where the bank sends them back) or, when the bank sends them straight
    back without the confirmation page because the payment was decided already, ("déjà décidé", where)."""
    import requests

    with requests.Session() as browser:
        page = browser.get(consent_url, timeout=timeout, allow_redirects=False)
        if page.is_redirect and "/connexion/" in page.headers.get("Location", ""):
            login_url = urljoin(consent_url, page.headers["Location"])
            form = browser.get(login_url, timeout=timeout)
            if form.status_code != 200:
                raise PayerStuck(f"page de connexion de la banque : {form.status_code}")
            answer = browser.post(login_url, timeout=timeout, allow_redirects=False, headers={"Referer": login_url},
                                  data={"csrfmiddlewaretoken": _field(CSRF_TOKEN, form.text, "jeton CSRF"),
                                        "next": _field(NEXT_FIELD, form.text, "champ next"),
                                        "identifier": login, "password": password})
            if not answer.is_redirect:
                raise PayerStuck(f"connexion à la banque refusée ({answer.status_code})")
            page = browser.get(urljoin(login_url, answer.headers["Location"]), timeout=timeout, allow_redirects=False)
        if page.is_redirect:
            return "déjà décidé", page.headers.get("Location", "")
        if page.status_code != 200 or ">Confirmer<" not in page.text:
            raise PayerStuck(f"pas de bouton « Confirmer » ({page.status_code}, {page.url})")
        answer = browser.post(consent_url, timeout=timeout, allow_redirects=False, headers={"Referer": consent_url},
                              data={"csrfmiddlewaretoken": _field(CSRF_TOKEN, page.text, "jeton CSRF"),
                                    "decision": "confirm"})
        if not answer.is_redirect:
            raise PayerStuck(f"« Confirmer » : la banque répond {answer.status_code}")
        return "confirmé", answer.headers.get("Location", "")


def retrying(action, attempts: int = 40):
    """Run ``action``; a database connection lost by the restart is closed and the action tried again."""
    from django.db import InterfaceError, OperationalError, close_old_connections, connection

    for attempt in range(attempts):
        try:
            return action()
        except (OperationalError, InterfaceError):
            connection.close()
            close_old_connections()
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transfers", type=int, default=30)
    args = parser.parse_args()
    global RUN
    RUN = configure()
    try:
        run(args.transfers - args.transfers % 3)
    finally:
        for process in STARTED:
            if process.poll() is None:
                stop(process)
        # The bench's own cluster is stopped too (the next run starts it again); the machine's is never touched.
        sh("pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), CLUSTER, "stop", check=False)


def run(count: int) -> None:
    say(f"cluster PostgreSQL {pg_version()}/{CLUSTER} port {PG_PORT}, base {DB}, journaux {RUN}")
    prepare_cluster()
    sh(PY, "manage.py", "migrate", "--noinput", "-v", "0")
    sh(PY, "manage.py", "load_demo", "-v", "0")
    sh("redis-cli", "-n", "7", "FLUSHDB")

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Relative, User
    from config.celery import app
    from establishments.models import Bank
    from permits.constants import PermitKind, PermitStatus
    from permits.models import Detainee, RegisteredPermit, VisitPermit
    from reconciliation.models import CashierBatchLine
    from sandbox.models import SandboxPaymentRequest
    from transfers import services, tasks
    from transfers.constants import TransferStatus as S
    from transfers.models import Transfer
    from transfers.psd2.errors import Psd2Error

    app.conf.task_always_eager = False
    detainee = Detainee.objects.get(ecrou="123456", establishment__code="CPDEMO")
    bank = Bank.objects.get(name="Banque de Démonstration")
    senders = []
    for n in range(count):
        user = User.objects.create_user(username=f"faults-{n}")
        relative = Relative.objects.create(user=user, sub=f"faults-{n}", given_name="Proche", family_name=f"BENCH{n}",
                                           birthdate=datetime.date(1970, 1, 1), email=f"faults{n}@example.fr")
        permit = VisitPermit.objects.create(
            number=f"PV-FAULTS-{n:05d}", detainee=detainee, holder_family_name=f"BENCH{n}",
            holder_first_names="Proche", holder_birth_date=datetime.date(1970, 1, 1), relationship="famille",
            kind=PermitKind.PERMANENT, status=PermitStatus.ACTIVE, valid_from=datetime.date(2026, 1, 1),
        )
        RegisteredPermit.objects.create(relative=relative, permit=permit, status="accepted")
        senders.append((relative, permit))
    amount = Decimal("5.00")

    web = start_web()
    worker = start_worker()
    time.sleep(3)
    ids: list[int] = []
    timeouts = 0

    def initiate(relative, permit) -> int:
        draft = services.create_draft(relative=relative, permit=permit, amount=amount)
        try:
            services.initiate_payment(transfer_id=draft.pk, bank=bank, successful_report_url=f"http://{WEB}/ok",
                                      unsuccessful_report_url=f"http://{WEB}/ko")
        except Psd2Error:
            nonlocal timeouts
            timeouts += 1
        return draft.pk

    ok_url = f"http://{WEB}/ok"
    confirmed: Counter = Counter()  # transfer id -> "Confirmer" pressed on the bank's page
    already = 0

    def payer_confirms(transfer_id: int) -> None:
        """The payer follows the consent URL to the bank's pages (none yet if the bank never answered)."""
        nonlocal already
        consent_url = Transfer.objects.get(pk=transfer_id).consent_url
        if not consent_url:
            return
        outcome, back_to = payer_confirms_at_the_bank(consent_url)
        if outcome == "confirmé":
            confirmed[transfer_id] += 1
            if back_to != ok_url:
                raise SystemExit(f"la banque renvoie le payeur vers {back_to!r} au lieu de {ok_url!r}")
        else:
            already += 1

    third = count // 3
    t0 = time.monotonic()
    say(f"lot A : {third} virements initiés, confirmés par les payeurs sur les pages de la banque, "
        "sondages envoyés au worker")
    for relative, permit in senders[:third]:
        ids.append(initiate(relative, permit))
        payer_confirms(ids[-1])
        Transfer.objects.filter(pk=ids[-1]).update(next_poll_at=timezone.now())  # the clock: poll due now
        tasks.poll_transfer.delay(ids[-1])
    time.sleep(1)
    say("PANNE 1 : kill -9 du worker Celery, sondages en cours")
    stop(worker, signal.SIGKILL)

    say(f"lot B : {third} virements initiés et confirmés sur les pages de la banque, worker arrêté "
        "(sondages en file dans Redis)")
    for relative, permit in senders[third:2 * third]:
        ids.append(initiate(relative, permit))
        payer_confirms(ids[-1])
        Transfer.objects.filter(pk=ids[-1]).update(next_poll_at=timezone.now())
        tasks.poll_transfer.delay(ids[-1])

    say("PANNE 2 : redémarrage de PostgreSQL")
    pg_seconds = restart_pg()
    say(f"PostgreSQL de nouveau prêt en {pg_seconds:.1f} s ; worker relancé")
    from django.db import connections

    connections.close_all()
    worker = start_worker()

    say("PANNE 3 : la banque ne répond plus dans les délais (SANDBOX_BANK_FAILURE=timeout)")
    stop(web)
    web = start_web(SANDBOX_BANK_FAILURE="timeout")
    for relative, permit in senders[2 * third:]:
        ids.append(retrying(lambda r=relative, p=permit: initiate(r, p)))
    for transfer_id in ids[:2 * third]:
        retrying(lambda t=transfer_id: Transfer.objects.filter(pk=t).update(next_poll_at=timezone.now()))
    app.send_task("transfers.poll_pending_transfers")
    time.sleep(6)
    stuck = Counter(Transfer.objects.filter(pk__in=ids).values_list("status", flat=True))
    say(f"pendant les pannes (lot A sondé avant le kill, lot B en file, lot C sans banque) : {dict(stuck)} ; "
        f"initiations sans réponse de la banque : {timeouts}")

    say("RETOUR : banque normale ; les virements sans demande de paiement sont relancés (« Réessayer »), "
        "leurs payeurs confirment sur les pages de la banque")
    stop(web)
    web = start_web()
    retried = 0
    for transfer_id in ids:
        transfer = Transfer.objects.get(pk=transfer_id)
        if transfer.status == S.AWAITING_AUTHORIZATION and not transfer.payment_request_id:
            services.initiate_payment(transfer_id=transfer_id, bank=bank, successful_report_url=f"http://{WEB}/ok",
                                      unsuccessful_report_url=f"http://{WEB}/ko")
            retried += 1
        payer_confirms(transfer_id)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        pending = Transfer.objects.filter(pk__in=ids).exclude(status__in=[S.EXECUTED, S.REJECTED, S.EXPIRED])
        if not pending.exists():
            break
        pending.update(next_poll_at=timezone.now())
        app.send_task("transfers.poll_pending_transfers")
        time.sleep(2)
    recovered = time.monotonic() - t0
    executed = Transfer.objects.filter(pk__in=ids, status=S.EXECUTED).count()
    say(f"{executed}/{count} exécutés {recovered:.1f} s après le début ({retried} initiations relancées ; "
        f"« Confirmer » pressé sur la page de la banque : {sum(confirmed.values())}, pages déjà décidées : {already})")

    say("rapprochement : relevé camt.053 de la banque, lot de caisse, accusé (appliqué deux fois)")
    statement, batch, ack = RUN / "releve.xml", RUN / "lot.csv", RUN / "accuse.csv"
    call_command("sandbox_statement", "CPDEMO", "--output", str(statement))
    app.conf.task_always_eager = True
    call_command("import_statement", str(statement))
    call_command("cashier_batch", "CPDEMO", "--output", str(batch))
    call_command("sandbox_cashier_ack", str(batch), "--output", str(ack))
    call_command("cashier_ack", str(ack))
    try:
        call_command("cashier_ack", str(ack))  # the same acknowledgement again: nothing more is credited
    except Exception as exc:  # noqa: BLE001 - refusing the replay is a correct answer too
        say(f"accusé rejoué : refusé, rien de plus n'est versé ({str(exc).splitlines()[0][:160]})")

    stop(worker)
    stop(web)
    statuses = Counter(Transfer.objects.filter(pk__in=ids).values_list("status", flat=True))
    references = list(Transfer.objects.filter(pk__in=ids).values_list("reference", flat=True))
    payments = Counter(SandboxPaymentRequest.objects.filter(end_to_end_id__in=references)
                       .values_list("end_to_end_id", flat=True))
    executed_at_bank = SandboxPaymentRequest.objects.filter(end_to_end_id__in=references, status="ACSC").count()
    duplicate_payments = sum(n - 1 for n in payments.values() if n > 1)
    lines = Counter(CashierBatchLine.objects.filter(transfer_id__in=ids).values_list("transfer_id", flat=True))
    duplicate_credits = sum(n - 1 for n in lines.values() if n > 1)
    credited = statuses.get(S.CREDITED, 0)
    print(f"virements : {count} ; états finaux : {dict(statuses)}")
    print(f"demandes de paiement à la banque : {sum(payments.values())} pour {len(payments)} virements, "
          f"exécutées : {executed_at_bank}, doublons : {duplicate_payments}")
    print(f"lignes de caisse : {sum(lines.values())}, doublons de crédit : {duplicate_credits}")
    print(f"PostgreSQL redémarré en {pg_seconds:.1f} s ; initiations sans réponse : {timeouts}, relancées : {retried}")
    print(f"payeurs : « Confirmer » pressé sur la page de la banque pour {len(confirmed)} virements "
          f"({sum(confirmed.values())} fois ; connexion demo/demo avec jeton CSRF), pages déjà décidées : {already}")
    confirmed_once = len(confirmed) == count and all(n == 1 for n in confirmed.values())
    correct = (credited == count and duplicate_payments == 0 and duplicate_credits == 0 and executed_at_bank == count
               and confirmed_once)
    print(f"RESULT faults ratio={credited / count:.2f} target=1.00 credited={credited} transfers={count} "
          f"duplicate_payments={duplicate_payments} duplicate_credits={duplicate_credits} "
          f"confirmed_on_bank_pages={len(confirmed)} recovery_s={recovered:.1f} correct={'yes' if correct else 'no'}")
    sys.exit(0 if correct else 1)


if __name__ == "__main__":
    main()
