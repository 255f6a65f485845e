from django.urls import path

from filrouge.placements import views

app_name = "placements"
urlpatterns = [
    path("personnes/<id:pk>/emploi/", views.person_placements, name="person_placements"),
    path("parcours/<id:pk>/experiences/<slug:kind>/nouvelle/", views.create, name="create"),
    path("experiences/<id:pk>/", views.detail, name="detail"),
    path("experiences/<id:pk>/modifier/", views.edit, name="edit"),
    path("experiences/<id:pk>/fin/", views.end, name="end"),
    path("experiences/<id:pk>/renouvellement/", views.renew, name="renew"),
    path("experiences/<id:pk>/renouvellement-contrat/", views.renew_job, name="renew_job"),
    path("experiences/<id:pk>/divulgation/", views.disclosure, name="disclosure"),
    path("experiences/<id:pk>/amenagements/ajouter/", views.adjustment_add, name="adjustment_add"),
    path("amenagements/<id:pk>/statut/", views.adjustment_status, name="adjustment_status"),
    path("amenagements/<id:pk>/points/ajouter/", views.review_add, name="review_add"),
    path("experiences/<id:pk>/fiche-employeur/", views.employer_sheet, name="employer_sheet"),
]
