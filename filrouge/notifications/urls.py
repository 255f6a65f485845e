from django.urls import path

from filrouge.notifications import views

app_name = "notifications"
urlpatterns = [
    path("personnes/<id:pk>/rappels/", views.person_reminders, name="person_reminders"),
    path("personnes/<id:pk>/rappels/choisir/", views.record, name="record_choice"),
    path(
        "administration/messages/<uuid:pk>/renvoyer/",
        views.message_decision,
        {"decision": "send_again"},
        name="send_again",
    ),
    path(
        "administration/messages/<uuid:pk>/confirmer/",
        views.message_decision,
        {"decision": "confirm"},
        name="confirm_sent",
    ),
]
