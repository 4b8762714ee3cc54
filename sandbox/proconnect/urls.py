from sandbox.oidc import provider_urls

from .views import PROVIDER

# Included by sandbox.urls under /sandbox/proconnect/ (names prefixed proconnect_).
urlpatterns = provider_urls(PROVIDER)
