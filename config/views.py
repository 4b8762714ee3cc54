from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the FranceConnect button, or the way to "Mon espace" once logged in."""
    is_relative = request.user.is_authenticated and hasattr(request.user, "relative")
    return render(request, "home.html", {"is_relative": is_relative})


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "contact.html", {"title": _("Contact"), "support_email": settings.SUPPORT_EMAIL})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html", {"title": _("Accessibilité")})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer: answers once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
