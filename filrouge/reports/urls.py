from django.urls import path

from filrouge.reports import views

app_name = "reports"
urlpatterns = [
    path("rapports/", views.index, name="index"),
    path("rapports/activite/", views.activity_page, name="activity"),
    path("rapports/activite/rapport.pdf", views.activity_pdf, name="activity_pdf"),
    path("rapports/activite/rapport.xlsx", views.activity_xlsx, name="activity_xlsx"),
    path("rapports/prepares/", views.report_file_list, name="report_files"),
    path("rapports/prepares/<uuid:pk>/", views.report_file_page, name="report_file"),
    path("rapports/prepares/<uuid:pk>/telecharger", views.report_file_download, name="report_file_download"),
    path("rapports/prepares/<uuid:pk>/reessayer", views.report_file_retry, name="report_file_retry"),
    path("rapports/exports/personnes.csv", views.export_people, name="export_people"),
    path("rapports/exports/experiences.csv", views.export_placements, name="export_placements"),
    path(
        "rapports/exports/contacts-employeurs.csv",
        views.export_employer_contacts,
        name="export_employer_contacts",
    ),
    path(
        "rapports/exports/personnes-pour-import.csv",
        views.export_people_transfer,
        name="export_people_transfer",
    ),
    path("rapports/exports/entreprises.csv", views.export_companies, name="export_companies"),
    path(
        "rapports/exports/experiences-pour-import.csv",
        views.export_placements_transfer,
        name="export_placements_transfer",
    ),
]
