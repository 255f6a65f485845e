from django.urls import path

from filrouge.employers import views

app_name = "employers"
urlpatterns = [
    path("employeurs/", views.company_list, name="list"),
    path("employeurs/nouvelle/", views.company_form, name="create"),
    path("employeurs/<id:pk>/", views.company_detail, name="detail"),
    path("employeurs/<id:pk>/modifier/", views.company_form, name="edit"),
    path("employeurs/<id:pk>/archiver/", views.company_archive, name="archive"),
    path("employeurs/<id:pk>/restaurer/", views.company_restore, name="restore"),
    path("employeurs/<id:pk>/interlocuteurs/nouveau/", views.company_contact_form, name="contact_add"),
    path(
        "employeurs/interlocuteurs/<id:contact_pk>/modifier/",
        views.company_contact_form,
        name="contact_edit",
    ),
    path("employeurs/<id:pk>/contacts/nouveau/", views.log_add, name="company_log_add"),
    path("employeurs/<id:company_pk>/offres/nouvelle/", views.opening_form, name="company_opening_add"),
    path("contacts-employeurs/", views.log_list, name="log"),
    path("contacts-employeurs/nouveau/", views.log_add, name="log_add"),
    path("offres/", views.opening_list, name="openings"),
    path("offres/nouvelle/", views.opening_form, name="opening_add"),
    path("offres/<id:pk>/", views.opening_detail, name="opening_detail"),
    path("offres/<id:pk>/modifier/", views.opening_form, name="opening_edit"),
]
