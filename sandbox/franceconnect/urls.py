from django.urls import path

from . import views

# Included by sandbox.urls under /sandbox/franceconnect/ (names prefixed franceconnect_).
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="franceconnect_discovery"),
    path("authorize", views.authorize, name="franceconnect_authorize"),
    path("token", views.token, name="franceconnect_token"),
    path("userinfo", views.userinfo, name="franceconnect_userinfo"),
    path("jwks", views.jwks, name="franceconnect_jwks"),
    path("session/end", views.session_end, name="franceconnect_session_end"),
]
