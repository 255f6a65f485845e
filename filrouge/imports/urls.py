from django.urls import path

from filrouge.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.start, name="start"),
    path("imports/modeles/complet.xlsx", views.template_all, name="template_all"),
    path("imports/modeles/<slug:kind>.csv", views.template_csv, name="template_csv"),
    path("imports/modeles/<slug:kind>.xlsx", views.template_xlsx, name="template_xlsx"),
    path("imports/<uuid:pk>/", views.run_page, name="run"),
    path("imports/<uuid:pk>/colonnes/", views.columns, name="columns"),
    path("imports/<uuid:pk>/confirmer", views.confirm, name="confirm"),
]
