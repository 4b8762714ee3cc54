from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Surveillance des flux"

    def ready(self) -> None:
        # The rules run on the transfers' signals (the transfers never import the monitoring).
        from . import receivers

        receivers.connect()
