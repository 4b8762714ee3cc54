from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishmentKind(models.TextChoices):
    MAISON_ARRET = "maison_arret", _("Maison d'arrêt")
    CENTRE_PENITENTIAIRE = "centre_penitentiaire", _("Centre pénitentiaire")
    CENTRE_DETENTION = "centre_detention", _("Centre de détention")
    MAISON_CENTRALE = "maison_centrale", _("Maison centrale")
    CENTRE_SEMI_LIBERTE = "centre_semi_liberte", _("Centre de semi-liberté")
    EPM = "epm", _("Établissement pénitentiaire pour mineurs")
    EPN = "epn", _("Établissement public de santé national")


class Disp(models.TextChoices):
    BORDEAUX = "bordeaux", _("DISP de Bordeaux")
    DIJON = "dijon", _("DISP de Dijon")
    LILLE = "lille", _("DISP de Lille")
    LYON = "lyon", _("DISP de Lyon")
    MARSEILLE = "marseille", _("DISP de Marseille")
    PARIS = "paris", _("DISP de Paris")
    RENNES = "rennes", _("DISP de Rennes")
    STRASBOURG = "strasbourg", _("DISP de Strasbourg")
    TOULOUSE = "toulouse", _("DISP de Toulouse")
    OUTRE_MER = "outre_mer", _("Mission des services pénitentiaires de l'outre-mer")


# The four caps, by field name, with their French label: one list for models, forms and checks.
CAP_FIELDS = (
    ("min_amount", _("montant minimum d'un virement")),
    ("max_per_transfer", _("montant maximum d'un virement")),
    ("max_per_detainee_month", _("maximum par personne détenue et par mois")),
    ("max_per_sender_month", _("maximum par expéditeur et par mois")),
)


# The cashier system's runs of the day (reconciliation: one batch at each cut-off, Europe/Paris), unless an
# establishment sets its own (Establishment.cashier_cutoffs, "HH:MM" strings, sorted, no two alike).
DEFAULT_CASHIER_CUTOFFS = ("10:00", "14:00", "17:00")
MAX_CASHIER_CUTOFFS = 12
