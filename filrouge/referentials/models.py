"""Public referentials: ROME job titles, and the socio-professional diagnostic.

National items are loaded from `data/` by a migration and never edited, so that reports
compare across services. A service may add its own situations, objectives and actions beside
them (`organisation` and `service` set, no `code`); those can be archived, never deleted.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.text import fold
from filrouge.referentials import search


class Occupation(models.Model):
    """A ROME occupation code (*fiche ROME*), e.g. D1102 "Boulangerie - viennoiserie"."""

    code = models.CharField(_("code ROME"), max_length=5, primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)

    class Meta:
        verbose_name = _("métier ROME")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def family(self) -> str:
        """The ROME family: the letter and two digits (D11 for every bakery and butchery job)."""
        return self.code[:3]


class JobTitleQuerySet(models.QuerySet):
    def search(self, text: str) -> list:
        """The titles matching what a coach typed, best first (see `referentials.search`)."""
        return search.search(self, text)


class JobTitle(models.Model):
    """A ROME job title (*appellation*): what people call a job, tied to its occupation code."""

    code = models.PositiveIntegerField(_("code OGR"), primary_key=True)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="job_titles")
    label = models.CharField(_("intitulé"), max_length=200)
    short_label = models.CharField(_("intitulé court"), max_length=200)
    search_label = models.CharField(max_length=200, editable=False, db_index=True)
    # Each folded word once, between spaces: " aide soignant soignante ", for word-start matches.
    search_words = models.CharField(max_length=400, editable=False, default="")

    objects = JobTitleQuerySet.as_manager()

    class Meta:
        verbose_name = _("appellation ROME")
        ordering = ["label"]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.search_label = fold(self.label)
        self.search_words = search.stored_words(self.label)
        super().save(*args, **kwargs)


class ThemeKind(models.TextChoices):
    PERSONAL = "personal", _("Situation personnelle et sociale")
    PROFESSIONAL = "professional", _("Projet professionnel")


# The ten personal and social themes of the diagnostic: the barriers (*freins*) are filed under them.
PERSONAL_THEMES = frozenset(
    {
        "logement",
        "emploi",
        "formation",
        "difficulte_administrative",
        "difficulte_financiere",
        "mobilite",
        "sante",
        "contraintes_familiales",
        "maitrise_langue",
        "numerique",
    }
)


HEALTH_THEME = "sante"


class Theme(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("intitulé"), max_length=120)
    kind = models.CharField(_("type"), max_length=12, choices=ThemeKind.choices)

    class Meta:
        verbose_name = _("thématique")
        ordering = ["label"]

    def __str__(self):
        return self.label

    @property
    def is_health(self) -> bool:
        """Health: what is written under it stays without medical detail (see the diagnostic's hint)."""
        return self.code == HEALTH_THEME


class ItemQuerySet(models.QuerySet):
    def national(self):
        return self.filter(service__isnull=True)

    def for_service(self, service, include_archived: bool = False):
        """National items and the service's own ones (active ones only unless asked)."""
        items = self.filter(Q(service__isnull=True) | Q(service=service))
        return items if include_archived else items.filter(archived_at__isnull=True)

    def for_services(self, services):
        return self.filter(Q(service__isnull=True) | Q(service__in=services), archived_at__isnull=True)


class Item(models.Model):
    """An item of the diagnostic referential: national (with a code) or a service's own."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+", verbose_name=_("thématique"))
    code = models.CharField(_("code"), max_length=160, unique=True, null=True, blank=True, editable=False)
    label = models.CharField(_("intitulé"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["theme__label", "label"]

    def __str__(self):
        return self.label

    @property
    def is_national(self) -> bool:
        return self.service_id is None

    @classmethod
    def national_or_local(cls, name: str):
        """National items have a code and no owner; a service's items have both owners, no code."""
        return models.CheckConstraint(
            condition=(
                Q(code__isnull=False, organisation__isnull=True, service__isnull=True)
                | Q(code__isnull=True, organisation__isnull=False, service__isnull=False)
            ),
            name=name,
        )


class SituationKind(models.TextChoices):
    BARRIER = "barrier", _("Frein")
    RESOURCE = "resource", _("Ressource")


class SituationQuerySet(ItemQuerySet):
    def barriers(self):
        return self.filter(kind=SituationKind.BARRIER)

    def resources(self):
        return self.filter(kind=SituationKind.RESOURCE)


class Situation(Item):
    """A situation of the diagnostic under one of the ten personal themes: a barrier that can hold
    a person back (*frein*), or a resource they have or not ("Permis B")."""

    kind = models.CharField(
        _("nature"), max_length=8, choices=SituationKind.choices, default=SituationKind.BARRIER
    )

    objects = SituationQuerySet.as_manager()

    class Meta(Item.Meta):
        verbose_name = _("situation (frein ou ressource)")
        constraints = [Item.national_or_local("situation_national_or_local")]

    @property
    def is_resource(self) -> bool:
        return self.kind == SituationKind.RESOURCE


class Objective(Item):
    class Meta(Item.Meta):
        verbose_name = _("objectif")
        constraints = [Item.national_or_local("objective_national_or_local")]


class ActionKind(Item):
    """A kind of action from the referential ("Demande de CSS"); plans hold the actions themselves."""

    class Meta(Item.Meta):
        verbose_name = _("action du référentiel")
        constraints = [Item.national_or_local("action_kind_national_or_local")]


class ContractType(models.TextChoices):
    """Contract types, as French employment statistics group them."""

    CDI = "cdi", _("CDI")
    CDD_LONG = "cdd_long", _("CDD de 6 mois ou plus")
    CDD_SHORT = "cdd_short", _("CDD de moins de 6 mois")
    TEMPORARY = "temporary", _("Intérim")
    WORK_STUDY = "work_study", _("Apprentissage ou contrat de professionnalisation")
    SUBSIDISED = "subsidised", _("Contrat aidé")
    TENURE = "tenure", _("Titularisation dans la fonction publique")
    BUSINESS_CREATION = "business_creation", _("Création ou reprise d'entreprise")
    INSERTION = "insertion", _("Contrat d'insertion (SIAE)")
    OTHER = "other", _("Autre")


class Commune(models.Model):
    """A French commune at one of its postal codes, with its reference point (INSEE and La Poste
    open data, see NOTICE): where a home or an opening is placed from its postal code and commune."""

    insee_code = models.CharField(_("code INSEE"), max_length=5)
    name = models.CharField(_("commune"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True)  # `communes.commune_key(name)`
    postal_code = models.CharField(_("code postal"), max_length=5, db_index=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("commune")
        ordering = ["name", "postal_code"]
        constraints = [
            # A merged commune keeps the names of its former communes at the same code and point.
            models.UniqueConstraint(fields=["insee_code", "postal_code", "name"], name="commune_unique")
        ]

    def __str__(self):
        return f"{self.postal_code} {self.name}"


class ReferentialsLoad(models.Model):
    """The last load of the national referentials (one row): the checksum of the files in `data/`
    it read, so that `filrouge upgrade` reloads them only when an upgrade shipped other files.
    No row: no load recorded yet (the data migrations record none), the next upgrade reloads."""

    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chargement des référentiels")

    def __str__(self):
        return f"{self.checksum[:12]} {self.loaded_at:%Y-%m-%d %H:%M}"

    @classmethod
    def last_checksum(cls) -> str | None:
        return cls.objects.filter(pk=1).values_list("checksum", flat=True).first()

    @classmethod
    def record(cls, checksum: str) -> None:
        cls.objects.update_or_create(pk=1, defaults={"checksum": checksum, "loaded_at": timezone.now()})
