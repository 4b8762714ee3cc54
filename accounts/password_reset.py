"""The staff's password reset by e-mail (Wagtail's, at /cms/password_reset/), throttled: it logs nobody in
(the second factor is still asked after it), but unthrottled it would let anyone flood an agent's mailbox
or try addresses by the thousand."""

from __future__ import annotations

import logging

from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from wagtail.admin.views.account import PasswordResetView

from core.ratelimit import client_address

from .services import password_reset_verdict

logger = logging.getLogger(__name__)


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form):
        address = client_address(self.request)
        verdict = password_reset_verdict(address=address, email=form.cleaned_data["email"])
        if verdict == "refused":
            logger.warning("Réinitialisation de mot de passe refusée : trop de demandes depuis %s", address)
            form.add_error(None, _("Trop de demandes de réinitialisation depuis votre connexion. Réessayez dans "
                                   "une heure, ou demandez à l'administration nationale du portail."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if verdict == "quiet":
            logger.warning("Réinitialisation de mot de passe : plus d'e-mail pour ce compte cette heure-ci")
            return HttpResponseRedirect(self.get_success_url())  # as if sent: nobody learns who has an account
        return super().form_valid(form)
