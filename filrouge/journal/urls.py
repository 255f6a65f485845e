from django.urls import path

from filrouge.journal import views

app_name = "journal"
urlpatterns = [
    path("personnes/<id:pk>/journal/", views.person_journal, name="person_journal"),
    path("parcours/<id:pk>/entretiens/ajouter/", views.meeting_add, name="meeting_add"),
    path("entretiens/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("entretiens/<id:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("parcours/<id:pk>/notes/ajouter/", views.note_add, name="note_add"),
    path("notes/<id:pk>/", views.note_detail, name="note_detail"),
    path("notes/<id:pk>/modifier/", views.note_edit, name="note_edit"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/nouveau-rendez-vous/", views.appointment_new, name="appointment_new"),
    path("agenda/abonnement/", views.calendar_feed, name="calendar_feed"),
    path("agenda/<str:token>.ics", views.ics, name="ics"),
]
