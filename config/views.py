from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import set_language
from cms.accessibility import DEFENSEUR_DES_DROITS, declaration
from cms.selectors import site_map_pages, translated_url
from cms.views import serve_cms_page
from core import languages


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the FranceConnect button, or the way to "Mon espace" once logged in."""
    if (page := serve_cms_page(request, "")) is not None:  # the Wagtail home page, once set up
        return page
    is_relative = request.user.is_authenticated and hasattr(request.user, "relative")
    return render(request, "home.html", {"is_relative": is_relative})


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The Wagtail contact page (its form posts here) once it exists, else the support address."""
    if (page := serve_cms_page(request, "contact/")) is not None:
        return page
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(request, "contact.html", {"title": _("Contact"), "support_email": settings.SUPPORT_EMAIL})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The déclaration d'accessibilité, from the portal's last audit (cms.accessibility: one place for
    the page and the footer's status)."""
    return render(request, "accessibility.html", {
        "title": _("Déclaration d'accessibilité"), "declaration": declaration(), "defenseur": DEFENSEUR_DES_DROITS,
    })


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    """ "Plan du site" (RGAA 12.5, linked in the footer): the content pages' tree, the pages of the portal
    outside it, and "Mon espace"'s pages."""
    is_relative = request.user.is_authenticated and hasattr(request.user, "relative")
    pages = site_map_pages(request)
    in_tree = {page["url"] for page in pages}
    others = [{"title": title, "url": reverse(name)} for title, name in (
        (_("Rechercher sur le site"), "search"), (_("Contact"), "contact"), (_("Accessibilité"), "accessibility"),
    ) if reverse(name) not in in_tree]
    return render(request, "site_map.html", {
        "title": _("Plan du site"), "pages": pages, "others": others, "is_relative": is_relative,
    })


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer: answers once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The header's « Sélecteur de langue »: keeps the language in the session (and in a logged-in relative's
    profile: her e-mails, receipts and .ics), then shows the same page in it: a content page's translation
    where it has one (cms.selectors.translated_url), else the same route in that language."""
    language = request.POST.get("language", "")
    if not languages.is_language(language):
        return HttpResponseBadRequest(_("Cette langue n'est pas proposée sur le portail."))
    request.session[languages.SESSION_KEY] = language
    relative = getattr(request.user, "relative", None) if request.user.is_authenticated else None
    if relative is not None:
        set_language(relative=relative, language=language)
    target = languages.safe_next(request, request.POST.get("next"))
    # translate_url resolves ``target`` in the active language: the one of its own address (``/en/…``, French
    # unprefixed), not the new one, else ``/mon-espace/`` resolves nowhere under English and stays French.
    source = (translation.get_language_from_path(target) if target else None) or settings.LANGUAGE_CODE
    with translation.override(source):
        translated = (translated_url(target, language) or translate_url(target, language)) if target else None
    with translation.override(language):
        url = translated or reverse("home")
    return redirect(url)
