from django.urls import path

from filrouge.referentials import views

app_name = "referentials"
urlpatterns = [
    path("referentiels/metiers/", views.job_titles, name="job_titles"),
    path("referentiels/communes/", views.communes, name="communes"),
    path("services/<id:pk>/referentiel/", views.service_items, name="service_items"),
    path(
        "services/<id:pk>/referentiel/<slug:kind>/<id:item_pk>/archiver/",
        views.archive_item,
        name="service_item_archive",
    ),
    path(
        "services/<id:pk>/referentiel/<slug:kind>/<id:item_pk>/retablir/",
        views.restore_item,
        name="service_item_restore",
    ),
]
