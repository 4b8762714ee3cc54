"""The relative's transfer pages, under /mon-espace/."""

from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("mon-espace/pecule/", views.pecule, name="pecule"),
    path("mon-espace/virements/historique/", views.history, name="history"),
    path("mon-espace/virements/nouveau/<int:registration_id>/", views.amount, name="amount"),
    path("mon-espace/virements/<str:reference>/banque/", views.choose_bank, name="bank"),
    path("mon-espace/virements/<str:reference>/retour/", views.done, name="done"),
    path("mon-espace/virements/<str:reference>/", views.detail, name="detail"),
    path("mon-espace/virements/<str:reference>/justificatif.pdf", views.receipt_pdf, name="receipt"),
    path("mon-espace/virements/<str:reference>/reprendre/", views.resume, name="resume"),
    path("mon-espace/virements/<str:reference>/annuler/", views.cancel, name="cancel"),
]
