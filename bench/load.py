"""Load run on the production-shaped stack (``make stack``, gunicorn): a bounded Python load generator
(threads, 127.0.0.1 only, bounded in requests and time) mixing the home page, a guide page, "Mon espace"
and the history (with a logged-in relative's session cookie), against the bare health view (/sante/:
one SELECT 1, no template) in the same run. Prints requests per second and p50/p95/p99 of each page.

    python bench/load.py [--base http://127.0.0.1:8000] [--clients 16] [--seconds 20] [--max-requests 20000]

The relative's session is made in the stack's database (DATABASE_URL of the stack) with Django's session
engine, as FranceConnect's callback would; the relative and her permit come from the demo data."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def relative_session_cookie() -> tuple[str, str]:
    """A session of a demo relative (Angela DUBOIS with PV-2026-000123), as the login would make it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import Relative, User
    from permits.models import RegisteredPermit, VisitPermit

    user, _ = User.objects.get_or_create(username="bench-angela")
    relative, _ = Relative.objects.get_or_create(user=user, defaults={
        "sub": "bench-angela", "given_name": "Angela Claire Louise", "family_name": "DUBOIS",
        "birthdate": datetime.date(1962, 8, 24), "email": "angela.dubois@example.fr",
    })
    RegisteredPermit.objects.get_or_create(
        relative=relative, permit=VisitPermit.objects.get(number="PV-2026-000123"), defaults={"status": "accepted"}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return settings.SESSION_COOKIE_NAME, store.session_key


def guide_path(base: str) -> str | None:
    """The first guide-like page in the site's menu (CMS), if the CMS has one."""
    import re

    home = requests.get(base + "/", timeout=10).text
    for href in re.findall(r'href="(/[a-z0-9-]+/)"', home):
        if href not in ("/contact/", "/accessibilite/", "/mon-espace/", "/recherche/") and "pecule" in href:
            return href
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default=os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=20000)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench/load.py ne charge que 127.0.0.1.")

    cookie_name, cookie = relative_session_cookie()
    pages = {"accueil": ("/", False), "sante (vue nue)": ("/sante/", False),
             "mon-espace": ("/mon-espace/", True), "historique": ("/mon-espace/virements/historique/", True)}
    guide = guide_path(base)
    if guide:
        pages["guide"] = (guide, False)
    for name, (path, logged) in pages.items():
        check = requests.get(base + path, cookies={cookie_name: cookie} if logged else None, timeout=10,
                             allow_redirects=False)
        if check.status_code != 200:
            sys.exit(f"{name} ({path}) répond {check.status_code} : la pile tourne-t-elle (make stack) ?")

    order = list(pages.items())
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    budget = [args.max_requests]
    deadline = time.monotonic() + args.seconds

    def client(index: int) -> None:
        session = requests.Session()
        session.cookies.set(cookie_name, cookie)
        i = index
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            name, (path, logged) = order[i % len(order)]
            i += 1
            started = time.perf_counter()
            try:
                response = session.get(base + path, timeout=30, allow_redirects=False,
                                       cookies=None if logged else {cookie_name: ""})
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    timings[name].append(elapsed)
                else:
                    errors[name] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) >= 2 else float("nan")

    total = sum(len(v) for v in timings.values())
    print(f"{args.clients} clients, {wall:.1f} s, {total} réponses 200, {sum(errors.values())} erreurs")
    print(f"{'page':<18}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'erreurs':>9}")
    for name in pages:
        values = timings[name]
        print(f"{name:<18}{len(values) / wall:>8.1f}{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}"
              f"{pct(values, 99):>9.1f}{errors[name]:>9}")
    bare = pct(timings["sante (vue nue)"], 50)
    ratios = {name: pct(timings[name], 50) / bare for name in pages if name != "sante (vue nue)"}
    worst = max(ratios, key=ratios.get)
    print("p50 / p50 de la vue nue : " + ", ".join(f"{k}={v:.1f}" for k, v in ratios.items()))
    print(f"RESULT load ratio={ratios[worst]:.1f} target=10 worst={worst.replace(' ', '_')} rps={total / wall:.1f} "
          f"errors={sum(errors.values())} clients={args.clients}")


if __name__ == "__main__":
    main()
