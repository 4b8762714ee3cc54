from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared rules with no model of their own (text, money, audit reasons, spreadsheets); an app only for its
    template filters."""

    name = "core"
    verbose_name = "Commun"
