from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from filrouge import policy
from filrouge.accounts import domain, sessions, sign_in_links, throttle, two_factor
from filrouge.accounts.forms import (
    AccountPhoneForm,
    CodeForm,
    EnrolmentForm,
    InviteForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    ReauthenticationForm,
    RoleForm,
    SearchForm,
    SignInLinkForm,
)
from filrouge.accounts.reauth import mark_recent_auth, recent_auth_required
from filrouge.accounts.tokens import invitation_token_generator
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.organisations.models import Membership

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# --- Signing in and out, passwords --------------------------------------------------------------


def safe_next(request, candidate, default: str) -> str:
    """`next` only when it stays on this site; otherwise the default page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def signed_in(request, user) -> None:
    """A sign-in completed with every factor the account has: the slate is clean, and the user
    counts as having just proved who they are (no re-authentication for the next minutes)."""
    throttle.record_success(request, user.email)
    mark_recent_auth(request)


def ask_for_code(request, user, next_url: str, backend: str):
    two_factor.start_pending_login(request, user, next_url, backend)
    return redirect("accounts:login_code")


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The first step: the password. An account with an authenticator goes on to the code page
    before the session is signed in."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        two_factor.clear_pending_login(self.request)
        if two_factor.has_device(user):
            return ask_for_code(self.request, user, self.get_success_url(), user.backend)
        response = super().form_valid(form)
        signed_in(self.request, user)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # During a lockout, the owner of the account can still get in through their mailbox.
        form = context["form"]
        context["offer_sign_in_link"] = form.is_bound and form.has_error(NON_FIELD_ERRORS, "locked")
        return context


@login_not_required
def login_code(request):
    """The second step of signing in: a code of the authenticator, or a recovery code."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    was_pending = two_factor.SESSION_PENDING in request.session
    found = two_factor.pending_login(request)
    if found is None:
        if was_pending:
            messages.info(request, _("Le délai pour saisir le code est dépassé : reconnectez-vous."))
        return redirect("accounts:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    by_link = pending.get("by_link", False)
    if request.method == "POST" and form.is_valid():
        # A sign-in begun with a link has passed the account's lockout; the address's still holds.
        remaining = throttle.lockout_remaining(request, user.email, account=not by_link)
        kind = None if remaining is not None else two_factor.verify(user, form.cleaned_data["code"])
        if remaining is not None:
            form.add_error(None, throttle.lockout_message(remaining))
        elif kind is None:
            throttle.record_failure(request, user.email)
            two_factor.report_failure(request, user)
            if two_factor.link_attempts_exhausted(request):
                messages.error(
                    request, _("Trop de codes incorrects : demandez un nouveau lien de connexion.")
                )
                return redirect("accounts:sign_in_link_request")
            form.add_error("code", two_factor_code_error())
        else:
            two_factor.clear_pending_login(request)
            auth_login(request, user, backend=pending["backend"])
            if by_link:
                throttle.record_success(request, user.email)  # not a recent password: see signed_in_by_link
            else:
                signed_in(request, user)
            if kind == two_factor.RECOVERY:
                say_recovery_codes_left(request, user)
            return redirect(safe_next(request, pending.get("next"), settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login_code.html", {"form": form, "by_link": by_link})


def two_factor_code_error() -> str:
    return _(
        "Ce code n'est pas valable. Saisissez le code affiché en ce moment par votre application "
        "(vérifiez l'heure de votre téléphone) ou un code de secours non utilisé."
    )


def say_recovery_codes_left(request, user) -> None:
    left = two_factor.remaining_recovery_codes(user)
    messages.warning(
        request,
        ngettext(
            "Vous avez utilisé un code de secours : il vous en reste %(count)s.",
            "Vous avez utilisé un code de secours : il vous en reste %(count)s.",
            left,
        )
        % {"count": left},
    )


def reauthenticate(request):
    """Sudo mode: the password again (and a code, for an account with an authenticator) before a
    sensitive action. Throttled like the sign-in."""
    user = request.user
    with_code = two_factor.has_device(user)
    form = ReauthenticationForm(request.POST or None, with_code=with_code)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), "accounts:profile")
    if request.method == "POST" and form.is_valid():
        remaining = throttle.lockout_remaining(request, user.email)
        if remaining is not None:
            form.add_error(None, throttle.lockout_message(remaining))
        elif not user.check_password(form.cleaned_data["password"]):
            throttle.record_failure(request, user.email)
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.email, "step": "reauthentication"},
                request=request,
            )
            form.add_error("password", _("Mot de passe incorrect."))
        elif with_code and (kind := two_factor.verify(user, form.cleaned_data["code"])) is None:
            throttle.record_failure(request, user.email)
            two_factor.report_failure(request, user)
            form.add_error("code", two_factor_code_error())
        else:
            signed_in(request, user)
            if with_code and kind == two_factor.RECOVERY:
                say_recovery_codes_left(request, user)
            messages.success(request, _("Identité confirmée. Vous pouvez poursuivre."))
            return redirect(next_url)
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url})


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm  # queues the email: see accounts.emails
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@login_not_required
def sign_in_link_request(request):
    """A sign-in link by email, for the owner of a locked account. The same answer whether or
    not an account has the address."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if domain.request_sign_in_link(request, form.cleaned_data["email"]):
            minutes = int(sign_in_links.LIFETIME.total_seconds() // 60)
            return render(request, "accounts/sign_in_link_sent.html", {"minutes": minutes})
        form.add_error(
            None,
            _(
                "Trop de liens demandés pour cette adresse ou depuis cette connexion. "
                "Réessayez dans une heure, ou demandez à l'administrateur de votre organisation "
                "de débloquer votre compte."
            ),
        )
    return render(request, "accounts/sign_in_link_request.html", {"form": form})


@login_not_required
def sign_in_link(request):
    """The emailed link. Its secret moves from the address into the session at once (out of the
    history and of any Referer), and the link is used only by the button (POST): mail filters
    that open links by themselves do not use it up."""
    token = request.GET.get("jeton")
    if token:
        request.session[sign_in_links.SESSION_TOKEN] = token
        return redirect("accounts:sign_in_link")
    token = request.session.get(sign_in_links.SESSION_TOKEN, "")
    if request.method == "POST":
        request.session.pop(sign_in_links.SESSION_TOKEN, None)
        user = sign_in_links.redeem(token)
        if user is not None:
            return signed_in_by_link(request, user)
    valid = request.method == "GET" and sign_in_links.is_valid(token)
    return render(request, "accounts/sign_in_link.html", {"valid": valid})


def signed_in_by_link(request, user):
    """Past the lockout of the account, whose failures are forgotten; not past the second
    factor. The mailbox is not the password: the next sensitive action still asks for it."""
    throttle.clear_account(user.email)
    two_factor.clear_pending_login(request)
    next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    if two_factor.has_device(user):
        two_factor.start_pending_login(request, user, next_url, MODEL_BACKEND, by_link=True)
        return redirect("accounts:login_code")
    auth_login(request, user, backend=MODEL_BACKEND)
    return redirect(next_url)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"link_days": settings.PASSWORD_RESET_TIMEOUT // 86400}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets a new password and signs nobody in: the user then signs in with every factor."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title_kind": "reset"}
    post_reset_login = False


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the new staff member chooses a password and is signed
    in, unless the account already has an authenticator, whose code is then asked first."""

    token_generator = invitation_token_generator
    template_name = "accounts/password_set.html"
    post_reset_login = False  # signed in below, through the second factor when there is one
    success_url = reverse_lazy("core:home")
    extra_context = {"title_kind": "invitation"}
    reset_url_token = "definir-mot-de-passe"  # noqa: S105  (a URL segment, not a secret)

    def form_valid(self, form):
        super().form_valid(form)
        user = form.user
        messages.success(self.request, _("Bienvenue ! Votre mot de passe est enregistré."))
        next_url = resolve_url(self.success_url)
        if two_factor.has_device(user):
            return ask_for_code(self.request, user, next_url, MODEL_BACKEND)
        auth_login(self.request, user, backend=MODEL_BACKEND)
        signed_in(self.request, user)
        return redirect(next_url)


@method_decorator(recent_auth_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été changé."))
        return super().form_valid(form)


def profile(request):
    # The account page changes the name, the professional phone and the daily digest: the email
    # is the login and no page changes it once the invitation is sent, so nothing here asks for a
    # re-authentication. Only the signed-in account's own row: no id comes from the request.
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos informations sont enregistrées."))
        return redirect("accounts:profile")
    memberships = Membership.objects.active().filter(user=request.user).select_related("service")
    device = two_factor.confirmed_device(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "device": device,
            "recovery_codes_left": two_factor.remaining_recovery_codes(request.user) if device else 0,
            "two_factor_required": two_factor.is_required(request.user),
        },
    )


# --- Two-factor authentication -------------------------------------------------------------------


@recent_auth_required
def two_factor_setup(request):
    """Scan the QR code (or type the secret), then confirm with a first code. Setting up again
    replaces the previous authenticator once the new one is confirmed."""
    device = two_factor.pending_device(request.user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_device(device, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("La double authentification est activée."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "code",
            _(
                "Ce code ne correspond pas. Saisissez les 6 chiffres affichés en ce moment par "
                "l'application, après avoir scanné le code QR ou saisi la clé."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.grouped_secret(device),
            "replacing": two_factor.has_device(request.user),
        },
    )


@recent_auth_required
def two_factor_recovery_codes(request):
    """GET asks for confirmation (the old codes stop working); POST shows the new ones, once."""
    if not two_factor.has_device(request.user):
        messages.info(request, _("Activez d'abord la double authentification."))
        return redirect("accounts:profile")
    if request.method == "POST":
        codes = two_factor.regenerate_recovery_codes(request.user)
        messages.success(request, _("Nouveaux codes de secours créés : les anciens ne fonctionnent plus."))
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/two_factor_recovery_confirm.html")


def two_factor_disable(request):
    if not two_factor.may_disable(request.user):
        messages.error(
            request,
            _(
                "Votre compte donne accès à des données personnelles sensibles : la double "
                "authentification y est obligatoire et ne peut pas être désactivée."
            ),
        )
        return redirect("accounts:profile")
    return confirm_two_factor_disable(request)


@recent_auth_required
def confirm_two_factor_disable(request):
    if not two_factor.has_device(request.user):
        return redirect("accounts:profile")
    if request.method == "POST":
        two_factor.disable(request.user)
        messages.success(request, _("La double authentification est désactivée."))
        return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html")


# --- Administration of the organisation's accounts ---------------------------------------------


def admin_list(request):
    policy.require(request.user, policy.Action.MANAGE_ACCOUNTS)
    search = SearchForm(request.GET or None)
    accounts = search.filter(policy.scoped_accounts(request.user)).order_by("full_name", "pk")
    page, query = paginate(request, accounts.prefetch_related("memberships__service"))
    page.object_list = list(page.object_list)
    lockouts = throttle.account_lockouts(account.email for account in page.object_list)
    for account in page.object_list:
        account.lockout = lockouts[account.email]
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
            employment_services_share=data["employment_services_share"],
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
            domain.grant_role(
                account,
                data["role"],
                data["service"],
                data["time_share"],
                employment_services_share=data["employment_services_share"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rôle ajouté."))
            return redirect("accounts:admin_detail", pk=account.pk)
    memberships = account.memberships.select_related("service").order_by("service__name", "role")
    account.lockout = throttle.account_lockouts([account.email])[account.email]
    return render(
        request,
        "accounts/admin/detail.html",
        {
            "account": account,
            "memberships": memberships,
            "form": form,
            "is_self": account.pk == request.user.pk,
            "has_second_factor": two_factor.has_device(account),
        },
    )


def admin_phone(request, pk):
    """The account's professional phone, given in the reminders of the people it follows (the
    daily digest stays the person's own choice: not here)."""
    account = managed_account(request, pk)
    form = AccountPhoneForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        # This one column: the account's other columns may change meanwhile (a sign-in, a lockout).
        form.save(commit=False).save(update_fields=["phone"])
        messages.success(request, _("Le téléphone professionnel est enregistré."))
        return redirect("accounts:admin_detail", pk=account.pk)
    return render(request, "accounts/admin/phone.html", {"account": account, "form": form})


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


def admin_reset_two_factor(request, pk):
    account = managed_account(request, pk)
    return confirm_or_do(
        request,
        "accounts/admin/confirm_reset_two_factor.html",
        {"account": account},
        lambda: domain.reset_second_factor(account, by=request.user),
        _("La double authentification du compte est réinitialisée et ses sessions sont fermées."),
    )


@require_POST
def admin_reactivate(request, pk):
    account = managed_account(request, pk)
    domain.reactivate(account)
    messages.success(request, _("Le compte est réactivé."))
    return redirect("accounts:admin_detail", pk=account.pk)


@require_POST
def admin_unlock(request, pk):
    account = managed_account(request, pk)
    try:
        domain.lift_lockout(account, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le compte est débloqué : il peut de nouveau se connecter."))
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


# --- The session's countdown ---------------------------------------------------------------------


@login_not_required  # a signed-out page's script gets a 401, not the login page
@require_http_methods(["GET", "POST"])
def session_status(request):
    """The seconds left before the session ends, for the page's countdown. A GET only asks; a
    POST ("Rester connecté", or typing in a form) is activity, which the session middleware
    counts before this answer, never past the absolute lifetime."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0, "final": True}, status=401)
    return JsonResponse(sessions.status(request.session, timezone.now().timestamp()))
