from django.urls import path

from filrouge.organisations import views

app_name = "organisations"
urlpatterns = [
    path("administration/organisation/", views.admin_services, name="admin_services"),
    path("administration/services/nouveau/", views.admin_service_create, name="admin_service_create"),
    path("administration/services/<id:pk>/modifier/", views.admin_service_edit, name="admin_service_edit"),
    path(
        "administration/services/<id:pk>/archiver/", views.admin_service_archive, name="admin_service_archive"
    ),
    path(
        "administration/services/<id:pk>/retablir/", views.admin_service_restore, name="admin_service_restore"
    ),
]
