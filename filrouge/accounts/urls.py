from django.contrib.auth import views as auth_views
from django.urls import path

from filrouge.accounts import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.login_code, name="login_code"),
    path("connexion/confirmer/", views.reauthenticate, name="reauthenticate"),
    path("connexion/lien/", views.sign_in_link, name="sign_in_link"),
    path("connexion/lien/demander/", views.sign_in_link_request, name="sign_in_link_request"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("compte/", views.profile, name="profile"),
    path("compte/session/", views.session_status, name="session"),
    path("compte/double-authentification/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "compte/double-authentification/codes-de-secours/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("compte/double-authentification/desactiver/", views.two_factor_disable, name="two_factor_disable"),
    path("administration/comptes/", views.admin_list, name="admin_list"),
    path("administration/comptes/inviter/", views.admin_invite, name="admin_invite"),
    path("administration/comptes/<id:pk>/", views.admin_detail, name="admin_detail"),
    path(
        "administration/comptes/<id:pk>/roles/<id:membership_pk>/retirer/",
        views.admin_revoke_role,
        name="admin_revoke_role",
    ),
    path("administration/comptes/<id:pk>/telephone/", views.admin_phone, name="admin_phone"),
    path("administration/comptes/<id:pk>/desactiver/", views.admin_deactivate, name="admin_deactivate"),
    path("administration/comptes/<id:pk>/reactiver/", views.admin_reactivate, name="admin_reactivate"),
    path("administration/comptes/<id:pk>/debloquer/", views.admin_unlock, name="admin_unlock"),
    path(
        "administration/comptes/<id:pk>/double-authentification/reinitialiser/",
        views.admin_reset_two_factor,
        name="admin_reset_two_factor",
    ),
    path(
        "administration/comptes/<id:pk>/renvoyer-invitation/",
        views.admin_resend_invitation,
        name="admin_resend_invitation",
    ),
]
