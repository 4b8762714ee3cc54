from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Surveillance des flux"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # The rules run on the transfers' signals (the transfers never import the monitoring).
        from . import receivers
        from .seed import seed_rules

        receivers.connect()
        post_migrate.connect(seed_rules, sender=self, dispatch_uid="monitoring.seed_rules")
