"""The daily digest (monitoring.send_digests, at DIGEST_HOUR): each active security staff member with an e-mail
address gets one e-mail, plain text with its HTML version, listing per establishment what waits for a decision
(how many alerts, since when, the oldest few with a link to each alert's page). Nothing waits: no e-mail."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.constants import Role
from accounts.models import User
from core.addresses import portal_base_url

from ..selectors import digest_sections

logger = logging.getLogger(__name__)


def _age(since: datetime.datetime, now: datetime.datetime) -> str:
    days = (timezone.localtime(now).date() - timezone.localtime(since).date()).days
    if days <= 0:
        return _("depuis aujourd'hui")
    return ngettext("depuis %(days)d jour", "depuis %(days)d jours", days) % {"days": days}


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """One e-mail per security staff member with something waiting in their establishments; the count sent."""
    now = now or timezone.now()
    base = portal_base_url()
    recipients = (
        User.objects.filter(groups__name=Role.SECURITE, is_active=True).exclude(email="").distinct().order_by("pk")
    )
    sent = 0
    for user in recipients:
        sections = digest_sections(user)
        if not sections:
            continue
        context = {
            "user": user, "queue_url": base + reverse("monitoring:queue"),
            "total": sum(section.count for section in sections),
            "sections": [
                {"section": section, "age": _age(section.oldest, now),
                 "lines": [{"alert": alert, "url": base + reverse("monitoring:alert", args=[alert.pk]),
                            "rules": ", ".join(hit.get_rule_code_display() for hit in alert.hits.all())}
                           for alert in section.alerts]}
                for section in sections
            ],
        }
        message = EmailMultiAlternatives(
            subject=ngettext("Surveillance des flux : %(count)d alerte à examiner",
                             "Surveillance des flux : %(count)d alertes à examiner", context["total"])
            % {"count": context["total"]},
            body=render_to_string("monitoring/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
        )
        message.attach_alternative(render_to_string("monitoring/email/digest.html", context), "text/html")
        message.send(fail_silently=False)
        sent += 1
    logger.info("Monitoring digest: %s e-mail(s) sent", sent)
    return sent
