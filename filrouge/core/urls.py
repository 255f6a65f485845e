from django.urls import path

from filrouge.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("a-faire/entretiens/<id:pk>/presence/", views.record_attendance, name="record_attendance"),
    path("services/", views.my_services, name="services"),
    path("organisation/", views.organisation_overview, name="organisation"),
    path("services/<id:pk>/", views.service_detail, name="service_detail"),
    path("healthz", views.healthz, name="healthz"),
]
