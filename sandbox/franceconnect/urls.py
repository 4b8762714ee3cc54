from sandbox.oidc import provider_urls

from .views import PROVIDER

# Included by sandbox.urls under /sandbox/franceconnect/ (names prefixed franceconnect_).
urlpatterns = provider_urls(PROVIDER)
