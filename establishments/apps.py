from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "establishments"
    verbose_name = _("Établissements")
