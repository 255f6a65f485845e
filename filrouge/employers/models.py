"""Employers and job development: companies, the coaches' contacts with them, their openings.

Companies, their openings and their contact people are shared by the organisation's services
(one company is prospected once, whoever first meets it). The people met at a company are
partner contacts of the directory (`people.Contact` of kind "employer" with their `company`),
so that they can be named as tutors, and as recipients of the person's consents.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.geo import latitude_field, longitude_field
from filrouge.core.search import SearchQuerySetMixin, search_text
from filrouge.organisations.validators import validate_postal_code, validate_siret
from filrouge.referentials.communes import place_at_commune
from filrouge.referentials.models import ContractType

MAX_HOURS_PER_WEEK = 48  # the legal weekly maximum in France

validate_naf_code = RegexValidator(
    r"^\d{2}\.\d{2}[A-Z]$",
    _("Un code NAF s'écrit comme 47.11F : deux chiffres, un point, deux chiffres et une lettre."),
    code="naf_code",
)


def hours_validators():
    return [
        MinValueValidator(1, _("Au moins 1 heure par semaine.")),
        MaxValueValidator(
            MAX_HOURS_PER_WEEK,
            _("Au plus %(limit)s heures par semaine, la durée maximale légale.")
            % {"limit": MAX_HOURS_PER_WEEK},
        ),
    ]


def hours_constraint(field: str, name: str, nullable: bool = False) -> models.CheckConstraint:
    within = Q(**{f"{field}__gte": 1, f"{field}__lte": MAX_HOURS_PER_WEEK})
    return models.CheckConstraint(
        condition=(Q(**{f"{field}__isnull": True}) | within) if nullable else within, name=name
    )


class SizeBand(models.TextChoices):
    """INSEE's bands of staff numbers (*tranches d'effectif salarié*)."""

    NONE = "0", _("Aucun salarié")
    FROM_1 = "1_9", _("1 à 9 salariés")
    FROM_10 = "10_19", _("10 à 19 salariés")
    FROM_20 = "20_49", _("20 à 49 salariés")
    FROM_50 = "50_249", _("50 à 249 salariés")
    FROM_250 = "250_999", _("250 à 999 salariés")
    FROM_1000 = "1000", _("1 000 salariés ou plus")


# The disability-employment obligation (OETH: 6 % of the staff) applies from 20 employees.
OBLIGATION_BANDS = frozenset({SizeBand.FROM_20, SizeBand.FROM_50, SizeBand.FROM_250, SizeBand.FROM_1000})
OBLIGATION_RATE = 6


class RelationshipStatus(models.TextChoices):
    PROSPECT = "prospect", _("À prospecter")
    IN_CONTACT = "in_contact", _("En contact")
    PARTNER = "partner", _("Partenaire")
    DORMANT = "dormant", _("En sommeil")


class CompanyKind(models.TextChoices):
    """What kind of employer a company is. Jobs in an adapted company, an ESAT or a structure of
    the insertion sector (SIAE) are not competitive employment under IPS, and a job in an SIAE is
    not an exit into employment (docs/measures.md)."""

    ORDINARY = "ordinary", _("Employeur ordinaire")
    ADAPTED = "ea", _("Entreprise adaptée (EA)")
    ESAT = "esat", _("ESAT")
    EI = "ei", _("Entreprise d'insertion (EI, SIAE)")
    ETTI = "etti", _("Entreprise de travail temporaire d'insertion (ETTI, SIAE)")
    ACI = "aci", _("Atelier et chantier d'insertion (ACI, SIAE)")
    AI = "ai", _("Association intermédiaire (AI, SIAE)")
    EITI = "eiti", _("Entreprise d'insertion par le travail indépendant (EITI, SIAE)")

    @classmethod
    def siae(cls) -> frozenset["CompanyKind"]:
        return frozenset({cls.EI, cls.ETTI, cls.ACI, cls.AI, cls.EITI})


class CompanyQuerySet(SearchQuerySetMixin, models.QuerySet):
    """`.search(text)`: every word typed, in any order, among the name, commune and SIRET (`core.search`)."""

    def active(self):
        return self.filter(archived_at__isnull=True)

    def phone_matches(self, number: str) -> Q:
        """A company has no phone of its own: the phone of one of the people met there finds it."""
        people_met = self.model._meta.get_field("contacts").related_model.objects.filter(phone=number)
        return Q(pk__in=people_met.values("company_id"))


class Company(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("raison sociale ou enseigne"), max_length=200)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[validate_siret], help_text=_("14 chiffres.")
    )
    naf_code = models.CharField(
        _("code NAF (secteur)"), max_length=6, blank=True, validators=[validate_naf_code]
    )
    size_band = models.CharField(_("effectif"), max_length=8, choices=SizeBand.choices, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("commune"), max_length=120, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    kind = models.CharField(
        _("type d'employeur"),
        max_length=8,
        choices=CompanyKind.choices,
        default=CompanyKind.ORDINARY,
        help_text=_(
            "Un emploi en entreprise adaptée, en ESAT ou en SIAE n'est pas un emploi en milieu ordinaire."
        ),
    )
    relationship_status = models.CharField(
        _("relation"), max_length=12, choices=RelationshipStatus.choices, default=RelationshipStatus.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chargé·e de la relation"),
    )
    notes = models.TextField(_("notes sur l'entreprise"), blank=True)
    # Folded by `core.search`, with a trigram index on PostgreSQL.
    search_name = models.CharField(max_length=840, editable=False)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("entreprise")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siret"], condition=~Q(siret=""), name="company_siret_once"
            ),
            models.CheckConstraint(
                condition=Q(relationship_status__in=RelationshipStatus.values), name="company_status_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=CompanyKind.values), name="company_kind_known"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_text(self.name, self.city, self.siret)
        kwargs["update_fields"] = place_at_commune(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def obligation_applies(self) -> bool | None:
        """Whether the 6 % disability-employment obligation applies; None while the size is unknown."""
        if not self.size_band:
            return None
        return self.size_band in OBLIGATION_BANDS


class EmployerContactKind(models.TextChoices):
    PROSPECTING_VISIT = "prospecting_visit", _("Visite de prospection")
    PHONE_CALL = "phone_call", _("Appel téléphonique")
    CANDIDATE_PRESENTATION = "candidate_presentation", _("Présentation d'un·e candidat·e")
    AWARENESS_SESSION = "awareness_session", _("Sensibilisation d'une équipe à la santé mentale")
    TUTOR_TRAINING = "tutor_training", _("Formation d'un tuteur ou d'une tutrice")
    FOLLOW_UP_VISIT = "follow_up_visit", _("Visite de suivi")


# A visit is met in person, a call never is; the others may be either (a video presentation).
ALWAYS_FACE_TO_FACE = frozenset({EmployerContactKind.PROSPECTING_VISIT, EmployerContactKind.FOLLOW_UP_VISIT})
NEVER_FACE_TO_FACE = frozenset({EmployerContactKind.PHONE_CALL})


class EmployerContact(models.Model):
    """One contact of a coach with an employer: the job development log."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="employer_contacts", verbose_name=_("entreprise")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employer_contacts",
        verbose_name=_("job coach"),
    )
    kind = models.CharField(_("type de contact"), max_length=24, choices=EmployerContactKind.choices)
    face_to_face = models.BooleanField(_("en face à face"), default=True)
    contacted_on = models.DateField(_("date"))
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="employer_contacts",
        verbose_name=_("pour la personne"),
    )
    company_contact = models.ForeignKey(
        "people.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interlocuteur·rice"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact employeur")
        ordering = ["-contacted_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "coach", "contacted_on"], name="employer_contact_coach_idx"),
            models.Index(fields=["person", "contacted_on"], name="employer_contact_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EmployerContactKind.values), name="employer_contact_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(NEVER_FACE_TO_FACE)) | Q(face_to_face=False),
                name="employer_call_not_face_to_face",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(ALWAYS_FACE_TO_FACE)) | Q(face_to_face=True),
                name="employer_visit_face_to_face",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.company} ({self.contacted_on})"


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CLOSED = "closed", _("Fermée")


class Opening(models.Model):
    """A job opening at a company, with its ROME job title (the code and family are copied, so
    that matching filters on indexed columns)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="openings", verbose_name=_("entreprise")
    )
    job_title = models.ForeignKey(
        "referentials.JobTitle", on_delete=models.PROTECT, related_name="+", verbose_name=_("métier")
    )
    rome_code = models.CharField(max_length=5, editable=False)
    rome_family = models.CharField(max_length=3, editable=False)
    contract_type = models.CharField(_("type de contrat"), max_length=20, choices=ContractType.choices)
    hours_per_week = models.PositiveSmallIntegerField(_("heures par semaine"), validators=hours_validators())
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("lieu de travail (commune)"), max_length=120, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    positions = models.PositiveSmallIntegerField(
        _("nombre de postes"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    status = models.CharField(
        _("statut"), max_length=8, choices=OpeningStatus.choices, default=OpeningStatus.OPEN
    )
    description = models.TextField(_("description du poste"), blank=True)
    recruiter = models.ForeignKey(
        "people.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact pour cette offre"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("offre d'emploi")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "rome_family"], name="opening_family_idx"),
            models.Index(fields=["organisation", "status", "rome_code"], name="opening_code_idx"),
        ]
        constraints = [
            hours_constraint("hours_per_week", "opening_hours_within_a_week"),
            models.CheckConstraint(condition=Q(positions__gte=1), name="opening_has_a_position"),
            models.CheckConstraint(condition=Q(status__in=OpeningStatus.values), name="opening_status_known"),
        ]

    def __str__(self):
        return f"{self.job_title} — {self.company}"

    def save(self, *args, **kwargs):
        code = self.job_title.occupation_id
        self.rome_code, self.rome_family = code, code[:3]
        kwargs["update_fields"] = place_at_commune(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
