from django.urls import path

from filrouge.audit import views

app_name = "audit"
urlpatterns = [
    path("journal-d-audit/", views.home, name="home"),
    path("journal-d-audit/personnes/<id:pk>/", views.person, name="person"),
    path("journal-d-audit/comptes/<id:pk>/", views.account, name="account"),
    path("journal-d-audit/entrees/<id:pk>/", views.entry, name="entry"),
]
