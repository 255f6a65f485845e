from django.urls import path

from filrouge.background import views

app_name = "background"

urlpatterns = [
    path("administration/taches/", views.failed_tasks, name="failed_tasks"),
    path("administration/taches/<uuid:pk>/relancer/", views.retry_task, name="retry_task"),
]
