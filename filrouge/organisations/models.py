from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.phones import PhoneNumberField
from filrouge.organisations.validators import validate_postal_code, validate_siret


class Organisation(models.Model):
    """An association or company running one or more services: the tenant boundary."""

    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("commune"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeType(models.TextChoices):
    SUPPORTED_EMPLOYMENT = "supported_employment", _("Emploi accompagné (IPS)")
    MINIMUM_INCOME = "minimum_income", _("Accompagnement socio-professionnel RSA (12 mois renouvelables)")
    ACTIV_PROJET = "activ_projet", _("Programme type Activ'Projet (8 semaines)")
    SKILLS_ASSESSMENT = "skills_assessment", _("Bilan de compétences")
    ESAT_SUPPORT = "esat_support", _("Accompagnement en ESAT")
    OTHER = "other", _("Autre")


# How long a person's record is kept after their last exit, before `filrouge retention run`
# anonymises it (filrouge.privacy): five years unless the service chooses otherwise.
DEFAULT_RETENTION_YEARS = 5
MIN_RETENTION_YEARS, MAX_RETENTION_YEARS = 1, 30


class TimeZone(models.TextChoices):
    """Where a service works: metropolitan France and the overseas departments and collectivities
    (appointments, reminders and quiet hours are in the service's own time)."""

    PARIS = "Europe/Paris", _("France métropolitaine (Paris)")
    GUADELOUPE = "America/Guadeloupe", _("Guadeloupe")
    MARTINIQUE = "America/Martinique", _("Martinique")
    GUYANE = "America/Cayenne", _("Guyane")
    REUNION = "Indian/Reunion", _("La Réunion")
    MAYOTTE = "Indian/Mayotte", _("Mayotte")
    SAINT_PIERRE = "America/Miquelon", _("Saint-Pierre-et-Miquelon")
    SAINT_MARTIN = "America/Marigot", _("Saint-Martin")
    SAINT_BARTHELEMY = "America/St_Barthelemy", _("Saint-Barthélemy")
    NEW_CALEDONIA = "Pacific/Noumea", _("Nouvelle-Calédonie")
    TAHITI = "Pacific/Tahiti", _("Polynésie française (Tahiti)")
    WALLIS = "Pacific/Wallis", _("Wallis-et-Futuna")


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Service(models.Model):
    """A unit of an organisation running one programme at one place."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("nom"), max_length=200)
    programme_type = models.CharField(_("type de programme"), max_length=32, choices=ProgrammeType.choices)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    time_zone = models.CharField(
        _("fuseau horaire"), max_length=40, choices=TimeZone.choices, default=TimeZone.PARIS
    )
    # Given in the reminders sent to the people supported ("to say you can't come, call …").
    phone = PhoneNumberField(_("téléphone du service"))
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("durée de conservation après la sortie (années)"),
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(MIN_RETENTION_YEARS), MaxValueValidator(MAX_RETENTION_YEARS)],
        help_text=_(
            "De 1 à 30 ans. Passé ce délai après la dernière sortie, le dossier est anonymisé "
            "automatiquement (5 ans par défaut)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="service_name_unique_in_organisation"
            ),
            models.CheckConstraint(
                condition=Q(
                    retention_years__gte=MIN_RETENTION_YEARS, retention_years__lte=MAX_RETENTION_YEARS
                ),
                name="service_retention_1_to_30_years",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Role(models.TextChoices):
    COACH = "coach", _("Job coach / chargé·e d'accompagnement")
    PSYCHOLOGIST = "psychologist", _("Psychologue")
    SOCIAL_WORKER = "social_worker", _("Assistant·e de service social")
    EDUCATOR = "educator", _("Éducateur·rice")
    HEAD_OF_SERVICE = "head_of_service", _("Chef·fe de service")
    DIRECTOR = "director", _("Directeur·rice (tous les services)")
    ORG_ADMIN = "org_admin", _("Administrateur·rice de l'organisation")
    FUNDER_VIEWER = "funder_viewer", _("Financeur (chiffres agrégés)")
    DPO = "dpo", _("Délégué·e à la protection des données (journal des accès)")

    @classmethod
    def organisation_wide(cls) -> frozenset["Role"]:
        return frozenset({cls.DIRECTOR, cls.ORG_ADMIN, cls.DPO})

    @property
    def is_organisation_wide(self) -> bool:
        return self in Role.organisation_wide()


# Sorted, so that the constraint below reads the same in every migration.
ORGANISATION_WIDE_ROLES = sorted(role.value for role in Role.organisation_wide())


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True).filter(
            Q(service__isnull=True) | Q(service__archived_at__isnull=True)
        )

    def users(self):
        """The accounts holding these roles, by name."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk__in=self.values("user")).order_by("full_name")


class Membership(models.Model):
    """A role held by a staff user: in one service, or across the organisation (director, administrator)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("service"),
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    time_share = models.PositiveSmallIntegerField(
        _("quotité de travail (%)"),
        default=100,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
        help_text=_("Part d'un temps plein consacrée à ce service : la file active visée en dépend."),
    )
    employment_services_share = models.PositiveSmallIntegerField(
        _("temps consacré à l'emploi (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Pour un job coach : part de son temps de travail dans ce service consacrée à "
            "l'accompagnement vers et dans l'emploi (le reste : accompagnement social, autres "
            "missions). La revue de fidélité IPS en tient compte."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle")
        ordering = ["service__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=ORGANISATION_WIDE_ROLES, service__isnull=True)
                    | (~Q(role__in=ORGANISATION_WIDE_ROLES) & Q(service__isnull=False))
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "service"], condition=Q(service__isnull=False), name="one_role_per_service"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(service__isnull=True), name="organisation_role_once"
            ),
        ]

    def __str__(self):
        where = self.service.name if self.service_id else self.organisation.name
        return f"{self.get_role_display()} — {where}"

    def save(self, *args, **kwargs):
        # A tenant row never straddles two organisations: the role lives where the user and service do.
        if self.user.organisation_id is None:
            raise ValueError("A role needs a user who belongs to an organisation.")
        self.organisation_id = self.user.organisation_id
        if self.service_id and self.service.organisation_id != self.organisation_id:
            raise ValueError("A role's service belongs to the user's organisation.")
        super().save(*args, **kwargs)
