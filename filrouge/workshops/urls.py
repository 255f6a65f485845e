from django.urls import path

from filrouge.workshops import views

app_name = "workshops"
urlpatterns = [
    path("ateliers/", views.session_list, name="list"),
    path("ateliers/seances/<id:pk>/", views.session_detail, name="session_detail"),
    path("ateliers/seances/<id:pk>/modifier/", views.session_edit, name="session_edit"),
    path("ateliers/seances/<id:pk>/annuler/", views.session_cancel, name="session_cancel"),
    path("ateliers/seances/<id:pk>/inscrire/", views.register, name="register"),
    path("ateliers/seances/<id:pk>/presences/", views.attendance, name="attendance"),
    path("ateliers/inscriptions/<id:pk>/annuler/", views.registration_cancel, name="registration_cancel"),
    path("personnes/<id:pk>/ateliers/", views.person_workshops, name="person_workshops"),
    path("services/<id:pk>/ateliers/nouvelle-seance/", views.session_create, name="session_create"),
    path("services/<id:pk>/ateliers/nouvelle-serie/", views.series_create, name="series_create"),
    path("services/<id:pk>/ateliers/types/", views.types, name="types"),
    path("services/<id:pk>/ateliers/types/<id:type_pk>/archiver/", views.type_archive, name="type_archive"),
    path("services/<id:pk>/ateliers/types/<id:type_pk>/retablir/", views.type_restore, name="type_restore"),
]
