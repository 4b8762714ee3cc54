"""Routes of the stand-ins (mounted under /sandbox/ only when SANDBOX_ENABLED)."""

app_name = "sandbox"
urlpatterns: list = []
