from django.urls import path

from filrouge.profiles import views

app_name = "profiles"
urlpatterns = [
    path("personnes/<id:pk>/profil/", views.detail, name="detail"),
    path("personnes/<id:pk>/profil/modifier/", views.edit, name="edit"),
]
