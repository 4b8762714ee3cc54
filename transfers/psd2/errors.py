"""Typed failures of the PSD2 client; each carries a French message the views can show as is."""

from django.utils.translation import gettext_lazy as _


class Psd2Error(Exception):
    """Something went wrong talking to the payer's bank."""

    user_message = _("Votre banque n'a pas pu traiter la demande. Aucun virement n'a été effectué.")

    def __init__(self, detail: str = "", *, status_code: int | None = None):
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail
        self.status_code = status_code


class Psd2Unavailable(Psd2Error):
    """No usable answer: timeout, connection failure, 5xx. The outcome at the bank is unknown."""

    user_message = _(
        "Votre banque ne répond pas pour le moment. Aucun nouveau virement n'a été créé ; "
        "veuillez réessayer dans quelques minutes."
    )


class Psd2Refused(Psd2Error):
    """The bank answered with a client error (4xx): it refuses this request."""

    user_message = _("Votre banque a refusé la demande de virement. Aucun virement n'a été effectué.")


class Psd2BadResponse(Psd2Error):
    """The bank answered something we cannot read (not JSON, missing fields)."""

    user_message = _(
        "La réponse de votre banque est illisible. Aucun nouveau virement n'a été créé ; "
        "veuillez réessayer dans quelques minutes."
    )


class Psd2UnknownStatus(Psd2Error):
    """The bank gave a status code we do not know; the transfer keeps its state."""

    user_message = _(
        "Votre banque a renvoyé un statut inconnu. Votre virement est en cours de vérification ; "
        "son statut sera mis à jour automatiquement."
    )
