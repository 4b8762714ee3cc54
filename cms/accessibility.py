"""The portal's accessibility: its last RGAA audit and the declaration made from it, in one place.

The page « Accessibilité » (the déclaration d'accessibilité, templates/accessibility.html) and the
footer's « Accessibilité : partiellement conforme » are both read from ``DECLARATION``: after a new
audit, update the figures and the lists here, and both follow. The status is never typed: it is
derived from the audit (RGAA: « totalement conforme » when every applicable criterion is met,
« partiellement conforme » from 50 %, « non conforme » below or without an audit)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields, is_dataclass, replace
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Criterion:
    """A criterion of the RGAA that the audit found not met, and what is being done about it."""

    number: str
    title: str
    problem: str
    action: str
    # The day a correction went online: the criterion stays "not met" until an audit checks it.
    corrected_on: datetime.date | None = None


@dataclass(frozen=True)
class SamplePage:
    name: str
    url: str


@dataclass(frozen=True)
class Audit:
    date: datetime.date
    rgaa_version: str
    auditor: str
    applicable: int
    met: int
    not_met: tuple[Criterion, ...]
    sample: tuple[SamplePage, ...]
    technologies: tuple[str, ...]
    tools: tuple[str, ...]
    environment: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.met + len(self.not_met) != self.applicable:
            raise ValueError(
                f"Audit incohérent : {self.met} critères respectés et {len(self.not_met)} non respectés "
                f"pour {self.applicable} critères applicables."
            )

    @property
    def referential(self) -> str:
        return f"RGAA version {self.rgaa_version}"

    @property
    def rate(self) -> Decimal:
        """The share of applicable criteria met, in percent, two decimals (never rounded up to 100)."""
        return (Decimal(100) * self.met / self.applicable).quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    @property
    def rate_display(self) -> str:
        return f"{self.rate:.2f}".replace(".", ",").removesuffix(",00") + "\u00a0%"


@dataclass(frozen=True)
class Plan:
    title: str
    period: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Declaration:
    site: str
    entity: str
    date: datetime.date
    audit: Audit | None
    derogations: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()
    multi_year_plan: Plan | None = None
    action_plan: Plan | None = field(default=None)

    @property
    def status(self) -> str:
        """« totalement conforme », « partiellement conforme » or « non conforme » (RGAA's rule)."""
        # The RGAA's three statuses, after « Accessibilité : » in the footer and « … est » on the page.
        if self.audit is None:
            # Translators: an RGAA accessibility status (official wording of the language, if any).
            return _("non conforme")
        if self.audit.met == self.audit.applicable:
            # Translators: an RGAA accessibility status (official wording of the language, if any).
            return _("totalement conforme")
        if self.audit.rate >= 50:
            # Translators: an RGAA accessibility status (official wording of the language, if any).
            return _("partiellement conforme")
        return _("non conforme")


AUDIT_DATE = datetime.date(2026, 11, 29)
# Every criterion the audit found not met was corrected the same day; the next audit will confirm it.
CORRECTIONS_DATE = datetime.date(2026, 11, 29)

DECLARATION = Declaration(
    site=gettext_noop("portail des proches des personnes détenues"),
    entity=gettext_noop("le ministère de la Justice (direction de l'administration pénitentiaire)"),
    date=AUDIT_DATE,
    audit=Audit(
        date=AUDIT_DATE,
        rgaa_version="4.1",
        auditor=gettext_noop("l'équipe du portail (audit interne)"),
        applicable=69,
        met=60,
        not_met=(
            Criterion("1.9", gettext_noop("Légende des images"),
                      gettext_noop("La légende du QR code du guide diffère de son alternative textuelle."),
                      gettext_noop("Une seule légende, qui sert aussi d'alternative textuelle, sur la page et dans "
                                   "le PDF du guide."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("6.1", gettext_noop("Liens explicites"),
                      gettext_noop("Les liens des cartes de la page d'accueil ne disent pas où ils mènent."),
                      gettext_noop("Des intitulés de liens qui nomment leur destination."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("8.2", gettext_noop("Code source valide"),
                      gettext_noop("Des attributs aria-describedby désignent des textes d'aide absents ; des "
                                   "formulaires ont un attribut action vide."),
                      gettext_noop("Les textes d'aide reliés à leur champ seulement quand ils existent ; des "
                                   "formulaires sans attribut action vide."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("9.1", gettext_noop("Titres"),
                      gettext_noop("Les titres des sous-étapes du guide se limitent à « 1a »… « 3g »."),
                      gettext_noop("Des titres qui disent ce que fait la personne à chaque sous-étape (« 1b. Se "
                                   "connecter avec FranceConnect »)."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("11.1", gettext_noop("Étiquettes des champs"),
                      gettext_noop("Le champ de recherche de la liste des banques n'a pas d'étiquette visible."),
                      gettext_noop("Une étiquette visible pour ce champ."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("11.10", gettext_noop("Contrôle de saisie"),
                      gettext_noop("Les champs obligatoires du formulaire « Ajouter un permis de visite » ne sont "
                                   "pas signalés avant l'envoi."),
                      gettext_noop("Les champs obligatoires signalés dans leur étiquette, et les erreurs reliées à "
                                   "leur champ."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("11.13", gettext_noop("Finalité des champs"),
                      gettext_noop("Les champs de données personnelles (adresse électronique, noms) n'indiquent pas "
                                   "leur finalité (attribut autocomplete)."),
                      gettext_noop("L'attribut autocomplete sur chacun de ces champs."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("12.5", gettext_noop("Moteur de recherche"),
                      gettext_noop("La recherche du site n'est proposée que sur la page d'accueil, et le site n'a "
                                   "pas de plan."),
                      gettext_noop("La recherche dans l'en-tête de chaque page, et une page « Plan du site »."),
                      corrected_on=CORRECTIONS_DATE),
            Criterion("13.1", gettext_noop("Limite de temps"),
                      gettext_noop("La session d'une personne connectée prend fin après 30 minutes d'inactivité, "
                                   "sans avertissement."),
                      gettext_noop("Un avertissement au moins deux minutes avant la fin de la session, avec un "
                                   "bouton « Prolonger ma session », sans perdre ce qui a été saisi."),
                      corrected_on=CORRECTIONS_DATE),
        ),
        sample=(
            SamplePage(gettext_noop("Accueil"), "/"),
            SamplePage(gettext_noop("Mon espace, onglet « Accueil »"), "/mon-espace/"),
            SamplePage(gettext_noop("Mon espace, onglet « Pécule »"), "/mon-espace/pecule/"),
            SamplePage(gettext_noop("Montant du virement, sans puis avec une erreur de saisie"),
                       "/mon-espace/virements/nouveau/…/"),
            SamplePage(gettext_noop("Sélectionnez votre banque"), "/mon-espace/virements/…/banque/"),
            SamplePage(gettext_noop("Confirmation du virement"), "/mon-espace/virements/…/retour/"),
            SamplePage(gettext_noop("Historique des virements"), "/mon-espace/virements/historique/"),
            SamplePage(gettext_noop("Ajouter un permis de visite"), "/mon-espace/permis/ajouter/"),
            SamplePage(gettext_noop("Contact"), "/contact/"),
            SamplePage(gettext_noop("Guide « L'alimentation du pécule »"), "/alimentation-du-pecule/"),
            SamplePage(gettext_noop("Tutoriel vidéo « Enregistrer un permis de visite sur votre espace »"),
                       "/tutoriels/enregistrer-un-permis-de-visite/"),
            SamplePage(gettext_noop("Accessibilité"), "/accessibilite/"),
        ),
        technologies=("HTML5", "CSS", "JavaScript", "WAI-ARIA", gettext_noop("Système de design de l'État (DSFR)")),
        tools=(gettext_noop("axe-core 4.14 (règles WCAG 2.1 niveaux A et "
                            "AA)"), gettext_noop("navigation au clavier "
                                                                                             "seul"),
               gettext_noop("inspecteur du navigateur Chromium")),
        environment=(gettext_noop("Chromium 156 sur ordinateur (fenêtre de 1 280 pixels de large)"),
                     gettext_noop("Chromium 156 au format d'un téléphone (360 pixels de large)")),
    ),
    derogations=(),
    exempt=(
        gettext_noop("Les pages de votre banque, où vous vous identifiez et confirmez le virement : elles sont "
                     "publiées par votre banque et ne font pas partie du portail."),
    ),
    multi_year_plan=Plan(
        title=gettext_noop("Schéma pluriannuel de mise en accessibilité 2026-2028"),
        period="2026-2028",
        actions=(
            gettext_noop("Un audit de conformité au RGAA chaque année, sur l'échantillon de pages ci-dessus, et à "
                         "chaque nouveau service du portail."),
            gettext_noop("Chaque page du portail vérifiée automatiquement (axe-core, sur ordinateur et sur "
                         "téléphone) avant chaque mise en ligne."),
            gettext_noop("Un audit par un organisme indépendant en 2027, puis la publication de ses résultats sur "
                         "cette page."),
            gettext_noop("La formation de l'équipe de communication à la rédaction de contenus accessibles (titres, "
                         "alternatives textuelles, sous-titres et transcriptions des vidéos)."),
        ),
    ),
    action_plan=Plan(
        title=gettext_noop("Plan d'action 2026"),
        period="2026",
        actions=(
            gettext_noop("Corriger les 9 critères non respectés listés ci-dessus, puis refaire l'audit de "
                         "l'échantillon."),
            gettext_noop("Sous-titrer et transcrire chaque tutoriel vidéo."),
            gettext_noop("Mettre à jour cette déclaration après chaque audit."),
        ),
    ),
)

DEFENSEUR_DES_DROITS = {
    "form_url": "https://formulaire.defenseurdesdroits.fr/",
    "delegates_url": "https://www.defenseurdesdroits.fr/carte-des-delegues",
    "phone": "09 69 39 00 00",
    "postal_address": "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
}


# The declaration's texts a relative reads are French msgids, marked with gettext_noop so that the
# declaration stays plain French strings; declaration() translates them when the page or the footer reads it.
TRANSLATED_FIELDS = frozenset({
    "site", "entity", "auditor", "title", "problem", "action", "name", "technologies", "tools", "environment",
    "derogations", "exempt", "actions",
})


def _translated(value):
    if isinstance(value, str):
        return _(value) if value else value
    if isinstance(value, tuple):
        return tuple(_translated(item) for item in value)
    return value


def _translated_dataclass(value):
    if not is_dataclass(value):
        return value
    changes = {}
    for item in fields(value):
        current = getattr(value, item.name)
        if is_dataclass(current):
            changes[item.name] = _translated_dataclass(current)
        elif isinstance(current, tuple) and current and is_dataclass(current[0]):
            changes[item.name] = tuple(_translated_dataclass(element) for element in current)
        elif item.name in TRANSLATED_FIELDS:
            changes[item.name] = _translated(current)
    return replace(value, **changes)


def declaration() -> Declaration:
    """``DECLARATION`` in the language of the request (the same French without a catalog)."""
    return _translated_dataclass(DECLARATION)
