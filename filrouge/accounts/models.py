from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.phones import PhoneNumberField


class UserQuerySet(models.QuerySet):
    def invited(self):
        """Accounts whose owner has not yet chosen a password through the invitation."""
        return self.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)

    def working(self):
        return self.filter(is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)

    def deactivated(self):
        return self.filter(is_active=False)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))

    @classmethod
    def normalize_email(cls, email):
        # One address, one account, whatever its case.
        return (email or "").strip().lower()

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password: the invitation sets one
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A staff account. Roles are held per service through organisations.Membership."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, related_name="users"
    )
    # Professional number, given in the reminders the person receives; never a personal one.
    phone = PhoneNumberField(_("téléphone professionnel"))
    # A daily email (7:30, working days) of what is due: counts and links, first names only.
    daily_digest = models.BooleanField(_("résumé quotidien par e-mail"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("créé le"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("compte")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = User.objects.normalize_email(self.email)

    @property
    def has_pending_invitation(self) -> bool:
        return self.is_active and not self.has_usable_password()


class UserSession(models.Model):
    """The sessions a user holds, so that deactivating an account can end them all at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"session of user {self.user_id}"


# --- Second factor and brute-force protection ---------------------------------------------------


class TotpDeviceQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class TotpDevice(models.Model):
    """An authenticator application (RFC 6238). A device is pending until the user types a first
    code from it; confirming a new one replaces the old, so a lost phone can be swapped."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="totp_devices")
    # Kept encrypted with the keys outside the database: a copy of the database alone gives
    # no one the codes.
    secret = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    last_used_step = models.BigIntegerField(null=True, blank=True)

    objects = TotpDeviceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(confirmed_at__isnull=False), name="totp_one_confirmed_per_user"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(confirmed_at__isnull=True), name="totp_one_pending_per_user"
            ),
        ]

    def __str__(self):
        return f"TOTP device of user {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the phone is not at hand. Only a salted hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"recovery code of user {self.user_id}"


class AuthFailure(models.Model):
    """A failed password or code, counted per account and per address (each a keyed hash, so the
    table names neither) for the lockout of `accounts.throttle`."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="authfailure_key_at")]

    def __str__(self):
        return f"failure at {self.at:%Y-%m-%d %H:%M}"


class SignInLinkRequest(models.Model):
    """A request for a sign-in link, counted per address typed and per client address (keyed
    hashes, as for `AuthFailure`) so that `accounts.throttle` can limit how many are sent."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="signinlinkrequest_key_at")]

    def __str__(self):
        return f"link request at {self.at:%Y-%m-%d %H:%M}"


class SignInLink(models.Model):
    """A single-use, short-lived link that signs its owner in past the lockout of their account
    (`accounts.sign_in_links`). Only a hash of its secret is kept: a copy of the database signs
    nobody in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"sign-in link of user {self.user_id}"
