"""The site's URLs plus one view that fails, to see the 500 page a visitor gets."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("panne simulée : secret-interne-42")


urlpatterns = [path("panne/", boom), *site_urlpatterns]
