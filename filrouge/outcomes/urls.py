from django.urls import path

from filrouge.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("chiffres/", views.dashboard, name="dashboard"),
]
