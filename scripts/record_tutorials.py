"""The video tutorials of the flyer, recorded from the browser walk itself, so that they stay true when the
pages change.

    .venv/bin/python scripts/record_tutorials.py                 # the four tutorials, into cms/demo_assets/
    .venv/bin/python scripts/record_tutorials.py --only suivre-un-virement --out /tmp/tutoriels

Without ``--base-url`` the script starts a portal of its own (``manage.py runserver`` on a free port, on a
new SQLite database in a temporary folder, migrated and with ``load_demo``'s data), walks the tutorials in
Debian's chromium (Playwright, as tests/e2e does), and stops it. Each tutorial is a list of steps: a French
caption, what the relative does (click, type) and what to point at. Every step's screen is captured
(``page.screenshot``: Playwright's own video recorder needs an ffmpeg that Playwright downloads), the thing to
click is framed, and the frames are encoded to WebM/VP9 with the ffmpeg of ``imageio-ffmpeg`` (PyPI). The
captions (WebVTT) and the transcript are written from the same steps, timed from the recording; the chapters
too. What it writes, per tutorial ``SLUG``: ``tutoriel-SLUG.webm``, ``tutoriel-SLUG.vtt``, and for all of them
``tutoriels.json`` (titles, chapters, transcripts, durations, and the fingerprint of the pages each tutorial
shows), which ``manage.py load_demo`` (cms/demo.py) reads to create the tutorial pages. The first image of each
video is its poster (``cms.illustrations.tutorial_poster``, the image its page shows before the video loads).

A video goes stale when the pages it shows change: each tutorial lists the templates of its pages
(``Tutorial.pages``), and the manifest keeps a hash of each of them and of what they extend or include (but
``base.html``, the header and footer around every page). tests/cms/test_tutorials_fresh.py recomputes them and
names the tutorial to record again, and the command, when one changed.

The tutorials run in order on one portal: each starts from what the previous one left (the permit added by
the second is the one the third sends money to). ``--only`` walks the earlier ones first without recording.
The fourth needs the régie: the operator commands (``sandbox_statement``, ``import_statement``,
``cashier_batch``, ``sandbox_cashier_ack``, ``cashier_ack``) credit the transfer between two screens."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as ``python scripts/record_tutorials.py``: the portal's modules from its root
    sys.path.insert(0, str(ROOT))

from cms.illustrations import tutorial_poster  # noqa: E402

TEMPLATES = ROOT / "templates"
# Around every page, the same for the four tutorials: a change there is not a change of what they show.
CHROME = frozenset({"base.html"})
TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:extends|include)\s+["']([^"']+)["']""")
ASSETS = ROOT / "cms" / "demo_assets"
MANIFEST = "tutoriels.json"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
VIEWPORT = {"width": 1280, "height": 720}
FPS = 5
READING_CHARACTERS_PER_SECOND = 14  # a caption stays long enough to be read
MIN_CAPTION_SECONDS, MAX_CAPTION_SECONDS = 2.5, 7.0
TYPING_FRAME_SECONDS = 0.2
HIGHLIGHT = (225, 0, 15)  # the frame around what to click: red, 6 px
ANGELA = "Angela Claire Louise DUBOIS"
PERMIT, DETAINEE_FAMILY_NAME, AMOUNT = "PV-2026-000123", "MARTIN", "50"

Operator = Callable[..., str]  # runs ``manage.py ARGS…`` on the portal's database, returns its output


# The recorder -----------------------------------------------------------------------------------------------


@dataclass
class Cue:
    start: float
    end: float
    text: str


@dataclass
class Recording:
    """Frames (a PNG and how long it shows), captions and chapters, all on the recording's own clock."""

    folder: Path
    frames: list[tuple[Path, float]] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    chapters: list[tuple[float, str]] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return round(sum(seconds for _path, seconds in self.frames), 3)


class Recorder:
    """Walks the pages; when ``recording`` is None (a tutorial walked only for what it leaves), it only acts."""

    def __init__(self, page, recording: Recording | None):
        self.page = page
        self.recording = recording

    # What the viewer sees and reads.

    def chapter(self, title: str) -> None:
        if self.recording is not None:
            self.recording.chapters.append((self.recording.duration, title))

    def say(self, text: str, point_at=None, seconds: float | None = None, picture: bytes | None = None) -> None:
        """A caption, from now until the next one, over the current screen (or ``picture``, a PNG), with
        ``point_at`` framed."""
        if self.recording is None:
            return
        self.page.wait_for_load_state("load")
        hold = seconds or min(MAX_CAPTION_SECONDS, max(MIN_CAPTION_SECONDS, len(text) / READING_CHARACTERS_PER_SECOND))
        start = self.recording.duration
        if self.recording.cues:
            self.recording.cues[-1].end = start
        self.recording.cues.append(Cue(start, start, text))
        self._frame(hold, point_at, picture)

    def _frame(self, seconds: float, point_at=None, picture: bytes | None = None) -> None:
        from PIL import Image, ImageDraw

        box = None
        if point_at is not None:
            point_at.scroll_into_view_if_needed()
            box = point_at.bounding_box()
        path = self.recording.folder / f"{len(self.recording.frames):04d}.png"
        if picture is not None:
            path.write_bytes(picture)
        else:
            self.page.screenshot(path=str(path))
        if box:
            with Image.open(path) as picture:
                picture = picture.convert("RGB")
                pad = 6
                ImageDraw.Draw(picture).rounded_rectangle(
                    [box["x"] - pad, box["y"] - pad, box["x"] + box["width"] + pad, box["y"] + box["height"] + pad],
                    radius=8, outline=HIGHLIGHT, width=6,
                )
                picture.save(path)
        self.recording.frames.append((path, seconds))

    # What the relative does.

    def click(self, locator) -> None:
        locator.click()
        self.page.wait_for_load_state("load")

    def type(self, locator, text: str) -> None:
        """Typed a few characters at a time, each state a frame (plain ``fill`` when not recording)."""
        if self.recording is None:
            locator.fill(text)
            return
        locator.fill("")
        step = max(1, len(text) // 5)
        for end in range(step, len(text) + step, step):
            locator.press_sequentially(text[end - step:end])
            self._frame(TYPING_FRAME_SECONDS)

    def title_card(self, title: str, intro: str) -> None:
        """The first screen: the tutorial's poster (cms.illustrations, drawn with Marianne, every glyph checked),
        the same image its page shows before the video loads."""
        if self.recording is None:
            return
        self.say(f"Tutoriel vidéo du portail des proches : {title}.", seconds=4.0,
                 picture=tutorial_poster(title, intro).png())

    def finish(self) -> None:
        if self.recording is not None and self.recording.cues:
            self.recording.cues[-1].end = self.recording.duration


# The tutorials ----------------------------------------------------------------------------------------------


def _tab(page, name: str):
    """A tab of the personal space ("Accueil", "Pécule"): a link today, a tab maybe tomorrow."""
    return page.get_by_role("link", name=name, exact=True).or_(page.get_by_role("tab", name=name, exact=True)).first


def _button(page, name: str):
    return page.get_by_role("button", name=re.compile(name)).first


def log_in(r: Recorder, *, explained: bool) -> None:
    page = r.page
    page.goto("/")
    fc = _button(page, "S’identifier avec FranceConnect")
    if explained:
        r.chapter("La page d'accueil du portail")
        r.say("Ouvrez le portail des proches des personnes détenues.")
        r.say("Sur la page d'accueil, cliquez sur le bouton « S’identifier avec FranceConnect ».", fc)
    else:
        r.say("Connectez-vous avec FranceConnect : le tutoriel « Se connecter avec FranceConnect » le montre pas à "
              "pas.", fc)
    r.click(fc)
    identity = _button(page, f"Se connecter en tant que {ANGELA}")
    identity.wait_for()
    if explained:
        r.chapter("Choisir son compte FranceConnect")
        r.say("FranceConnect vous demande de choisir un compte que vous avez déjà : impots.gouv.fr, ameli.fr, "
              "l'Identité Numérique La Poste…")
        r.say("Dans ce tutoriel, FranceConnect est simulé : on choisit l'identité de test d'Angela DUBOIS.", identity)
    r.click(identity)
    page.get_by_text(re.compile(r"vous êtes connecté\(e\)")).first.wait_for()
    if explained:
        r.chapter("Votre espace personnel")
        r.say("Vous voici connecté(e) : votre espace personnel s'ouvre sur l'onglet « Accueil ».")


def tutorial_log_in(r: Recorder, operator: Operator) -> None:
    log_in(r, explained=True)
    page = r.page
    r.say("L'onglet « Accueil » montre vos permis de visite, et l'onglet « Pécule » vos virements.",
          _tab(page, "Pécule"))
    logout = page.get_by_role("button", name=re.compile("Se déconnecter")).or_(
        page.get_by_role("link", name=re.compile("Se déconnecter"))).first
    r.say("Quand vous avez terminé, cliquez sur « Se déconnecter » : vous quittez le portail et FranceConnect.", logout)


def tutorial_add_permit(r: Recorder, operator: Operator) -> None:
    page = r.page
    r.chapter("Se connecter")
    log_in(r, explained=False)
    r.chapter("L'onglet « Pécule »")
    r.say("Dans votre espace personnel, ouvrez l'onglet « Pécule ».", _tab(page, "Pécule"))
    r.click(_tab(page, "Pécule"))
    add = page.get_by_role("link", name="Ajouter un permis de visite").first
    add.wait_for()
    r.say("Aucun permis de visite n'est encore enregistré : cliquez sur « Ajouter un permis de visite ».", add)
    r.click(add)
    r.chapter("Saisir le permis de visite")
    number = page.get_by_label("Numéro du permis de visite")
    number.wait_for()
    r.say("Saisissez le numéro du permis de visite qui vous a été attribué nominativement.", number)
    r.type(number, PERMIT)
    family_name = page.get_by_label("Nom de famille de la personne détenue")
    r.say("Saisissez le nom de famille de la personne détenue.", family_name)
    r.type(family_name, DETAINEE_FAMILY_NAME)
    submit = page.get_by_role("button", name="Ajouter ce permis")
    r.say("Cliquez sur « Ajouter ce permis ». Le portail vérifie que le permis est bien à votre nom.", submit)
    r.click(submit)
    page.get_by_text(f"Le permis de visite {PERMIT} a été ajouté à votre espace.").wait_for()
    r.chapter("Le permis et ses services")
    r.say(f"Le permis {PERMIT} est ajouté à votre espace.")
    r.say("Il apparaît avec ses deux services : « Prendre un rendez-vous parloir » et « Faire un virement ».",
          page.get_by_role("link", name="Faire un virement").first)


def tutorial_send_money(r: Recorder, operator: Operator) -> None:
    page = r.page
    r.chapter("Se connecter")
    log_in(r, explained=False)
    r.chapter("Faire un virement")
    send = page.get_by_role("link", name="Faire un virement").first
    r.say("Sur la carte du permis de visite, cliquez sur « Faire un virement ».", send)
    r.click(send)
    feed = page.get_by_role("link", name="Alimenter le pécule").first
    feed.wait_for()
    r.say("L'onglet « Pécule » s'ouvre : cliquez sur « Alimenter le pécule ».", feed)
    r.click(feed)
    r.chapter("Le montant")
    amount = page.get_by_label(re.compile("Montant du virement"))
    amount.wait_for()
    r.say("Le portail rappelle les plafonds de l'établissement et ce que vous pouvez encore envoyer ce mois-ci.")
    r.say("Saisissez le montant en euros, par exemple 50 ou 50,00.", amount)
    r.type(amount, AMOUNT)
    go = page.get_by_role("button", name="Réaliser le virement")
    r.say("Cliquez sur « Réaliser le virement ».", go)
    r.click(go)
    r.chapter("Choisir sa banque")
    page.get_by_role("heading", name="Sélectionnez votre banque").wait_for()
    bank = page.get_by_role("button", name="Banque de Démonstration")
    r.say("Sélectionnez votre banque dans la liste : vous pouvez la chercher par son nom.", bank)
    r.click(bank)
    r.chapter("Valider le virement à la banque")
    identifier = page.get_by_label("Identifiant")
    identifier.wait_for()
    r.say("Vous êtes sur le site de votre banque (sur un téléphone, son application) : connectez-vous comme "
          "d'habitude.")
    r.type(identifier, "demo")
    r.type(page.get_by_label("Mot de passe"), "demo")
    valider = page.get_by_role("button", name="Valider")
    r.say("Ici, c'est une banque de démonstration : identifiant « demo », mot de passe « demo ».", valider)
    r.click(valider)
    confirm = page.get_by_role("button", name="Confirmer", exact=True)
    confirm.wait_for()
    r.say("Votre banque affiche le virement : le montant, le bénéficiaire (la régie de l'établissement) et le "
          "motif.")
    r.say("Vérifiez-le, puis cliquez sur « Confirmer ».", confirm)
    r.click(confirm)
    r.chapter("Le virement est pris en compte")
    page.get_by_text("Votre virement a été pris en compte").first.wait_for()
    r.say("De retour sur le portail : « Votre virement a été pris en compte », avec sa référence.")
    r.say("Gardez cette référence : elle figure aussi dans l'historique de vos virements.",
          page.get_by_role("link", name="Voir l'historique").first)


def tutorial_follow(r: Recorder, operator: Operator) -> None:
    page = r.page
    r.chapter("Se connecter")
    log_in(r, explained=False)
    r.chapter("L'historique des virements")
    r.say("Ouvrez l'onglet « Pécule ».", _tab(page, "Pécule"))
    r.click(_tab(page, "Pécule"))
    history = page.get_by_role("link", name="Voir l'historique").first
    r.say("Cliquez sur « Voir l'historique ».", history)
    r.click(history)
    page.get_by_text(re.compile(AMOUNT + r",00\s€")).first.wait_for()
    r.say("L'historique montre vos virements des six derniers mois, avec leur référence, leur montant et leur "
          "statut.")
    status = page.get_by_text("Exécuté par votre banque").first
    r.say("« Exécuté par votre banque » : votre banque a envoyé l'argent à l'établissement.", status)
    # Meanwhile the régie receives the money and has it credited on the pécule.
    credit(operator)
    r.chapter("L'argent est versé sur le pécule")
    page.reload()
    credited = page.get_by_text("Versé sur le pécule").first
    credited.wait_for()
    r.say("Quelques jours plus tard, l'établissement a reçu l'argent et l'a versé sur le compte de votre proche.")
    r.say("Le statut devient « Versé sur le pécule » : votre proche peut disposer de la somme.", credited)


def credit(operator: Operator) -> None:
    """The régie's day, by its operator commands: the sandbox bank's statement imported and matched, the
    cashier batch, the cashier's acknowledgement applied."""
    with tempfile.TemporaryDirectory(prefix="tutoriel-regie-") as folder:
        statement, batch, ack = (Path(folder) / name for name in ("releve.xml", "lot.csv", "accuse.csv"))
        operator("sandbox_statement", "CPDEMO", "--output", str(statement))
        operator("import_statement", str(statement))
        operator("cashier_batch", "CPDEMO", "--output", str(batch))
        ack.write_text(operator("sandbox_cashier_ack", str(batch)), encoding="utf-8")
        operator("cashier_ack", str(ack))


@dataclass(frozen=True)
class Tutorial:
    slug: str
    title: str
    intro: str
    search_description: str
    walk: Callable[[Recorder, Operator], None]
    pages: tuple[str, ...]  # the templates of the pages it shows (under templates/)

    @property
    def video(self) -> str:
        return f"tutoriel-{self.slug}.webm"

    @property
    def captions(self) -> str:
        return f"tutoriel-{self.slug}.vtt"


# The home page, FranceConnect's stand-in and the personal space: every tutorial begins there.
LOGGED_IN = ("cms/home_page.html", "sandbox/franceconnect_authorize.html", "accounts/mon_espace.html")
TUTORIALS = [
    Tutorial("se-connecter-avec-franceconnect", "Se connecter avec FranceConnect",
             "Comment ouvrir votre espace personnel avec FranceConnect, sans créer de compte.",
             "Tutoriel vidéo : se connecter au portail des proches avec FranceConnect.", tutorial_log_in,
             LOGGED_IN),
    Tutorial("enregistrer-un-permis-de-visite", "Ajouter un permis de visite à votre espace",
             "Comment ajouter à votre espace le permis de visite qui vous a été attribué.",
             "Tutoriel vidéo : ajouter un permis de visite à votre espace personnel.", tutorial_add_permit,
             (*LOGGED_IN, "transfers/pecule.html", "accounts/add_permit.html")),
    Tutorial("faire-un-virement", "Faire un virement pour alimenter le pécule",
             "Du bouton « Faire un virement » à la confirmation, en passant par votre banque.",
             "Tutoriel vidéo : alimenter le pécule d'une personne détenue par virement.", tutorial_send_money,
             (*LOGGED_IN, "transfers/pecule.html", "transfers/amount.html", "transfers/bank.html",
              "sandbox/bank/login.html", "sandbox/bank/consent.html", "transfers/done.html")),
    Tutorial("suivre-un-virement", "Suivre un virement",
             "Où voir vos virements, et ce que disent leurs statuts jusqu'au versement sur le pécule.",
             "Tutoriel vidéo : suivre un virement dans l'historique jusqu'au versement sur le pécule.",
             tutorial_follow, (*LOGGED_IN, "transfers/pecule.html", "transfers/history.html")),
]
BY_SLUG = {t.slug: t for t in TUTORIALS}


def shown_templates(names: tuple[str, ...]) -> list[str]:
    """``names`` and every template they extend or include, transitively (but CHROME), sorted."""
    seen: set[str] = set()
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name in seen or name in CHROME or not (TEMPLATES / name).exists():
            continue  # a template of an installed app (Wagtail, the DSFR) changes with its version, not here
        seen.add(name)
        waiting += TEMPLATE_REFERENCE.findall((TEMPLATES / name).read_text(encoding="utf-8"))
    return sorted(seen)


def fingerprint(tutorial: Tutorial) -> dict[str, str]:
    """Each template the tutorial shows, with the hash of its text (what the manifest keeps from the recording)."""
    return {name: hashlib.sha256((TEMPLATES / name).read_bytes()).hexdigest()[:16]
            for name in shown_templates(tutorial.pages)}


# Captions, transcript, video --------------------------------------------------------------------------------


def timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(cues: list[Cue]) -> str:
    lines = ["WEBVTT", "", "NOTE",
             "Sous-titres en français, écrits par scripts/record_tutorials.py depuis les étapes du parcours.", ""]
    for number, cue in enumerate(cues, 1):
        lines += [str(number), f"{timestamp(cue.start)} --> {timestamp(cue.end)}", cue.text, ""]
    return "\n".join(lines)


def mm_ss(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def encode(recording: Recording, output: Path, fps: int = FPS) -> None:
    """The frames, each for its time, to WebM/VP9 at ``fps`` (few frames, small files)."""
    import imageio_ffmpeg

    listing = recording.folder / "frames.txt"
    entries = []
    for path, seconds in recording.frames:
        entries += [f"file '{path.name}'", f"duration {seconds:.3f}"]
    entries.append(f"file '{recording.frames[-1][0].name}'")  # the concat demuxer's last duration needs it
    listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
        "-vf", f"fps={fps},format=yuv420p", "-t", f"{recording.duration:.3f}",
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "40", "-deadline", "good", "-cpu-used", "4", "-row-mt", "1",
        "-g", str(fps * 10), "-an", str(output),
    ]
    subprocess.run(command, check=True, cwd=recording.folder)


def entry(tutorial: Tutorial, recording: Recording) -> dict:
    return {
        "slug": tutorial.slug, "title": tutorial.title, "intro": tutorial.intro,
        "search_description": tutorial.search_description, "video": tutorial.video, "captions": tutorial.captions,
        "duration": recording.duration,
        "chapters": [{"start": mm_ss(start), "title": title} for start, title in recording.chapters],
        "transcript": transcript(recording),
        "pages": fingerprint(tutorial),
    }


def transcript(recording: Recording) -> list[dict]:
    """The captions' text, chapter by chapter: ``[{"title": …, "text": [caption, …]}, …]``."""
    parts: list[dict] = []
    starts = recording.chapters or [(0.0, "")]
    if starts[0][0] > 0:  # the title card, before the first chapter
        starts = [(0.0, ""), *starts]
    for index, (start, title) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else float("inf")
        parts.append({"title": title, "text": [c.text for c in recording.cues if start <= c.start < end]})
    return [part for part in parts if part["text"]]


# The walk ---------------------------------------------------------------------------------------------------


def record(*, base_url: str, operator: Operator, out: Path, only: list[str] | None = None, browser=None) -> list[dict]:
    """Walk the tutorials in order on the portal at ``base_url``; record those of ``only`` (all by default)
    into ``out``; returns their manifest entries (and merges them into ``out/tutoriels.json``)."""
    wanted = only or [t.slug for t in TUTORIALS]
    unknown = set(wanted) - set(BY_SLUG)
    if unknown:
        raise SystemExit(f"Tutoriel inconnu : {', '.join(sorted(unknown))} (connus : {', '.join(BY_SLUG)})")
    last = max(TUTORIALS.index(BY_SLUG[slug]) for slug in wanted)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    with _browser(browser) as chromium:
        for tutorial in TUTORIALS[: last + 1]:
            context = chromium.new_context(viewport=VIEWPORT, locale="fr-FR", base_url=base_url)
            context.set_default_timeout(15_000)
            try:
                with tempfile.TemporaryDirectory(prefix=f"tutoriel-{tutorial.slug}-") as folder:
                    recording = Recording(Path(folder)) if tutorial.slug in wanted else None
                    recorder = Recorder(context.new_page(), recording)
                    recorder.title_card(tutorial.title, tutorial.intro)
                    tutorial.walk(recorder, operator)
                    recorder.finish()
                    if recording is not None:
                        encode(recording, out / tutorial.video)
                        (out / tutorial.captions).write_text(webvtt(recording.cues), encoding="utf-8")
                        entries.append(entry(tutorial, recording))
                        print(f"{tutorial.video} : {recording.duration:.1f} s, "
                              f"{(out / tutorial.video).stat().st_size // 1024} Ko, {len(recording.cues)} sous-titres")
            finally:
                context.close()
    _merge_manifest(out / MANIFEST, entries)
    return entries


def _merge_manifest(path: Path, entries: list[dict]) -> None:
    known = {e["slug"]: e for e in json.loads(path.read_text(encoding="utf-8"))} if path.exists() else {}
    known.update({e["slug"]: e for e in entries})
    ordered = [known[t.slug] for t in TUTORIALS if t.slug in known]
    path.write_text(json.dumps(ordered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


class _browser:
    """The given Playwright browser, or Debian's chromium launched (and closed) here."""

    def __init__(self, given):
        self.given = given
        self.playwright = None

    def __enter__(self):
        if self.given is not None:
            return self.given
        if not CHROMIUM.exists():
            raise SystemExit(f"chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
        os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.launched = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        return self.launched

    def __exit__(self, *exc):
        if self.playwright is not None:
            self.launched.close()
            self.playwright.stop()


# A portal of its own ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(folder: Path, port: int) -> dict:
    dropped = ("DJANGO_", "DATABASE_", "CELERY_", "CACHE_URL", "PORTAL_BASE_URL", "FRANCECONNECT_", "PSD2_",
               "SANDBOX_", "MEDIA_ROOT", "STATIC_ROOT", "PROCONNECT_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.update(DJANGO_ENV="development", DATABASE_URL=f"sqlite:///{folder / 'portail.sqlite3'}",
               MEDIA_ROOT=str(folder / "media"), PORTAL_BASE_URL=f"http://127.0.0.1:{port}", PYTHONUNBUFFERED="1")
    return env


def own_portal(folder: Path):
    """A development portal on a free port with the demo data: (its URL, an operator, its process)."""
    port = _free_port()
    env = _environment(folder, port)
    manage = [sys.executable, str(ROOT / "manage.py")]

    def operator(*args: str) -> str:
        done = subprocess.run([*manage, *args], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} : {done.stderr or done.stdout}")
        return done.stdout

    print("Portail de démonstration : base de données et données de démonstration…")
    operator("migrate", "--verbosity", "0")
    operator("load_demo")
    log = (folder / "runserver.log").open("wb")
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/sante/", timeout=2):  # noqa: S310 - loopback only
                break
        except (urllib.error.URLError, OSError) as exc:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"le portail ne démarre pas ({exc}) :\n"
                                 f"{(folder / 'runserver.log').read_text(errors='replace')[-3000:]}") from exc
            time.sleep(0.5)
    return url, operator, server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Enregistre les tutoriels vidéo depuis le parcours dans le navigateur.")
    parser.add_argument("--only", action="append", choices=list(BY_SLUG), help="ce tutoriel seulement (répétable)")
    parser.add_argument("--out", type=Path, default=ASSETS, help=f"dossier de sortie (défaut : {ASSETS})")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the portal and its folder go too
    folder = Path(tempfile.mkdtemp(prefix="tutoriels-portail-"))
    server = None
    try:
        url, operator, server = own_portal(folder)
        record(base_url=url, operator=operator, out=args.out, only=args.only)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"Écrit dans {args.out} (puis : manage.py load_demo crée les pages des tutoriels).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
