from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
