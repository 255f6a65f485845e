from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.geo import latitude_field, longitude_field
from filrouge.core.phones import PhoneNumberField
from filrouge.core.search import SearchQuerySetMixin, search_text, sort_key
from filrouge.core.text import fold
from filrouge.organisations.validators import validate_postal_code
from filrouge.referentials.communes import place_at_commune


class Sex(models.TextChoices):
    FEMALE = "female", _("Femme")
    MALE = "male", _("Homme")
    OTHER = "other", _("Autre")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Courrier")
    IN_PERSON = "in_person", _("En personne")


class SearchableQuerySet(SearchQuerySetMixin, models.QuerySet):
    """`.search(text)`: every word typed, in any order, among the names (`core.search`), or the phone."""


# Refused on any new pathway, partner or edit of a record whose identity was removed.
ANONYMISED_RECORD = _("Ce dossier a été anonymisé : on ne peut plus rien y ajouter ni le modifier.")


class Person(models.Model):
    """A person supported. Belongs to the organisation; reached through enrolments in services."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    usual_name = models.CharField(_("nom d'usage"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=10, choices=Sex.choices, blank=True)
    phone = PhoneNumberField(_("téléphone"))
    email = models.EmailField(_("adresse e-mail"), blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("commune"), max_length=120, blank=True)
    # Where the person lives, for the distance to an opening (see `core.geo`).
    latitude = latitude_field()
    longitude = longitude_field()
    preferred_channel = models.CharField(
        _("moyen de contact préféré"), max_length=12, choices=ContactChannel.choices, blank=True
    )
    # Both folded by `core.search`; the search column has a trigram index on PostgreSQL.
    search_name = models.CharField(max_length=640, editable=False)
    sort_name = models.CharField(max_length=210, editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set by `filrouge.privacy.domain.anonymise`: names, contacts and free text are gone, and
    # the record takes no new personal data.
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne accompagnée")
        ordering = ["sort_name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "date_of_birth"], name="person_org_birth_idx"),
            models.Index(fields=["sort_name", "id"], name="person_sort_name_idx"),
            models.Index(fields=["phone"], name="person_phone_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = self.prepare_for_save(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def prepare_for_save(self, update_fields=None, *, placed: bool = False):
        """What a save computes before writing (also for `people.domain.create_people`, whose
        `bulk_create` calls no `save`): the folded names, and the home placed at its commune unless
        the caller did it (`placed`). Returns the `update_fields` to save."""
        self.search_name = search_text(self.first_name, self.usual_name, self.birth_name)
        self.sort_name = sort_key(self.last_name, self.first_name)
        return update_fields if placed else place_at_commune(self, update_fields)

    def clean(self):
        super().clean()
        if self.anonymised_at is not None:
            raise ValidationError(
                _(
                    "Ce dossier a été anonymisé : son identité et ses coordonnées ne peuvent plus être modifiées."
                )
            )

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def last_name(self) -> str:
        return self.usual_name or self.birth_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def same_identity(self):
        """Others of the organisation with the same names and birth date: probably this person again."""
        names = {fold(self.birth_name), fold(self.usual_name)} - {""}
        candidates = Person.objects.filter(
            organisation_id=self.organisation_id, date_of_birth=self.date_of_birth
        )
        return [
            person
            for person in candidates.exclude(pk=self.pk)
            if fold(person.first_name) == fold(self.first_name)
            and names & ({fold(person.birth_name), fold(person.usual_name)} - {""})
        ]


class ContactKind(models.TextChoices):
    REFERRING_PARTNER = "referring_partner", _("Prescripteur")
    MEDICAL = "medical", _("Référent·e médical·e")
    SOCIAL = "social", _("Référent·e social·e")
    FUNDER = "funder", _("Contact du financeur")
    EMPLOYER = "employer", _("Employeur ou tuteur")
    OTHER = "other", _("Autre partenaire")


class Contact(models.Model):
    """A partner professional (referring partner, medical or social referent, funder), reusable across people."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contacts"
    )
    full_name = models.CharField(_("nom complet"), max_length=150)
    partner_name = models.CharField(
        _("structure"), max_length=200, help_text=_("Par exemple : France Travail Valence, CMP Romans.")
    )
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    kind = models.CharField(_("type de partenaire"), max_length=20, choices=ContactKind.choices)
    # The company of an employer's contact (a manager, a tutor); only those have one.
    company = models.ForeignKey(
        "employers.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("entreprise"),
    )
    phone = PhoneNumberField(_("téléphone"))
    email = models.EmailField(_("adresse e-mail"), blank=True)
    search_name = models.CharField(max_length=720, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact partenaire")
        ordering = ["full_name", "pk"]
        indexes = [models.Index(fields=["phone"], name="contact_phone_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(kind=ContactKind.EMPLOYER),
                name="contact_company_is_employer",
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.partner_name})"

    def save(self, *args, **kwargs):
        self.search_name = search_text(self.full_name, self.partner_name, self.job_title)
        super().save(*args, **kwargs)


class PersonContact(models.Model):
    """A partner's role around one person: their referring partner, medical referent, and so on."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="person_links")
    relation = models.CharField(_("rôle auprès de la personne"), max_length=20, choices=ContactKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["relation", "contact__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "contact", "relation"], name="person_contact_relation_once"
            )
        ]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.contact}"
