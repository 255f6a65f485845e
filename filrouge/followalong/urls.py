from django.urls import path

from filrouge.followalong import views

app_name = "followalong"
urlpatterns = [
    path("experiences/<id:pk>/suivi/", views.contact_list, name="list"),
    path("experiences/<id:pk>/suivi/ajouter/", views.add, name="add"),
    path("suivi-emploi/<id:pk>/modifier/", views.edit, name="edit"),
]
