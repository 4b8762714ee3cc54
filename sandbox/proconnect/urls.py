from django.urls import path

from . import views

# Included by sandbox.urls under /sandbox/proconnect/ (names prefixed proconnect_).
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="proconnect_discovery"),
    path("authorize", views.authorize, name="proconnect_authorize"),
    path("token", views.token, name="proconnect_token"),
    path("userinfo", views.userinfo, name="proconnect_userinfo"),
    path("jwks", views.jwks, name="proconnect_jwks"),
    path("session/end", views.session_end, name="proconnect_session_end"),
]
