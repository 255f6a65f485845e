from django.urls import path

from filrouge.people import views

app_name = "people"
urlpatterns = [
    path("personnes/", views.person_list, name="list"),
    path("personnes/nouvelle/", views.person_create, name="create"),
    path("personnes/<id:pk>/", views.person_detail, name="detail"),
    path("personnes/<id:pk>/modifier/", views.person_edit, name="edit"),
    path("personnes/<id:pk>/inscrire/", views.person_enrol, name="enrol"),
    path("personnes/<id:pk>/chronologie/", views.person_timeline, name="timeline"),
    path("personnes/<id:pk>/partenaires/ajouter/", views.person_contact_add, name="contact_add"),
    path(
        "personnes/<id:pk>/partenaires/<id:link_pk>/retirer/",
        views.person_contact_remove,
        name="contact_remove",
    ),
    path("partenaires/", views.contact_list, name="contacts"),
    path("numeros-a-corriger/", views.phones_to_fix, name="phones_to_fix"),
    path("partenaires/nouveau/", views.contact_form, name="contact_create"),
    path("partenaires/<id:pk>/modifier/", views.contact_form, name="contact_edit"),
]
