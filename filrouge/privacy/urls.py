from django.urls import path

from filrouge.privacy import views

app_name = "privacy"
urlpatterns = [
    path("personnes/<id:pk>/donnees-personnelles/", views.person_rights, name="person_rights"),
    path("personnes/<id:pk>/donnees-personnelles/export.json", views.export_json, name="export_json"),
    path("personnes/<id:pk>/donnees-personnelles/export.pdf", views.export_pdf, name="export_pdf"),
    path("personnes/<id:pk>/donnees-personnelles/export.zip", views.export_zip, name="export_zip"),
    path("personnes/<id:pk>/donnees-personnelles/anonymiser/", views.anonymise, name="anonymise"),
    path("personnes/<id:pk>/donnees-personnelles/effacer/", views.erase, name="erase"),
]
