from django.urls import path

from filrouge.matching import views

app_name = "matching"
urlpatterns = [
    path("personnes/<id:pk>/offres-suggerees/", views.person_suggestions, name="person_suggestions"),
    path("personnes/<id:pk>/proposer/<id:opening_pk>/", views.propose, name="propose"),
    path("candidatures/<id:pk>/reponse/", views.answer, name="answer"),
]
