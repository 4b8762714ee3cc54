from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import second_factor_urls
from accounts.password_reset import ThrottledPasswordResetView
from accounts.proconnect import views as proconnect_views
from cms import views as cms_views
from sandbox.bank import backoffice as sandbox_backoffice

from . import views

admin.site.site_header = "Portail des proches — gestion"
admin.site.site_title = "Portail des proches — gestion"
admin.site.index_title = "Back office des établissements"

urlpatterns = [
    # The régie's reconciliation pages, inside the back office (before the admin's catch-all).
    path("gestion/rapprochement/", include("reconciliation.urls")),
    # The visit office's pages (day's planning, printable list, arrivals, cancellations, bookings by phone).
    path("gestion/parloirs/", include("visits.staff_urls")),
    # The security staff's review of the money-flow alerts (queue, decisions, payers' and detainees' flows).
    path("gestion/securite/", include("monitoring.urls")),
    # The staff's second factor (accounts.second_factor_views), open behind its own gate.
    path("gestion/second-facteur/", include("accounts.second_factor_urls")),
    path("gestion/second-facteur/cles-d-acces/api/", include(second_factor_urls.passkey_patterns)),
    path("gestion/", admin.site.urls),
    # Wagtail's logout, through ProConnect's session/end for a staff session opened with ProConnect.
    path("cms/logout/", proconnect_views.cms_logout, name="cms_logout"),
    # Wagtail's password reset by e-mail, throttled per address and per account (accounts.password_reset).
    path("cms/password_reset/", ThrottledPasswordResetView.as_view(), name="cms_password_reset"),
    # Wagtail's page reordering, guarded against the tree's root (cms.views.set_page_position).
    path("cms/pages/<int:page_to_move_id>/set_position/", cms_views.set_page_position, name="cms_set_page_position"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sante/", views.health, name="health"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # The header's language selector (POST): the choice kept in the session and the relative's profile.
    path("langue/", views.choose_language, name="choose_language"),
]

# The relatives' side, one address per language (core.languages): French unprefixed (/mon-espace/), English
# and Arabic under /en/ and /ar/. A shared link opens in its language.
urlpatterns += i18n_patterns(
    path("recherche/", cms_views.search, name="search"),
    path("contact/", views.contact, name="contact"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("plan-du-site/", views.site_map, name="site_map"),
    # Before accounts.urls: the "Pécule" tab (/mon-espace/pecule/) is served by transfers.views.pecule,
    # which extends accounts/pecule.html (block pecule_content) with the transfer flow.
    path("", include("transfers.urls")),
    # The parloir's pages of Mon espace (/mon-espace/parloir/…, /mon-espace/rendez-vous/…).
    path("", include("visits.urls")),
    path("", include("accounts.urls")),
    path("", views.home, name="home"),
    prefix_default_language=False,
)

if settings.SANDBOX_ENABLED:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
    # The back office's import of the sandbox bank's statement, beside the reconciliation's pages.
    urlpatterns.insert(0, path(
        "gestion/rapprochement/releves/banque-de-demonstration/",
        admin.site.admin_view(sandbox_backoffice.import_statement), name="sandbox_import_statement",
    ))



def media_patterns() -> list:
    """Uploaded images and documents (MEDIA_ROOT) served by Django itself: with DEBUG, or with SERVE_MEDIA
    (the one-machine stack, `make stack`). Behind a load balancer, object storage or the reverse proxy
    serves them (docs/deployment.md)."""
    if not (settings.DEBUG or settings.SERVE_MEDIA):
        return []
    from django.urls import re_path
    from django.views.static import serve

    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]


urlpatterns += media_patterns()

# Wagtail serves the content pages (guides, FAQ…) under every other path, in each language.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
