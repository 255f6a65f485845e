from django.urls import path

from filrouge.consents import views

app_name = "consents"
urlpatterns = [
    path("personnes/<id:pk>/consentements/", views.person_consents, name="person_consents"),
    path("personnes/<id:pk>/consentements/enregistrer/", views.record, name="record"),
    path("personnes/<id:pk>/divulgation/", views.disclosure, name="disclosure"),
    path("consentements/<id:pk>/retirer/", views.withdraw, name="withdraw"),
    path("plans/<id:pk>/transmettre/", views.plan_share, name="plan_share"),
    path("parcours/<id:pk>/bilan/transmettre/", views.report_share, name="report_share"),
]
