from django.urls import path

from filrouge.documents import views

app_name = "documents"
urlpatterns = [
    path("personnes/<id:pk>/documents/", views.person_documents, name="person_documents"),
    path("personnes/<id:pk>/documents/ajouter/", views.upload, name="upload"),
    path("documents/<id:pk>/telecharger/", views.download, name="download"),
    path("documents/<id:pk>/archiver/", views.archive, name="archive"),
    path("documents/<id:pk>/retablir/", views.restore, name="restore"),
    path("plans/<id:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("parcours/<id:pk>/bilan.pdf", views.report_pdf, name="report_pdf"),
]
