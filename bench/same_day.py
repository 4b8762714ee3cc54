"""Same-day money on the production-shaped stack: 1,000 relatives pay between 09:00 and 09:30 (a simulated
clock), the régie's bank sends a camt.054 notice every 5 minutes, the 10:00 cut-off makes the cashier batch and
the cashier acknowledges it. Prints the distribution of the time from the payer's « Confirmer » to the transfer
credited, the share credited the same day (before the 10:00 batch is acknowledged), and checks that nothing is
credited twice (one batch line, one CREDITED acknowledgement, one matched statement entry per transfer; the
evening camt.053 imported at the end credits nothing more and leaves no exception in the queue).

    python bench/same_day.py [--relatives 1000] [--scale 6] [--clients 16] [--amount 20.00]

The stack is the production-shaped one of ``scripts/stack.sh``, started by the bench with its own names:
database ``portail_e_same_day`` on 127.0.0.1:5432 (dropped and recreated each run; ``--keep-db`` keeps it
for a look afterwards), Redis db 8 (broker) and 9 (cache), gunicorn (gthread) on 127.0.0.1:8078 serving the portal
and the sandbox bank, one Celery worker and one Celery beat. The beat does the real work on its own schedule:
``reconciliation.scan_statement_inbox`` every ``RECONCILIATION_INBOX_SECONDS`` (2 s) imports the notices dropped
in the run's inbox folder, ``reconciliation.run_cashier_cutoffs`` every ``CASHIER_CUTOFF_CHECK_SECONDS`` (2 s)
makes the batch once the establishment's cut-off has passed.

The simulated clock: one simulated minute is ``--scale`` real seconds. The cut-off is a real wall-clock minute
(Europe/Paris, "HH:MM", ``Establishment.cashier_cutoffs`` of CPDEMO set to that one time only), so the bench
picks the first whole minute at least 60 simulated minutes (plus the setup) ahead, calls it 10:00, and starts the
simulated 09:00 is 60 simulated minutes before it: the clock needs no rounding. The default scale, 6 s, is what a
2-CPU machine keeps up with: each payment is about ten HTTP requests plus the portal's two calls to the bank's API
(on the same gunicorn), about 6–10 payments a second here; 1,000 payments in 30 simulated minutes at 2 s a minute
(60 s) fell 20–55 simulated minutes behind their planned times with other test suites running. The bench prints how
late the payers were; the time to credit is measured from the real « Confirmer » anyway.

What each of the ``--relatives`` relatives is: a Relative with a session made in the database (as the
FranceConnect callback would, like ``bench/load.py``), the holder in their own name of a permanent visit permit
registered to them, for one of ``relatives / 2`` detainees of CPDEMO (two payers a detainee: under the money-flow
rules' « de nombreux payeurs » threshold; one detainee a payer: under « plusieurs personnes détenues »; each payer
a name of their own, so a bank account of their own). Transfers held by the monitoring anyway are counted apart.
« Banque de Démonstration » is flagged ``instant_payments`` (SCT Inst).

Each payer pays at its time, spread evenly over 09:00–09:30, over HTTP like a browser (``--clients`` at once):
the amount page (GET, then POST with its CSRF token and idempotency key), the bank list (POST « Banque de
Démonstration »), the bank's consent URL with its own cookie jar (login ``demo``/``demo`` with CSRF, then
« Confirmer »: the bench records the wall-clock moment it posts it), then the portal's return URL. A notices
thread writes the sandbox bank's camt.054 of the payments executed so far (``sandbox_statement CPDEMO
--notice``, in this process) at 09:05, 09:10 … 09:55, to a temporary name then renamed into the inbox as
``*.xml`` (the beat never reads half a file). After 10:00 the bench waits for the cut-off's batch, has the sandbox
cashier acknowledge its content (``sandbox_cashier_ack``) and applies the acknowledgement (``cashier_ack``),
timing that moment; then imports the evening camt.053 (``sandbox_statement`` + ``import_statement``).

Figures: per transfer, simulated minutes from « Confirmer » to ``credited_at``. Last line:
``RESULT same_day ratio=<share credited before the acknowledgement of the 10:00 batch> target=1
credited_same_day=<n>/<total> p90_minutes=<x> …`` (percentiles over every relative: one never credited counts as
infinite). Exit 1 on any double credit, or when the evening camt.053 could not be imported or left exceptions (the
no-double-credit check is then incomplete); 2 if the run broke. The run's folder (logs of gunicorn, worker and beat,
the inbox with done/ and failed/, the batch, the acknowledgement, the evening statement) is kept and named."""

from __future__ import annotations

import argparse
import datetime
import html
import io
import math
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
VENV_BIN = Path(PY).parent
DB = "portail_e_same_day"
WEB = "127.0.0.1:8078"
REDIS_BROKER, REDIS_CACHE = 8, 9
PARIS = ZoneInfo("Europe/Paris")
ESTABLISHMENT = "CPDEMO"
BANK = "Banque de Démonstration"
ENV = {
    "DJANGO_ENV": "development", "DJANGO_DEBUG": "false", "SANDBOX_ENABLED": "true",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_BROKER}",
    "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:6379/{REDIS_BROKER}",
    "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_CACHE}",
    "PORTAL_BASE_URL": f"http://{WEB}", "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "RECONCILIATION_INBOX_SECONDS": "2", "CASHIER_CUTOFF_CHECK_SECONDS": "2",
}
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_FIELD = re.compile(r'name="next" value="([^"]*)"')
KEY_FIELD = re.compile(r'name="key" value="([^"]+)"')
RUN = Path(tempfile.gettempdir())
STARTED: list[subprocess.Popen] = []


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if check and done.returncode != 0:
        raise SystemExit(f"échec de {' '.join(args)} :\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def start(name: str, args: list[str], **extra_env: str) -> subprocess.Popen:
    log = open(RUN / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **extra_env}, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    STARTED.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_stack(clients: int) -> None:
    """gunicorn (enough threads for the clients and the portal's own calls to the sandbox bank on the same
    server), a Celery worker and a Celery beat."""
    import requests

    threads = max(8, clients)
    start("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
          GUNICORN_BIND=WEB, GUNICORN_WORKERS="3", GUNICORN_THREADS=str(threads), GUNICORN_ACCESSLOG="",
          GUNICORN_TIMEOUT="60")
    start("worker", [str(VENV_BIN / "celery"), "-A", "config", "worker", "--concurrency=2", "--loglevel=INFO",
                     "-n", "same_day@%h"])
    start("beat", [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                   "--schedule", str(RUN / "celerybeat-schedule")])
    for _ in range(120):
        try:
            if requests.get(f"http://{WEB}/sante/", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn (bench) ne répond pas : voir {RUN}/gunicorn.log")


def letters(n: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``BA``: a name of letters only, one per relative."""
    out = ""
    while True:
        out = chr(65 + n % 26) + out
        n //= 26
        if not n:
            return out


class Clock:
    """Simulated minutes since 09:00 from the wall clock: ``scale`` real seconds a simulated minute."""

    def __init__(self, t0: float, scale: float):
        self.t0, self.scale = t0, scale

    def minutes(self, wall: float) -> float:
        return (wall - self.t0) / self.scale

    def wall(self, minutes: float) -> float:
        return self.t0 + minutes * self.scale

    def label(self, wall: float) -> str:
        m = self.minutes(wall)
        return f"{9 + int(m // 60):02d}:{int(m % 60):02d}"

    def wait_until(self, minutes: float) -> None:
        delay = self.wall(minutes) - time.time()
        if delay > 0:
            time.sleep(delay)


class PayerStuck(RuntimeError):
    """A page did not let the payer go on."""


def _field(pattern: re.Pattern, page: str, what: str) -> str:
    found = pattern.search(page)
    if not found:
        raise PayerStuck(f"{what} absent de la page")
    return html.unescape(found.group(1))


def browser():
    """A cookie jar that opens a connection per request (``Connection: close``: gunicorn recycles a worker every
    GUNICORN_MAX_REQUESTS, and a connection kept alive by the recycled worker is reset under the next request, which
    a browser would quietly send again) and tries a page (GET) again after a broken connection; a form (POST) is
    never resent."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=2, connect=2, read=2, status=0, backoff_factor=0.1,
                                                           allowed_methods=frozenset({"GET"}))))
    session.headers["Connection"] = "close"
    return session


def pay(*, base: str, cookie: tuple[str, str], registration_id: int, bank_id: int, amount: str,
        timeout: float = 60.0) -> tuple[str, float, float]:
    """One relative's transfer over HTTP, as a browser: returns (reference, wall time of « Confirmer », wall time
    back on the portal's return page)."""
    with browser() as portal:
        portal.cookies.set(*cookie)
        url = f"{base}/mon-espace/virements/nouveau/{registration_id}/"
        page = portal.get(url, timeout=timeout)
        if page.status_code != 200:
            raise PayerStuck(f"page du montant : {page.status_code}")
        answer = portal.post(url, timeout=timeout, allow_redirects=False, headers={"Referer": url},
                             data={"csrfmiddlewaretoken": _field(CSRF_TOKEN, page.text, "jeton CSRF"),
                                   "key": _field(KEY_FIELD, page.text, "clé du formulaire"), "amount": amount})
        if not answer.is_redirect:
            raise PayerStuck(f"« Réaliser le virement » : {answer.status_code}")
        bank_url = urljoin(url, answer.headers["Location"])
        reference = bank_url.rstrip("/").split("/")[-2]
        page = portal.get(bank_url, timeout=timeout)
        answer = portal.post(bank_url, timeout=timeout, allow_redirects=False, headers={"Referer": bank_url},
                             data={"csrfmiddlewaretoken": _field(CSRF_TOKEN, page.text, "jeton CSRF"),
                                   "bank": str(bank_id)})
        if not answer.is_redirect or "/mon-espace/" in answer.headers.get("Location", ""):
            raise PayerStuck(f"choix de la banque : {answer.status_code} {answer.headers.get('Location', '')}")
        consent_url = urljoin(bank_url, answer.headers["Location"])
        with browser() as bank:  # the bank is another site: a cookie jar of its own
            page = bank.get(consent_url, timeout=timeout, allow_redirects=False)
            if page.is_redirect:
                login_url = urljoin(consent_url, page.headers["Location"])
                form = bank.get(login_url, timeout=timeout)
                answer = bank.post(login_url, timeout=timeout, allow_redirects=False, headers={"Referer": login_url},
                                   data={"csrfmiddlewaretoken": _field(CSRF_TOKEN, form.text, "jeton CSRF"),
                                         "next": _field(NEXT_FIELD, form.text, "champ next"),
                                         "identifier": "demo", "password": "demo"})
                if not answer.is_redirect:
                    raise PayerStuck(f"connexion à la banque : {answer.status_code}")
                page = bank.get(urljoin(login_url, answer.headers["Location"]), timeout=timeout)
            if page.status_code != 200 or ">Confirmer<" not in page.text:
                raise PayerStuck(f"pas de bouton « Confirmer » ({page.status_code})")
            token = _field(CSRF_TOKEN, page.text, "jeton CSRF")
            confirmed_at = time.time()
            answer = bank.post(consent_url, timeout=timeout, allow_redirects=False, headers={"Referer": consent_url},
                               data={"csrfmiddlewaretoken": token, "decision": "confirm"})
            if not answer.is_redirect:
                raise PayerStuck(f"« Confirmer » : {answer.status_code}")
        back = portal.get(answer.headers["Location"], timeout=timeout)
        if back.status_code != 200 or "Votre virement a été pris en compte" not in back.text:
            raise PayerStuck(f"retour sur le portail : {back.status_code}")
        return reference, confirmed_at, time.time()


def pay_noting_the_step(**kwargs) -> tuple[str, float, float]:
    """``pay``, a broken connection said with the request it broke (which page of the payer's way)."""
    import requests

    try:
        return pay(**kwargs)
    except requests.RequestException as exc:
        where = exc.request.method + " " + exc.request.path_url.split("/")[-2] if exc.request is not None else "?"
        raise PayerStuck(f"{where} : {type(exc).__name__} {exc}") from exc


def set_up_bank_and_cutoff(cutoff: str) -> int:
    """CPDEMO's one cut-off (``cutoff``, "HH:MM" Europe/Paris); the demo bank offers SCT Inst. Returns its id."""
    from establishments.models import Bank, Establishment

    establishment = Establishment.objects.get(code=ESTABLISHMENT)
    establishment.cashier_cutoffs = [cutoff]
    establishment._change_reason = "bench same_day"
    establishment.save()
    bank = Bank.objects.get(name=BANK)
    bank.instant_payments = True
    bank._change_reason = "bench same_day"
    bank.save()
    return bank.pk


def make_payers(first: int, count: int) -> list[tuple[int, tuple[str, str]]]:
    """Relatives ``first`` … ``first + count - 1``, each with a session made in the database and a permanent
    permit in their own name, registered, for detainee ``n // 2``. Returns [(registration id, session cookie)]."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import Relative, User
    from establishments.models import Establishment
    from permits.constants import PermitKind, PermitStatus
    from permits.models import Detainee, RegisteredPermit, VisitPermit

    establishment = Establishment.objects.get(code=ESTABLISHMENT)
    payers = []
    for n in range(first, first + count):
        detainee, _ = Detainee.objects.get_or_create(
            establishment=establishment, ecrou=f"9{n // 2:05d}",
            defaults={"family_name": f"DETENU{letters(n // 2)}", "first_name": "Paul",
                      "birth_date": datetime.date(1980, 1, 1)})
        name = f"PROCHE{letters(n)}"
        user = User.objects.create_user(username=f"same-day-{n}")
        relative = Relative.objects.create(user=user, sub=f"same-day-{n}", given_name="Claire", family_name=name,
                                           birthdate=datetime.date(1970, 1, 1), email=f"same-day-{n}@example.fr")
        permit = VisitPermit.objects.create(
            number=f"PV-SAMEDAY-{n:05d}", detainee=detainee, holder_family_name=name,
            holder_first_names="Claire", holder_birth_date=datetime.date(1970, 1, 1), relationship="famille",
            kind=PermitKind.PERMANENT, status=PermitStatus.ACTIVE, valid_from=datetime.date(2026, 1, 1))
        registration = RegisteredPermit.objects.create(relative=relative, permit=permit, status="accepted")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        payers.append((registration.pk, (settings.SESSION_COOKIE_NAME, store.session_key)))
    return payers


def pick_cutoff(scale: float, setup_seconds: float) -> tuple[datetime.datetime, float]:
    """The cut-off: the first whole real minute at least 60 simulated minutes (and the setup) from now; the
    simulated 09:00 is 60 simulated minutes before it. Returns (the cut-off, Europe/Paris; t0 as a wall time)."""
    earliest = datetime.datetime.now(PARIS) + datetime.timedelta(seconds=60 * scale + setup_seconds)
    cutoff = (earliest + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
    if cutoff.date() != datetime.datetime.now(PARIS).date():
        raise SystemExit("La coupure tomberait demain (heure de Paris) : relancez après minuit.")
    return cutoff, cutoff.timestamp() - 60 * scale


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, math.ceil(q / 100 * len(ordered)) - 1)  # nearest rank
    return ordered[rank]


def histogram(values: list[float], width: int = 50) -> list[str]:
    if not values:
        return []
    step = 5.0
    top = math.ceil(max(values) / step) * step or step
    bins = Counter(min(int(v // step), int(top // step) - 1) for v in values)
    most = max(bins.values())
    rows = []
    for i in range(int(top // step)):
        n = bins.get(i, 0)
        rows.append(f"  {i * step:5.0f}–{(i + 1) * step:<4.0f} min {n:6d} {'#' * round(n / most * width)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--relatives", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=6.0, help="secondes réelles par minute simulée")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--amount", default="20,00")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    global RUN
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    RUN = Path(tempfile.mkdtemp(prefix="portail-same-day-"))
    os.environ["RECONCILIATION_INBOX_DIR"] = str(RUN / "inbox")
    os.environ["RECONCILIATION_UPLOAD_DIR"] = str(RUN / "releves")
    (RUN / "inbox").mkdir()
    sys.path.insert(0, str(ROOT))
    code = 2
    try:
        code = run(args)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
    finally:
        for process in STARTED:
            if process.poll() is None:
                stop(process)
        sh("redis-cli", "-n", str(REDIS_BROKER), "FLUSHDB", check=False)
        sh("redis-cli", "-n", str(REDIS_CACHE), "FLUSHDB", check=False)
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB, check=False)
    sys.exit(code)


def run(args) -> int:  # noqa: C901, PLR0912, PLR0915 - one run, step by step
    say(f"base {DB}, Redis {REDIS_BROKER}/{REDIS_CACHE}, gunicorn {WEB}, dossier {RUN} ; "
        f"charge de la machine : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if sh("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", check=False).returncode != 0:
        raise SystemExit("PostgreSQL ne répond pas sur 127.0.0.1:5432")
    sh("redis-cli", "ping")
    sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB)
    sh("createdb", "-h", "127.0.0.1", "-U", "postgres", DB)
    sh("redis-cli", "-n", str(REDIS_BROKER), "FLUSHDB")
    sh("redis-cli", "-n", str(REDIS_CACHE), "FLUSHDB")
    started = time.time()
    sh(PY, "manage.py", "migrate", "--noinput", "-v", "0")
    sh(PY, "manage.py", "load_demo", "-v", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from reconciliation.constants import EXCEPTION_OUTCOMES, MatchOutcome, Resolution
    from reconciliation.models import BankStatement, CashierBatch, CashierBatchLine, StatementEntry
    from transfers.constants import TransferStatus as S
    from transfers.models import Transfer

    # The setup of 1,000 relatives takes a while: measured on 20 first, then the cut-off is chosen.
    t_setup = time.time()
    set_up_bank_and_cutoff("23:59")  # no cut-off passes while the relatives are made
    payers = make_payers(0, min(args.relatives, 20))
    per_payer = (time.time() - t_setup) / len(payers)
    rest = args.relatives - len(payers)
    cutoff, t0 = pick_cutoff(args.scale, setup_seconds=rest * per_payer * 1.3 + 25)
    cutoff_label = f"{cutoff:%H:%M}"
    payers += make_payers(len(payers), rest)
    bank_id = set_up_bank_and_cutoff(cutoff_label)
    say(f"{len(payers)} proches prêts en {time.time() - started:.0f} s ; coupure de 10:00 = {cutoff_label} "
        f"(heure de Paris), 09:00 simulé = {datetime.datetime.fromtimestamp(t0, PARIS):%H:%M:%S}, "
        f"1 min simulée = {args.scale:g} s")
    start_stack(args.clients)
    clock = Clock(t0, args.scale)
    if time.time() > t0:
        raise SystemExit("La pile a démarré trop tard pour 09:00 simulé : relancez (ou --scale plus grand).")
    say(f"pile prête (gunicorn, worker, beat) ; attente de 09:00 simulé ({t0 - time.time():.0f} s)")
    clock.wait_until(0)

    base = f"http://{WEB}"
    schedule: queue.Queue = queue.Queue()
    for i, payer in enumerate(payers):
        schedule.put((30.0 * i / len(payers), payer))
    results: list[tuple[str, float, float, float]] = []  # reference, planned minute, confirmed at, back at
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        while True:
            try:
                planned, (registration_id, cookie) = schedule.get_nowait()
            except queue.Empty:
                return
            clock.wait_until(planned)
            try:
                reference, confirmed_at, back_at = pay_noting_the_step(
                    base=base, cookie=cookie, registration_id=registration_id, bank_id=bank_id, amount=args.amount)
            except Exception as exc:  # noqa: BLE001 - counted and shown
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
            else:
                with lock:
                    results.append((reference, planned, confirmed_at, back_at))

    notices: list[tuple[str, int]] = []
    stop_notices = threading.Event()

    def notice_writer() -> None:
        from django.db import connection as thread_connection

        try:
            for k in range(1, 12):  # 09:05 … 09:55
                clock.wait_until(5 * k)
                if stop_notices.is_set():
                    return
                name = f"avis-{clock.label(time.time()).replace(':', 'h')}.xml"
                temporary = RUN / f".{name}.part"
                call_command("sandbox_statement", ESTABLISHMENT, "--notice", "--output", str(temporary),
                             stderr=io.StringIO())
                entries = temporary.read_text(encoding="utf-8").count("<Ntry>")
                os.rename(temporary, RUN / "inbox" / name)
                notices.append((clock.label(time.time()), entries))
        except Exception:  # noqa: BLE001 - shown; the run goes on, its figures tell the rest
            traceback.print_exc()
            notices.append(("échec", -1))
        finally:
            thread_connection.close()

    writer = threading.Thread(target=notice_writer)
    writer.start()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last_back = max((r[3] for r in results), default=time.time())
    lag = [clock.minutes(r[2]) - r[1] for r in results]
    say(f"paiements : {len(results)} confirmés, {len(failures)} échecs ; dernier retour sur le portail à "
        f"{clock.label(last_back)} simulé ; retard sur l'horaire prévu : médiane {statistics.median(lag or [0]):.1f} "
        f"min, max {max(lag or [0]):.1f} min")
    for failure in Counter(failures).most_common(5):
        say(f"  échec ×{failure[1]} : {failure[0][:300]}")
    writer.join()
    say("avis camt.054 déposés (heure simulée : écritures) : " + ", ".join(f"{h}: {n}" for h, n in notices))

    # The cut-off's batch, made by the beat; then the sandbox cashier's acknowledgement, applied.
    cutoff_time = datetime.time(cutoff.hour, cutoff.minute)
    deadline = cutoff.timestamp() + max(120.0, 30 * args.scale)
    batch = None
    while time.time() < deadline:
        batch = CashierBatch.objects.filter(establishment__code=ESTABLISHMENT, day=cutoff.date(),
                                            cutoff=cutoff_time).first()
        if batch is not None:
            break
        time.sleep(0.5)
    received = Transfer.objects.filter(reference__in=[r[0] for r in results], status=S.RECEIVED).count()
    if batch is None:
        say(f"aucun lot de la coupure {cutoff_label} (voir {RUN}/beat.log, {RUN}/worker.log) ; "
            f"virements reçus : {received}")
        ack_at = None
    else:
        say(f"lot de 10:00 ({cutoff_label}) créé à {clock.label(batch.created_at.timestamp())} simulé : "
            f"{batch.line_count} virements")
        (RUN / "lot-10h.csv").write_text(batch.content, encoding="utf-8")
        call_command("sandbox_cashier_ack", str(RUN / "lot-10h.csv"), "--output", str(RUN / "accuse-10h.csv"),
                     stderr=io.StringIO())
        call_command("cashier_ack", str(RUN / "accuse-10h.csv"), stdout=open(os.devnull, "w"))  # noqa: SIM115
        ack_at = time.time()
        say(f"accusé de la caisse appliqué à {clock.label(ack_at)} simulé")
    connection.close()

    # The evening: the day's camt.053, imported; nothing more may be credited, no exception left.
    time.sleep(1)
    references = [r[0] for r in results]
    credited_before = set(Transfer.objects.filter(reference__in=references, status=S.CREDITED)
                          .values_list("reference", flat=True))
    evening_error = ""
    try:
        call_command("sandbox_statement", ESTABLISHMENT, "--output", str(RUN / "releve-soir.xml"),
                     stderr=io.StringIO())
        call_command("import_statement", str(RUN / "releve-soir.xml"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    except Exception as exc:  # noqa: BLE001 - shown, and the run is then not correct
        evening_error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        say(f"relevé camt.053 du soir : ÉCHEC de l'import ({evening_error})")
        connection.close()
    stop_notices.set()
    for process in list(STARTED):
        stop(process)

    transfers = {t.reference: t for t in Transfer.objects.filter(reference__in=references)}
    statuses = Counter(t.status for t in transfers.values())
    held = sum(1 for t in transfers.values() if t.held)
    credited_after = {ref for ref, t in transfers.items() if t.status == S.CREDITED}
    ids = [t.pk for t in transfers.values()]
    lines = Counter(CashierBatchLine.objects.filter(transfer_id__in=ids).values_list("transfer_id", flat=True))
    ack_credited = Counter()
    if (RUN / "accuse-10h.csv").exists():
        for row in (RUN / "accuse-10h.csv").read_text(encoding="utf-8").splitlines()[1:]:
            cells = row.split(";")
            if len(cells) > 1 and cells[1] == "CREDITED":
                ack_credited[cells[0]] += 1
    matched = Counter(StatementEntry.objects.filter(transfer_id__in=ids, outcome=MatchOutcome.MATCHED)
                      .values_list("transfer_id", flat=True))
    already_seen = StatementEntry.objects.filter(transfer_id__in=ids, outcome=MatchOutcome.ALREADY_SEEN).count()
    exceptions = StatementEntry.objects.filter(outcome__in=EXCEPTION_OUTCOMES, resolution=Resolution.NONE).count()
    kinds = Counter(BankStatement.objects.values_list("kind", flat=True))
    double_lines = sum(n - 1 for n in lines.values() if n > 1)
    double_acks = sum(n - 1 for n in ack_credited.values() if n > 1)
    double_matches = sum(n - 1 for n in matched.values() if n > 1)
    newly_credited = len(credited_after - credited_before)

    minutes, to_received = {}, []
    for reference, _planned, confirmed_at, _back in results:
        transfer = transfers.get(reference)
        if transfer is not None and transfer.received_at is not None:
            to_received.append(clock.minutes(transfer.received_at.timestamp()) - clock.minutes(confirmed_at))
        if transfer is not None and transfer.credited_at is not None:
            minutes[reference] = clock.minutes(transfer.credited_at.timestamp()) - clock.minutes(confirmed_at)
    instant = sum(1 for t in transfers.values() if t.instant)
    same_day = [ref for ref in credited_before
                if ack_at is not None and transfers[ref].credited_at.timestamp() <= ack_at
                and transfers[ref].credited_at.astimezone(PARIS).date() == cutoff.date()]
    total = args.relatives
    values = list(minutes.values())
    # The percentiles are over every relative: one not credited (or whose payment failed) counts as never.
    everyone = values + [math.inf] * (total - len(values))
    print(f"virements : {total} proches, {len(results)} confirmés à la banque, {len(failures)} échecs ; "
          f"états : {dict(statuses)} ; demandés en SCT Inst : {instant} ; retenus par la surveillance : {held}")
    print(f"fichiers importés : {dict(kinds)} ; écritures déjà lues (avis puis relevé) : {already_seen}")
    print(f"lignes de caisse : {sum(lines.values())} (doublons : {double_lines}) ; accusés CREDITED : "
          f"{sum(ack_credited.values())} (doublons : {double_acks}) ; écritures rapprochées : {sum(matched.values())} "
          f"(doublons : {double_matches}) ; versés par le relevé du soir : {newly_credited} ; exceptions en attente : "
          f"{exceptions}")
    if to_received:
        print(f"« Confirmer » → reçu par l'établissement (avis camt.054 importé, minutes simulées) : "
              f"min {min(to_received):.1f}, p50 {percentile(to_received, 50):.1f}, "
              f"p90 {percentile(to_received, 90):.1f}, max {max(to_received):.1f}")
    if values:
        print(f"« Confirmer » → versé (minutes simulées, {total - len(values)} jamais versés comptés infinis) : "
              f"min {min(everyone):.1f}, p50 {percentile(everyone, 50):.1f}, p90 {percentile(everyone, 90):.1f}, "
              f"p99 {percentile(everyone, 99):.1f}, max {max(everyone):.1f}")
        print("\n".join(histogram(values)))
    double = double_lines + double_acks + double_matches + newly_credited
    correct = not double and not evening_error and not exceptions
    print(f"RESULT same_day ratio={len(same_day) / total:.3f} target=1 credited_same_day={len(same_day)}/{total} "
          f"p90_minutes={percentile(everyone, 90):.1f} p50_minutes={percentile(everyone, 50):.1f} "
          f"max_minutes={max(everyone):.1f} double_credits={double} evening={'failed' if evening_error else 'ok'} "
          f"correct={'yes' if correct else 'no'} instant={instant} held={held} "
          f"failed_payments={len(failures)} evening_exceptions={exceptions} scale_s={args.scale:g} "
          f"load={os.getloadavg()[0]:.2f}")
    return 0 if correct else 1


if __name__ == "__main__":
    main()
