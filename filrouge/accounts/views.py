from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.accounts import domain
from filrouge.accounts.forms import InviteForm, LoginForm, ProfileForm, RoleForm, SearchForm
from filrouge.accounts.tokens import invitation_token_generator
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.organisations.models import Membership

# --- Signing in and out, passwords --------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"link_days": settings.PASSWORD_RESET_TIMEOUT // 86400}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title_kind": "reset"}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the new staff member chooses a password and is signed in."""

    token_generator = invitation_token_generator
    template_name = "accounts/password_set.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("core:home")
    extra_context = {"title_kind": "invitation"}
    reset_url_token = "definir-mot-de-passe"  # noqa: S105  (a URL segment, not a secret)

    def form_valid(self, form):
        messages.success(self.request, _("Bienvenue ! Votre mot de passe est enregistré."))
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été changé."))
        return super().form_valid(form)


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos informations sont enregistrées."))
        return redirect("accounts:profile")
    memberships = Membership.objects.active().filter(user=request.user).select_related("service")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


# --- Administration of the organisation's accounts ---------------------------------------------


def admin_list(request):
    policy.require(request.user, policy.Action.MANAGE_ACCOUNTS)
    search = SearchForm(request.GET or None)
    accounts = search.filter(policy.scoped_accounts(request.user)).order_by("full_name", "pk")
    page, query = paginate(request, accounts.prefetch_related("memberships__service"))
    template = "accounts/admin/_results.html" if wants_fragment(request) else "accounts/admin/list.html"
    return render(request, template, {"search": search, "page": page, "query": query})


def organisation_services(user):
    return policy.scoped_organisation_services(user).active()


def admin_invite(request):
    policy.require(request.user, policy.Action.MANAGE_ACCOUNTS)
    form = InviteForm(request.POST or None, services=organisation_services(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = domain.invite(
            request.user.organisation,
            data["full_name"],
            data["email"],
            data["role"],
            data["service"],
            base_url=request.build_absolute_uri("/"),
            time_share=data["time_share"],
        )
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
        return redirect("accounts:admin_detail", pk=user.pk)
    return render(request, "accounts/admin/invite.html", {"form": form})


def managed_account(request, pk):
    return policy.get_or_404(policy.scoped_accounts(request.user), pk=pk)


def admin_detail(request, pk):
    account = managed_account(request, pk)
    form = RoleForm(request.POST or None, services=organisation_services(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            domain.grant_role(account, data["role"], data["service"], data["time_share"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rôle ajouté."))
            return redirect("accounts:admin_detail", pk=account.pk)
    memberships = account.memberships.select_related("service").order_by("service__name", "role")
    return render(
        request,
        "accounts/admin/detail.html",
        {
            "account": account,
            "memberships": memberships,
            "form": form,
            "is_self": account.pk == request.user.pk,
        },
    )


def confirm_or_do(request, template: str, context: dict, action, success: str):
    """GET shows a confirmation page; POST does the action, or shows why it cannot be done."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
        return redirect("accounts:admin_detail", pk=context["account"].pk)
    return render(request, template, context)


def admin_revoke_role(request, pk, membership_pk):
    account = managed_account(request, pk)
    membership = policy.get_or_404(account.memberships.select_related("service"), pk=membership_pk)
    return confirm_or_do(
        request,
        "accounts/admin/confirm_revoke.html",
        {"account": account, "membership": membership},
        lambda: domain.revoke_role(membership),
        _("Rôle retiré."),
    )


def admin_deactivate(request, pk):
    account = managed_account(request, pk)
    return confirm_or_do(
        request,
        "accounts/admin/confirm_deactivate.html",
        {"account": account},
        lambda: domain.deactivate(account, by=request.user),
        _("Le compte est désactivé et toutes ses sessions sont fermées."),
    )


@require_POST
def admin_reactivate(request, pk):
    account = managed_account(request, pk)
    domain.reactivate(account)
    messages.success(request, _("Le compte est réactivé."))
    return redirect("accounts:admin_detail", pk=account.pk)


@require_POST
def admin_resend_invitation(request, pk):
    account = managed_account(request, pk)
    if account.has_pending_invitation:
        domain.send_invitation(account, request.build_absolute_uri("/"))
        messages.success(request, _("Invitation renvoyée à %(email)s.") % {"email": account.email})
    else:
        messages.error(request, _("Ce compte n'attend plus d'invitation."))
    return redirect(reverse("accounts:admin_detail", args=[account.pk]))
