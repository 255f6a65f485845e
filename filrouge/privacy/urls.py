from django.urls import path

from filrouge.privacy import access_views, views

app_name = "privacy"
urlpatterns = [
    path("personnes/<id:pk>/donnees-personnelles/", views.person_rights, name="person_rights"),
    path("personnes/<id:pk>/donnees-personnelles/export.json", views.export_json, name="export_json"),
    path("personnes/<id:pk>/donnees-personnelles/export.pdf", views.export_pdf, name="export_pdf"),
    path("personnes/<id:pk>/donnees-personnelles/export.zip", views.export_zip, name="export_zip"),
    path("personnes/<id:pk>/donnees-personnelles/anonymiser/", views.anonymise, name="anonymise"),
    path("personnes/<id:pk>/donnees-personnelles/effacer/", views.erase, name="erase"),
    # The right of access answered whole: the data protection officer's requests...
    path("droit-d-acces/", access_views.requests, name="access_requests"),
    path("droit-d-acces/personnes/<id:pk>/ouvrir/", access_views.open_request, name="access_open"),
    path("droit-d-acces/<id:pk>/", access_views.request_detail, name="access_request"),
    path("droit-d-acces/<id:pk>/prolonger/", access_views.extend, name="access_extend"),
    path("droit-d-acces/<id:pk>/repondre/", access_views.answer, name="access_answer"),
    path("droit-d-acces/<id:pk>/export.json", access_views.export_json, name="access_export_json"),
    path("droit-d-acces/<id:pk>/export.pdf", access_views.export_pdf, name="access_export_pdf"),
    path("droit-d-acces/<id:pk>/export.zip", access_views.export_zip, name="access_export_zip"),
    # ... and the reviews of the professionals whose writings are kept for their profession.
    path("droit-d-acces/relectures/", access_views.reviews, name="access_reviews"),
    path("droit-d-acces/relectures/<id:pk>/", access_views.review, name="access_review"),
]
