from django.urls import path

from filrouge.fidelity import views

app_name = "fidelity"
urlpatterns = [
    path("fidelite/", views.index, name="index"),
    path("services/<id:pk>/fidelite/", views.review_list, name="list"),
    path("services/<id:pk>/fidelite/nouvelle/", views.review_create, name="create"),
    path("services/<id:pk>/fidelite/comparer/", views.review_compare, name="compare"),
    path("fidelite/revues/<id:pk>/", views.review_detail, name="detail"),
    path("fidelite/revues/<id:pk>/modifier/", views.review_edit, name="edit"),
    path("fidelite/revues/<id:pk>/notation/<slug:section>/", views.review_score, name="score"),
    path("fidelite/revues/<id:pk>/recalculer/", views.review_recalculate, name="recalculate"),
    path("fidelite/revues/<id:pk>/finaliser/", views.review_finalise, name="finalise"),
    path("fidelite/revues/<id:pk>/abandonner/", views.review_abandon, name="abandon"),
    path("fidelite/revues/<id:pk>/plan/", views.plan, name="plan"),
    path("fidelite/revues/<id:pk>/plan/ajouter/", views.action_form, name="action_add"),
    path("fidelite/actions/<id:action_pk>/modifier/", views.action_form, name="action_edit"),
    path("fidelite/actions/<id:pk>/realisee/", views.action_complete, name="action_complete"),
]
