"""Benchmark: import and match a camt.053 statement of 100,000 credit entries against 100,000
executed transfers (reconciliation.services.statements.import_statement: streaming parse, matching, entries and
their history, transfers to ``received`` with their history, all in one transaction), against a bare
lxml ``iterparse`` pass over the same file, in the same run. Then the peak memory of importing a
statement of 1,000,000 entries.

Run from the repository's root, on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_r python bench/reconcile.py

It creates a throwaway database ``portail_bench_reconcile`` on that server, migrates it, and drops it
at the end; no other data is touched. Last line: ``RESULT reconcile ratio=X target=1 peak_mb=Y ...``.

The target, as restated from the measurements in bench/README.md: the 100,000-entry import within 30 s
(``ratio`` is its time over 30 s, target 1) and under 300 MB when importing 1,000,000 entries. Its time
over the bare lxml pass is printed beside it (``bare_ratio``): the first target, 3× the bare pass, cannot
be reached by an import that writes every entry, its history and every transfer's with theirs
(bench/README.md).

The 1,000,000-entry phase imports a statement of 1,000,000 entries for real, in a fresh process on
the same database, against 1,000,000 more executed transfers that it writes first (COPY), and reports
that process's peak RSS: the import reads in a thread of its own that stays at most a few chunks of
10,000 lines ahead of the matching, and keeps nothing per entry beyond the current chunk (it takes
about four minutes on two cores). ``import_peak_mb`` is the 100,000-entry run's own process.
Options (environment): BENCH_ENTRIES (100000), BENCH_MEMORY_ENTRIES (1000000), BENCH_PROFILE=1.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
N_MEMORY = int(os.environ.get("BENCH_MEMORY_ENTRIES", "1000000"))
IMPORT_TARGET_S = 30
TARGET = 1
MEMORY_TARGET_MB = 300
DB_NAME = "portail_bench_reconcile"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
IBAN = "FR7610071750000000100012302"


def urls() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/portail_f")
    return urlunsplit(parts._replace(path="/" + DB_NAME)), urlunsplit(parts._replace(path="/postgres"))


def admin_sql(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)


def peak_mb() -> float:
    """This program's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent
    through fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference(i: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    digits = []
    for _ in range(20):
        i, r = divmod(i, 32)
        digits.append(alphabet[r])
    return "PDP" + "".join(reversed(digits))


def write_statement(path: str, n: int, amount: str = "25.00", first: int = 0) -> None:
    """A camt.053.001.08 of ``n`` credits of ``amount`` paying the transfers ``reference(first)``
    onwards, each with its transaction details, written as a bank would (streamed to disk). Every
    transfer is the bench relative's (Angela DUBOIS), paid from her own account in her name, as her bank
    writes it: clean for the monitoring's statement rules, which still read every entry."""
    total = f"{25 * n:.2f}"
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}"><BkToCstmrStmt>'
            f"<GrpHdr><MsgId>BENCH-{first}-{n}</MsgId><CreDtTm>2026-06-10T20:00:00+02:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>STMT-BENCH</Id><CreDtTm>2026-06-10T20:00:00+02:00</CreDtTm>"
            f"<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            f"<Dt><Dt>2026-06-10</Dt></Dt></Bal>"
            f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{total}</Amt>'
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-10</Dt></Dt></Bal>\n"
        )
        for i in range(first, first + n):
            ref = reference(i)
            out.write(
                f'<Ntry><NtryRef>{i + 1}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
                f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-06-10</Dt></BookgDt><ValDt><Dt>2026-06-10</Dt></ValDt>"
                f"<AcctSvcrRef>BANK{i:010d}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>"
                f"<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs>"
                f"<AcctSvcrRef>BANK{i:010d}</AcctSvcrRef><InstrId>{ref}</InstrId><EndToEndId>{ref}</EndToEndId></Refs>"
                f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>MME DUBOIS ANGELA'
                f"</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>FR7630004000000001234567845</IBAN></Id></DbtrAcct></RltdPties>"
                f"<RltdAgts><DbtrAgt><FinInstnId><BICFI>DEMOFRPP</BICFI></FinInstnId></DbtrAgt></RltdAgts>"
                f"<RmtInf><Ustrd>PECULE MARTIN JEAN ECROU 123456 REF {ref}</Ustrd></RmtInf>"
                f"</TxDtls></NtryDtls></Ntry>\n"
            )
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def bare_iterparse(path: str) -> int:
    """The floor: lxml's iterparse over the entries, each cleared, nothing read from them."""
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(path, events=("end",), tag=f"{{{NS}}}Ntry"):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def import_child(path: str, n: int, first: int) -> None:
    """In a fresh process, on the bench database: ``n`` more executed transfers (written by COPY,
    streamed), then the import of the statement at ``path`` that pays them; print the entries matched,
    the import's seconds and the process's peak RSS."""
    import uuid

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from reconciliation.constants import MatchOutcome
    from reconciliation.services.statements import import_statement
    from transfers.models import Transfer

    model = Transfer.objects.filter(establishment__code="CPBENCH").values(
        "relative_id", "permit_id", "detainee_id", "establishment_id", "bank_id").first()
    columns = ("reference", "idempotency_key", "relative_id", "permit_id", "detainee_id", "establishment_id",
               "amount", "bank_id", "payment_request_id", "consent_url", "bank_status", "status", "failure_reason",
               "poll_attempts", "held", "instant", "created_at", "updated_at", "initiated_at", "executed_at")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY transfers_transfer ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for i in range(first, first + n):
            copy.write_row((reference(i), uuid.uuid4(), model["relative_id"], model["permit_id"],
                            model["detainee_id"], model["establishment_id"], "25.00", model["bank_id"], "", "", "",
                            "executed", "", 0, False, False, now, now, now, now))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE transfers_transfer")
    started = time.perf_counter()
    result = import_statement(path=path, file_name=os.path.basename(path), max_bytes=1 << 40)
    seconds = time.perf_counter() - started
    print(f"{result.counts.get(MatchOutcome.MATCHED, 0)} {seconds:.2f} {peak_mb():.1f}")


def setup_data(n: int):
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Relative, User
    from establishments.models import Bank, Establishment
    from permits.models import Detainee, VisitPermit
    from transfers.constants import TransferStatus
    from transfers.models import Transfer

    establishment = Establishment.objects.create(
        code="CPBENCH", name="Centre de banc d'essai", kind="centre_penitentiaire", disp="paris",
        regie_iban=IBAN, regie_bic="TRPUFRP1", regie_holder="REGIE BENCH", transfers_enabled=True,
    )
    detainee = Detainee.objects.create(
        establishment=establishment, ecrou="123456", family_name="MARTIN", first_name="Jean",
        birth_date="1985-03-14",
    )
    permit = VisitPermit.objects.create(
        number="PV-BENCH", detainee=detainee, holder_family_name="DUBOIS", holder_first_names="Angela",
        holder_birth_date="1962-08-24", valid_from="2026-01-01",
    )
    relative = Relative.objects.create(
        user=User.objects.create_user(username="bench"), sub="bench", given_name="Angela", family_name="DUBOIS",
        birthdate="1962-08-24",
    )
    bank = Bank.objects.create(name="Banque", bic="DEMOFRPP", api_base_url="https://bank.example/stet")
    now = timezone.now()
    for start in range(0, n, 5000):  # in slices: the setup must not set the process's peak memory
        Transfer.objects.bulk_create(
            [
                Transfer(
                    reference=reference(i), relative=relative, permit=permit, detainee=detainee,
                    establishment=establishment, amount=Decimal("25.00"), bank=bank,
                    status=TransferStatus.EXECUTED, initiated_at=now, executed_at=now,
                )
                for i in range(start, min(start + 5000, n))
            ]
        )


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--import":
        import_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return
    bench_url, maintenance = urls()
    admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    admin_sql(maintenance, f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    workdir = tempfile.mkdtemp(prefix="bench-reconcile-")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from reconciliation.constants import MatchOutcome
        from reconciliation.services.statements import import_statement
        from transfers.models import Transfer

        started = time.perf_counter()
        setup_data(N_ENTRIES)
        statement = os.path.join(workdir, "releve-100k.xml")
        write_statement(statement, N_ENTRIES)
        size_mb = os.path.getsize(statement) / 1024 / 1024
        print(f"setup: {N_ENTRIES} transfers, statement {size_mb:.1f} MB, {time.perf_counter() - started:.1f} s")

        bare_runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            assert bare_iterparse(statement) == N_ENTRIES
            bare_runs.append(time.perf_counter() - t0)
        bare = min(bare_runs)
        print(f"bare iterparse: {bare:.2f} s (best of 3: {', '.join(f'{b:.2f}' for b in bare_runs)})")

        profile = os.environ.get("BENCH_PROFILE") == "1"
        sql_seconds: dict[str, float] = {}
        timing = contextlib.ExitStack()
        if profile:
            import cProfile
            import pstats

            from django.db import connection

            def timed(execute, sql, params, many, context):
                t = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    what = " ".join(sql.split()[:3])[:50]
                    sql_seconds[what] = sql_seconds.get(what, 0.0) + time.perf_counter() - t

            # cProfile sees this thread (matching and database); the reader thread's parsing is profiled
            # by running parse_statement alone.
            profiler = cProfile.Profile()
            timing.enter_context(connection.execute_wrapper(timed))
            profiler.enable()
        t0 = time.perf_counter()
        with timing:
            result = import_statement(path=statement, file_name="releve-100k.xml", max_bytes=1 << 40)
        elapsed = time.perf_counter() - t0
        if profile:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
            print("database time by statement (COPY and the commit's deferred checks not included):")
            for what, seconds in sorted(sql_seconds.items(), key=lambda item: -item[1])[:8]:
                print(f"  {seconds:6.2f} s  {what}")
        import_peak = peak_mb()
        matched = result.counts.get(MatchOutcome.MATCHED, 0)
        received = Transfer.objects.filter(status="received").count()
        assert matched == N_ENTRIES and received == N_ENTRIES, (matched, received)
        bare_ratio = elapsed / bare
        ratio = elapsed / IMPORT_TARGET_S
        print(f"import + matching: {elapsed:.2f} s ({N_ENTRIES / elapsed:,.0f} entries/s), {matched} matched, "
              f"{received} transfers received; {bare_ratio:.2f}× the bare pass; "
              f"{ratio:.2f} of the {IMPORT_TARGET_S} s target (target ≤ {TARGET})")
        print(f"import process peak RSS: {import_peak:.0f} MB")

        big = os.path.join(workdir, "releve-1m.xml")
        t0 = time.perf_counter()
        write_statement(big, N_MEMORY, first=N_ENTRIES)
        big_mb = os.path.getsize(big) / 1024 / 1024
        print(f"statement of {N_MEMORY} entries: {big_mb:.0f} MB written in {time.perf_counter() - t0:.1f} s")
        os.remove(statement)
        from django.db import connections

        connections.close_all()
        child = subprocess.run(
            [sys.executable, __file__, "--import", big, str(N_MEMORY), str(N_ENTRIES)], capture_output=True,
            text=True, cwd=ROOT, env={**os.environ}, check=True,
        )
        matched_big, seconds, big_peak = child.stdout.strip().splitlines()[-1].split()
        assert int(matched_big) == N_MEMORY, matched_big
        print(f"import of {N_MEMORY} entries against {N_MEMORY} more transfers (fresh process): "
              f"{float(seconds):.1f} s, peak RSS {float(big_peak):.0f} MB (target < {MEMORY_TARGET_MB} MB)")
        print(
            f"RESULT reconcile ratio={ratio:.2f} target={TARGET} peak_mb={float(big_peak):.0f} "
            f"peak_target_mb={MEMORY_TARGET_MB} import_s={elapsed:.2f} import_target_s={IMPORT_TARGET_S} "
            f"bare_ratio={bare_ratio:.2f} bare_s={bare:.2f} entries={N_ENTRIES} "
            f"import_peak_mb={import_peak:.0f} memory_entries={N_MEMORY} memory_import_s={float(seconds):.1f} "
            f"file_mb={size_mb:.0f}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
        admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{DB_NAME}"')


if __name__ == "__main__":
    main()
