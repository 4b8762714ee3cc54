"""Routes of the stand-ins (mounted under /sandbox/ only when SANDBOX_ENABLED)."""

from django.urls import include, path

app_name = "sandbox"
urlpatterns: list = [
    path("franceconnect/", include("sandbox.franceconnect.urls")),
    path("proconnect/", include("sandbox.proconnect.urls")),
    path("banque/", include("sandbox.bank.urls")),
]
