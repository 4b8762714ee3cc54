"""The start-up smoke check's walk (scripts/smoke_start.sh): a newcomer on the portal started by `make run` on a port
other than 8000, driven over HTTP with `requests` (a browser keeping its cookies, following redirects).

1. `load_demo`'s output in `make run`'s log is a few lines (not the task logs);
2. at http://127.0.0.1:PORT: "S’identifier avec FranceConnect", the stand-in's page on the same host and port, the
   test identity Angela DUBOIS, "Mon espace"; her permit PV-2026-000123 (MARTIN); 20 € through the "Banque de
   Démonstration" (login demo / demo, "Confirmer"), back on "Votre virement a été pris en compte";
3. at http://localhost:PORT (the same portal under its other name): Pierre DUPONT's login to "Mon espace".

Every page must stay on the address the walk started from. Exits 1 with the reason on the first failure.

    python scripts/smoke_start.py --base http://127.0.0.1:8822 --make-log run.log
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

LOAD_DEMO_MAX_LINES = 8
TIMEOUT = 30


class SmokeFailure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, text


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._button: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=(a.get("method") or "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self.forms[-1].buttons.append((a["name"], a.get("value", ""), a.get("value", "")))
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None and self.forms:
            name, value, text = self._button
            self.forms[-1].buttons.append((name, value, " ".join(text.split())))
            self._button = None


def forms(response: requests.Response) -> list[Form]:
    parser = _FormParser()
    parser.feed(response.text)
    return parser.forms


def text(response: requests.Response) -> str:
    return html.unescape(response.text)


class Walk:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.browser = requests.Session()
        self.browser.trust_env = False

    def _on_base(self, response: requests.Response) -> requests.Response:
        for step in [*response.history, response]:
            check(step.url.startswith(f"{self.base}/"),
                  f"{step.url} quitte l'adresse du portail {self.base} (les stand-ins suivent l'hôte et le port)")
        check(response.status_code == 200,
              f"{response.request.method} {response.url} : HTTP {response.status_code}\n{response.text[:1500]}")
        return response

    def get(self, path_or_url: str) -> requests.Response:
        return self._on_base(self.browser.get(urljoin(f"{self.base}/", path_or_url), timeout=TIMEOUT))

    def submit(self, page: requests.Response, form: Form, button: tuple[str, str, str] | None = None,
               **values: str) -> requests.Response:
        data = dict(form.fields)
        if button and button[0]:
            data[button[0]] = button[1]
        data.update(values)
        url = urljoin(page.url, form.action) if form.action else page.url
        if form.method == "post":
            response = self.browser.post(url, data=data, headers={"Referer": page.url}, timeout=TIMEOUT)
        else:
            response = self.browser.get(url, params=data, headers={"Referer": page.url}, timeout=TIMEOUT)
        return self._on_base(response)

    @staticmethod
    def form_with(page: requests.Response, *, action: str = "", field_name: str = "", button_text: str = "",
                  where: str) -> tuple[Form, tuple[str, str, str] | None]:
        for form in forms(page):
            if action and not form.action.endswith(action):
                continue
            if field_name and field_name not in form.fields:
                continue
            if button_text:
                for button in form.buttons:
                    if button_text in button[2]:
                        return form, button
                continue
            return form, (form.buttons[0] if form.buttons else None)
        raise SmokeFailure(f"{where} : formulaire introuvable sur {page.url}")

    def login(self, identity: str, given_name: str) -> requests.Response:
        home = self.get("/")
        check("S’identifier avec" in text(home) and "FranceConnect" in text(home),
              f"{home.url} : pas de bouton « S’identifier avec FranceConnect »")
        form, button = self.form_with(home, action="/connexion/franceconnect/", where="Bouton FranceConnect")
        authorize = self.submit(home, form, button)
        check(authorize.url.startswith(f"{self.base}/sandbox/franceconnect/authorize?"),
              f"la connexion mène à {authorize.url}, pas au FranceConnect de démonstration de {self.base}")
        form, button = next(
            ((f, b) for f in forms(authorize) if f.fields.get("identity") == identity for b in f.buttons[:1]),
            (None, None),
        )
        check(form is not None, f"{authorize.url} : identité de test {identity} absente")
        espace = self.submit(authorize, form, button)
        check(urlsplit(espace.url).path == "/mon-espace/", f"après la connexion : {espace.url}, pas « Mon espace »")
        check(f"Bonjour {given_name}" in text(espace), f"{espace.url} : pas de « Bonjour {given_name} »")
        return espace

    def send_money(self, permit: str, detainee: str, amount: str) -> requests.Response:
        page = self.get("/mon-espace/permis/ajouter/")
        form, button = self.form_with(page, field_name="permit_number", where="Ajouter un permis de visite")
        espace = self.submit(page, form, button, permit_number=permit, detainee_family_name=detainee)
        check(f"Le permis de visite {permit} a été ajouté" in text(espace), f"{espace.url} : permis {permit} refusé")
        link = None
        for path in ("/mon-espace/", "/mon-espace/pecule/"):
            link = re.search(r'href="([^"]*/virements/nouveau/\d+/)"', self.get(path).text)
            if link:
                break
        check(link, "aucun lien « Alimenter le pécule » vers le formulaire du montant")
        page = self.get(html.unescape(link.group(1)))
        form, button = self.form_with(page, field_name="amount", where="Montant du virement")
        banks = self.submit(page, form, button, amount=amount)
        check("Sélectionnez votre banque" in text(banks), f"{banks.url} : pas de liste des banques")
        form, button = self.form_with(banks, button_text="Banque de Démonstration", where="Liste des banques")
        at_bank = self.submit(banks, form, button)
        if "identifier" in (fields := {k for f in forms(at_bank) for k in f.fields}) or "password" in fields:
            form, button = self.form_with(at_bank, field_name="next", where="Connexion à la banque")
            at_bank = self.submit(at_bank, form, button, identifier="demo", password="demo")
        check("Confirmer un virement ponctuel" in text(at_bank), f"{at_bank.url} : pas de page de confirmation")
        form, button = self.form_with(at_bank, button_text="Confirmer", where="Confirmer un virement ponctuel")
        done = self.submit(at_bank, form, button)
        check("Votre virement a été pris en compte" in text(done), f"{done.url} : virement non pris en compte")
        return done


def check_load_demo_output(make_log: str) -> None:
    lines = open(make_log, encoding="utf-8", errors="replace").read().splitlines()
    start = next((i for i, line in enumerate(lines) if "manage.py load_demo" in line), None)
    end = next((i for i, line in enumerate(lines) if "manage.py runserver" in line), None)
    check(start is not None and end is not None and start < end, f"{make_log} : load_demo puis runserver attendus")
    output = lines[start + 1:end]
    check(any(line.startswith("Données de démonstration : ") for line in output),
          "load_demo n'a pas dit ce qu'il a créé")
    check(len(output) <= LOAD_DEMO_MAX_LINES,
          f"load_demo a écrit {len(output)} lignes (au plus {LOAD_DEMO_MAX_LINES}) :\n" + "\n".join(output[:40]))
    print(f"load_demo : {len(output)} lignes")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--make-log", help="the output of `make run`")
    args = parser.parse_args()
    try:
        if args.make_log:
            check_load_demo_output(args.make_log)
        walk = Walk(args.base)
        walk.login("angela-dubois", "Angela Claire Louise")
        print(f"{walk.base} : Angela DUBOIS connectée par le FranceConnect de démonstration, « Mon espace »")
        done = walk.send_money("PV-2026-000123", "MARTIN", "20")
        print(f"{walk.base} : virement de 20 € par la Banque de Démonstration pris en compte ({done.url})")
        other = urlsplit(args.base)
        if other.hostname == "127.0.0.1":
            walk = Walk(f"{other.scheme}://localhost:{other.port}")
            walk.login("pierre-dupont", "Pierre")
            print(f"{walk.base} : Pierre DUPONT connecté, « Mon espace »")
    except (SmokeFailure, requests.RequestException) as failure:
        print(f"ÉCHEC du démarrage : {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
