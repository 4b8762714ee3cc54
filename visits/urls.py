"""The relative's parloir pages, under /mon-espace/: the sessions open to a permit, who comes, the booking's
confirmation, "Mes rendez-vous" and the cancellation."""

from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("mon-espace/rendez-vous/", views.my_visits, name="my_visits"),
    path("mon-espace/parloir/<int:registration_id>/", views.sessions, name="sessions"),
    path("mon-espace/parloir/<int:registration_id>/creneau/<str:session_id>/", views.book, name="book"),
    path("mon-espace/rendez-vous/<str:reference>/", views.booked, name="booked"),
    path("mon-espace/rendez-vous/<str:reference>/annuler/", views.cancel, name="cancel"),
    path("mon-espace/rendez-vous/<str:reference>/rendez-vous.ics", views.ics, name="ics"),
]
