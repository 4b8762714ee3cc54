"""Constants of the content site (Wagtail)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Image widths served to browsers (srcset): a 360 px phone, a 2x phone or a tablet, a desktop column.
IMAGE_WIDTHS = (360, 720, 1080)
IMAGE_SIZES = "(max-width: 48em) 100vw, 720px"

# The contact form: at most CONTACT_RATE_LIMIT messages per client address per CONTACT_RATE_WINDOW seconds.
CONTACT_RATE_LIMIT = 5
CONTACT_RATE_WINDOW = 60 * 60
# The hidden field a human never fills in (a bot does).
CONTACT_HONEYPOT_FIELD = "site_internet"
# The longest text the public may type in a field of a Wagtail form (cms.pages.contact.PortalFormBuilder): a
# message, any other text (a line, an address, a hidden value).
FORM_MESSAGE_MAX_LENGTH = 5000
FORM_TEXT_MAX_LENGTH = 255

# Video hosts the tutorial pages may embed (the CSP's frame-src allows exactly these).
EMBED_HOSTS = {
    "youtube": "https://www.youtube-nocookie.com/embed/",
    "vimeo": "https://player.vimeo.com/video/",
}

# Wagtail groups of the communications team, besides the "communication" role (which moderates).
EDITORS_GROUP = "Rédacteurs"
MODERATORS_GROUP = "Modérateurs"


class ScreenTextKind(models.TextChoices):
    TITLE = "title", _("Titre de page affiché")
    SUCCESS = "success", _("Message de confirmation")
    INFO = "info", _("Message d'information")


class HeadingLevel(models.TextChoices):
    H2 = "h2", _("Titre de section (niveau 2)")
    H3 = "h3", _("Sous-titre (niveau 3)")
