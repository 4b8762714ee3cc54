"""The sandbox bank, under /sandbox/banque/: its STET API under stet/v1/, its customer pages."""

from django.urls import path

from . import views

app_name = "bank"
urlpatterns = [
    path("stet/v1/token", views.token, name="token"),
    path("stet/v1/payment-requests", views.payment_requests, name="payment-requests"),
    path("stet/v1/payment-requests/<str:resource_id>", views.payment_request, name="payment-request"),
    path("connexion/", views.login, name="login"),
    path("virement/<str:resource_id>/", views.consent, name="consent"),
]
