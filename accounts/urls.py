"""The relatives' side: FranceConnect login and logout, "Mon espace". Its "Pécule" tab is ``transfers:pecule``
(transfers.urls, same /mon-espace/ prefix). And the staff's ProConnect login and logout."""

from django.urls import path

from . import views
from .proconnect import views as proconnect_views

app_name = "accounts"
urlpatterns = [
    path("connexion/franceconnect/", views.franceconnect_login, name="franceconnect_login"),
    path("connexion/franceconnect/retour/", views.franceconnect_callback, name="franceconnect_callback"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("deconnexion/retour/", views.logout_callback, name="logout_callback"),
    # The staff's ProConnect login and logout (the buttons are on /gestion/login/ and /cms/login/).
    path("agents/proconnect/connexion/", proconnect_views.proconnect_login, name="proconnect_login"),
    path("agents/proconnect/retour/", proconnect_views.proconnect_callback, name="proconnect_callback"),
    path("agents/proconnect/deconnexion/", proconnect_views.proconnect_logout, name="proconnect_logout"),
    path("agents/proconnect/deconnexion/retour/", proconnect_views.proconnect_logout_callback,
         name="proconnect_logout_callback"),
    # "Prolonger ma session" (the session warning dialog, relatives and staff): POST only, JSON.
    path("session/prolonger/", views.extend_session, name="extend_session"),
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("mon-espace/preferences/", views.email_preferences, name="email_preferences"),
    path("mon-espace/permis/ajouter/", views.add_permit, name="add_permit"),
    path("mon-espace/permis/<int:registration_id>/", views.permit_detail, name="permit_detail"),
]
