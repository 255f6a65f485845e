import copy

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from filrouge.accounts import emails, throttle
from filrouge.accounts.models import User
from filrouge.core.phones import UnreadablePhoneMixin
from filrouge.organisations.models import Role, Service
from filrouge.pathways.caseload import TARGET_PER_FULL_TIME_COACH


class LoginForm(AuthenticationForm):
    """Email and password. One message for every failure: it never tells whether an account exists."""

    error_messages = {
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "inactive": _("Adresse e-mail ou mot de passe incorrect."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No autofocus: focus starts at the top of the page, so the skip link is the first tab
        # stop and a screen reader starts from the heading, not in the middle of the form.
        self.fields["username"] = forms.EmailField(
            label=_("Adresse e-mail"),
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "username"}),
        )
        self.fields["password"].label = _("Mot de passe")

    def clean_username(self):
        return User.objects.normalize_email(self.cleaned_data["username"])

    def clean(self):
        # Checked before the password: during a lockout even the right password is refused.
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password"):
            remaining = throttle.lockout_remaining(self.request, username)
            if remaining is not None:
                raise forms.ValidationError(throttle.lockout_message(remaining), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(self.request, username)
            raise


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Queues the email instead of sending it (`accounts.emails`): the page answers as fast for
    an unknown address as for an account's."""

    def save(self, *, request, **kwargs):
        user = next(iter(self.get_users(self.cleaned_data["email"])), None)
        emails.send_later(emails.PASSWORD_RESET, user.pk if user else None, request.build_absolute_uri("/"))


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])


class CodeForm(forms.Form):
    """The second factor: a code of the authenticator application, or a recovery code."""

    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=32,
        help_text=_(
            "Les 6 chiffres affichés par votre application d'authentification, "
            "ou l'un de vos codes de secours."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=12,
        help_text=_("6 chiffres, renouvelés toutes les 30 secondes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"] = copy.deepcopy(CodeForm.base_fields["code"])


class SearchForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("Tous")),
        ("active", _("Actifs")),
        ("invited", _("Invitation en attente")),
        ("inactive", _("Désactivés")),
    ]
    q = forms.CharField(label=_("Nom ou adresse e-mail"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("État"), choices=STATUS_CHOICES, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[("", _("Tous"))] + list(Role.choices), required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(full_name__icontains=data["q"]) | Q(email__icontains=data["q"]))
        if data["status"] == "active":
            queryset = queryset.working()
        elif data["status"] == "invited":
            queryset = queryset.invited()
        elif data["status"] == "inactive":
            queryset = queryset.deactivated()
        if data["role"]:
            queryset = queryset.filter(memberships__role=data["role"])
        return queryset.distinct()


class RoleForm(forms.Form):
    """A role, and the service it applies to unless it spans the organisation."""

    role = forms.ChoiceField(label=_("Rôle"), choices=[("", "—")] + list(Role.choices))
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("Sans objet pour la direction et l'administration, qui couvrent toute l'organisation."),
    )
    time_share = forms.IntegerField(
        label=_("Quotité de travail dans ce service (%)"),
        min_value=10,
        max_value=100,
        initial=100,
        required=False,
        help_text=format_lazy(
            _("Pour un job coach : la file active visée est de {target} personnes par temps plein."),
            target=TARGET_PER_FULL_TIME_COACH,
        ),
    )
    employment_services_share = forms.IntegerField(
        label=_("Part de ce temps consacrée à l'accompagnement vers et dans l'emploi (%)"),
        min_value=0,
        max_value=100,
        initial=100,
        required=False,
        help_text=_(
            "Pour un job coach : 100 % quand il ne fait que de l'accompagnement vers et dans "
            "l'emploi, moins quand il assure aussi d'autres missions (accompagnement social, "
            "activités). La revue de fidélité IPS en tient compte."
        ),
        error_messages={
            "invalid": _("Indiquez un pourcentage : un nombre entier de 0 à 100."),
            "min_value": _("Le pourcentage ne peut pas être négatif."),
            "max_value": _("Le pourcentage ne peut pas dépasser %(limit_value)s %%."),
        },
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role and not Role(role).is_organisation_wide and not data.get("service"):
            self.add_error("service", _("Choisissez le service où ce rôle s'exerce."))
        if role and Role(role).is_organisation_wide:
            data["service"] = None
        if data.get("time_share") is None:
            data["time_share"] = 100
        if data.get("employment_services_share") is None:
            data["employment_services_share"] = 100
        return data


class InviteForm(RoleForm):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail professionnelle"), max_length=254)

    field_order = ["full_name", "email", "role", "service", "time_share", "employment_services_share"]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            # Said the same whether the address is used here or in another organisation.
            raise forms.ValidationError(_("Cette adresse e-mail est déjà utilisée par un compte."))
        return email


PHONE_HELP = _(
    "Votre numéro professionnel, donné aux personnes accompagnées dans leurs rappels de rendez-vous. "
    "Jamais un numéro personnel."
)


class ProfileForm(UnreadablePhoneMixin, forms.ModelForm):
    """The account's own page: the name, the professional phone and the daily digest (the
    digest is the person's own choice: no other form changes it)."""

    class Meta:
        model = User
        fields = ["full_name", "phone", "daily_digest"]
        labels = {"daily_digest": _("Recevoir chaque jour ouvré à 7 h 30 un résumé par e-mail")}
        help_texts = {
            "phone": PHONE_HELP,
            "daily_digest": _(
                "Le nombre d'actions en retard ou du jour, d'immersions et de contrats qui se "
                "terminent dans les 7 jours et d'alertes de votre file active, avec des liens : "
                "aucun nom de famille, aucun contenu d'accompagnement."
            ),
        }


class AccountPhoneForm(UnreadablePhoneMixin, forms.ModelForm):
    """What the organisation's administrator changes on an account besides its roles."""

    class Meta:
        model = User
        fields = ["phone"]
        help_texts = {"phone": PHONE_HELP}
