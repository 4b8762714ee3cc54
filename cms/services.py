"""State changes of the content site."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.contrib.forms.models import FormSubmission

from core.ratelimit import allow

from .constants import CONTACT_RATE_LIMIT, CONTACT_RATE_WINDOW

logger = logging.getLogger(__name__)


class ContactRefused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def _rate_key(client_address: str) -> str:
    return f"cms:contact:{client_address or 'inconnu'}"


def submit_contact_message(*, page, data: dict, honeypot: str, client_address: str) -> FormSubmission:
    """Store a message of the contact form and e-mail it to the support address.

    A bot (the hidden field filled in) and a flood (more than CONTACT_RATE_LIMIT messages from one
    address within CONTACT_RATE_WINDOW seconds) are refused: nothing is stored or sent."""
    if honeypot.strip():
        logger.info("Message de contact refusé (champ piège rempli) depuis %s", client_address)
        raise ContactRefused(_("Votre message n'a pas pu être envoyé."), status=400)
    if not allow(_rate_key(client_address), limit=CONTACT_RATE_LIMIT, window=CONTACT_RATE_WINDOW):
        raise ContactRefused(
            _("Vous avez envoyé trop de messages. Réessayez dans une heure ou écrivez à %(email)s.")
            % {"email": settings.SUPPORT_EMAIL},
            status=429,
        )
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(form_data=data, page=page)
    _send_to_support(page=page, data=data)
    return submission


def _send_to_support(*, page, data: dict) -> None:
    fields = list(page.get_form_fields())
    labels = {f.clean_name: f.label for f in fields}
    reply_to = [data[f.clean_name] for f in fields if f.field_type == "email" and data.get(f.clean_name)]
    subject_value = next((str(v) for k, v in data.items() if k in ("objet", "subject") and v), "")
    lines = [f"{labels.get(name, name)} : {value}" for name, value in data.items()]
    message = EmailMessage(
        subject=_("[Portail des proches] Contact : %(subject)s") % {"subject": subject_value or _("sans objet")},
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SUPPORT_EMAIL],
        reply_to=reply_to[:1],
    )
    try:
        message.send()
    except Exception:  # the message is stored: the support team reads it in /cms/ anyway
        logger.exception("Le message de contact n'a pas pu être envoyé par e-mail au support.")
