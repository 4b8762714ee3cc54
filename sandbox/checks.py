from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sandbox_off_in_production(app_configs, **kwargs):
    """The stand-ins must never run in production."""
    if settings.SANDBOX_ENABLED:
        return [
            Warning(
                "Les services simulés (sandbox) sont activés : FranceConnect, ProConnect, les banques et la caisse "
                "sont remplacés par des bouchons.",
                hint="Mettez SANDBOX_ENABLED=false (DJANGO_ENV=production le fait par défaut).",
                id="sandbox.W001",
            )
        ]
    return []
