from django.urls import path

from filrouge.pathways import views

app_name = "pathways"
urlpatterns = [
    path("parcours/<id:pk>/modifier/", views.edit, name="edit"),
    path("parcours/<id:pk>/etape/", views.change_phase, name="phase"),
    path("parcours/<id:pk>/sortie/", views.record_exit, name="exit"),
    path("parcours/<id:pk>/reouverture/", views.reopen, name="reopen"),
    path("parcours/<id:pk>/suspension/", views.suspend, name="suspend"),
    path("parcours/<id:pk>/suspension/<id:suspension_pk>/fin/", views.end_suspension, name="end_suspension"),
    path("parcours/<id:pk>/renouvellement/", views.renew, name="renew"),
    path("parcours/<id:pk>/reassigner/", views.reassign, name="reassign"),
    path("parcours/<id:pk>/prendre-en-charge/", views.take_lead, name="take_lead"),
    path("services/<id:pk>/files-actives/", views.service_caseloads, name="service_caseloads"),
]
