from django.urls import path

from filrouge.plans import views

app_name = "plans"
urlpatterns = [
    path("personnes/<id:pk>/plan/", views.person_plans, name="person_plans"),
    path("parcours/<id:pk>/plan/commencer/", views.start, name="start"),
    path("plans/<id:pk>/", views.detail, name="detail"),
    path("plans/<id:pk>/chronologie/", views.timeline, name="timeline"),
    path("plans/<id:pk>/objectifs/ajouter/", views.objective_add, name="objective_add"),
    path("plans/<id:pk>/accord/", views.agreement, name="agreement"),
    path("plans/<id:pk>/nouvelle-version/", views.new_version, name="new_version"),
    path("plans/objectifs/<id:pk>/modifier/", views.objective_edit, name="objective_edit"),
    path("plans/objectifs/<id:pk>/retirer/", views.objective_withdraw, name="objective_withdraw"),
    path("plans/objectifs/<id:pk>/retablir/", views.objective_restore, name="objective_restore"),
    path("plans/objectifs/<id:pk>/actions/ajouter/", views.action_add, name="action_add"),
    path("plans/actions/<id:pk>/modifier/", views.action_edit, name="action_edit"),
]
