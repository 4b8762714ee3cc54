"""The relatives' side: FranceConnect login and logout, "Mon espace". Its "Pécule"
tab is ``transfers:pecule`` (transfers.urls, same /mon-espace/ prefix)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/franceconnect/", views.franceconnect_login, name="franceconnect_login"),
    path("connexion/franceconnect/retour/", views.franceconnect_callback, name="franceconnect_callback"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("deconnexion/retour/", views.logout_callback, name="logout_callback"),
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("mon-espace/permis/ajouter/", views.add_permit, name="add_permit"),
    path("mon-espace/permis/<int:registration_id>/", views.permit_detail, name="permit_detail"),
]
