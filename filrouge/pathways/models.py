from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedCharField, EncryptedTextField


class Phase(models.TextChoices):
    REFERRAL = "referral", _("Orientation")
    INTAKE = "intake", _("Accueil")
    PROFILE = "profile", _("Profil professionnel")
    PLAN = "plan", _("Projet et plan d'action")
    JOB_SEARCH = "job_search", _("Recherche d'emploi")
    ACCESS = "access", _("Accès à l'emploi")
    IN_EMPLOYMENT = "in_employment", _("En emploi (suivi)")
    EXIT = "exit", _("Sortie")


class Module(models.TextChoices):
    """The four modules French *emploi accompagné* must provide, as reports group the phases."""

    ASSESSMENT = "assessment", _("Évaluation de la situation")
    PROJECT = "project", _("Projet professionnel")
    JOB_SEARCH = "job_search", _("Recherche d'emploi et contacts employeurs")
    IN_EMPLOYMENT = "in_employment", _("Accompagnement dans l'emploi")


PHASE_MODULE = {
    Phase.REFERRAL: Module.ASSESSMENT,
    Phase.INTAKE: Module.ASSESSMENT,
    Phase.PROFILE: Module.ASSESSMENT,
    Phase.PLAN: Module.PROJECT,
    Phase.JOB_SEARCH: Module.JOB_SEARCH,
    Phase.ACCESS: Module.JOB_SEARCH,
    Phase.IN_EMPLOYMENT: Module.IN_EMPLOYMENT,
}


class ExitOutcome(models.TextChoices):
    # DGEFP / DARES kinds of exit into employment (docs/measures.md, "Exits into employment").
    DURABLE_EMPLOYMENT = "durable_employment", _("Emploi durable")
    TRANSITION_EMPLOYMENT = "transition_employment", _("Emploi de transition")
    TRAINING = "training", _("Formation")
    REORIENTATION_ESAT = "reorientation_esat", _("Réorientation vers un ESAT")
    REORIENTATION_EA = "reorientation_ea", _("Réorientation vers une entreprise adaptée")
    REORIENTATION_OTHER = "reorientation_other", _("Réorientation vers un autre service")
    MOVED = "moved", _("Déménagement")
    WITHDREW = "withdrew", _("Abandon à l'initiative de la personne")
    HEALTH = "health", _("Raisons de santé")
    NO_CONTACT = "no_contact", _("Perte de contact")
    OTHER = "other", _("Autre")

    @classmethod
    def into_employment(cls) -> frozenset["ExitOutcome"]:
        return frozenset({cls.DURABLE_EMPLOYMENT, cls.TRANSITION_EMPLOYMENT})

    @classmethod
    def reorientations(cls) -> frozenset["ExitOutcome"]:
        return frozenset({cls.REORIENTATION_ESAT, cls.REORIENTATION_EA, cls.REORIENTATION_OTHER})


class EmploymentStatus(models.TextChoices):
    OUT_OF_WORK = "out_of_work", _("Sans emploi")
    NEVER_WORKED = "never_worked", _("N'a jamais travaillé")
    AT_RISK = "at_risk", _("En emploi, mais risque de le perdre")
    ESAT_WORKER = "esat_worker", _("Travailleur·se d'ESAT")


class EducationLevel(models.TextChoices):
    """The French levels of the national qualifications framework."""

    INFRA_3 = "infra_3", _("Infra 3 (sans diplôme, niveau collège)")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (baccalauréat)")
    LEVEL_5 = "5", _("Niveau 5 (bac + 2)")
    LEVEL_6 = "6", _("Niveau 6 (licence, bac + 3)")
    LEVEL_7 = "7", _("Niveau 7 (master, bac + 5)")
    LEVEL_8 = "8", _("Niveau 8 (doctorat)")


class RqthStatus(models.TextChoices):
    NONE = "none", _("Aucune")
    REQUESTED = "requested", _("Demandée")
    GRANTED = "granted", _("Obtenue")


class Housing(models.TextChoices):
    INDEPENDENT = "independent", _("Logement autonome")
    FAMILY = "family", _("Chez la famille ou des proches")
    SUPPORTED = "supported", _("Logement accompagné (foyer, résidence sociale)")
    TEMPORARY = "temporary", _("Hébergement temporaire ou d'urgence")
    HOMELESS = "homeless", _("Sans logement")
    OTHER = "other", _("Autre")


def entry_of(prefix: str = "", outer: bool = False):
    """`Enrolment.entry_date` in the database: the intake date, else the referral date; `outer`
    reads it from the enclosing query (in a subquery)."""
    ref = OuterRef if outer else F
    return Coalesce(ref(f"{prefix}intake_date"), ref(f"{prefix}referral_date"))


class EnrolmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(exit_date__isnull=True)

    def suspended_on(self, day: date):
        return self.filter(Exists(Suspension.objects.ongoing_on(day).filter(enrolment=OuterRef("pk"))))


class Enrolment(models.Model):
    """One person's pathway in one service's programme, from referral to exit."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    referral_date = models.DateField(_("date d'orientation"))
    referral_reason = EncryptedTextField(_("motif de l'orientation"), blank=True)
    referred_by = models.ForeignKey(
        "people.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("orienté·e par"),
    )
    intake_date = models.DateField(_("date de l'entretien d'accueil"), null=True, blank=True)
    primary_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_enrolments",
        verbose_name=_("job coach référent·e"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="team_enrolments",
        verbose_name=_("autres membres de l'équipe"),
    )
    phase = models.CharField(_("étape"), max_length=20, choices=Phase.choices, default=Phase.REFERRAL)
    planned_end_date = models.DateField(_("fin prévue"), null=True, blank=True)
    last_contact_on = models.DateField(_("dernier contact"), null=True, blank=True)
    next_appointment_at = models.DateTimeField(_("prochain rendez-vous"), null=True, blank=True)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_outcome = models.CharField(
        _("motif de sortie"), max_length=24, choices=ExitOutcome.choices, blank=True
    )
    exit_comment = EncryptedTextField(_("commentaire de sortie"), blank=True)
    reoriented_to = models.CharField(_("structure de réorientation"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcours")
        ordering = ["-referral_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "service"],
                condition=Q(exit_date__isnull=True),
                name="one_current_enrolment_per_service",
            ),
            models.CheckConstraint(
                condition=Q(intake_date__isnull=True) | Q(intake_date__gte=models.F("referral_date")),
                name="intake_not_before_referral",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("referral_date")),
                name="exit_not_before_referral",
            ),
            models.CheckConstraint(
                condition=(
                    Q(exit_date__isnull=True, exit_outcome="")
                    | Q(exit_date__isnull=False) & ~Q(exit_outcome="")
                ),
                name="exit_has_date_and_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "exit_date"], name="enrolment_service_current_idx"),
            models.Index(fields=["primary_coach", "exit_date"], name="enrolment_coach_current_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.service}"

    @property
    def entry_date(self) -> date:
        """The support starts at the intake meeting; before it, at the referral."""
        return self.intake_date or self.referral_date

    @property
    def is_current(self) -> bool:
        return self.exit_date is None

    @property
    def module(self):
        return PHASE_MODULE.get(self.phase)

    def suspended_days(self, start: date, end: date) -> int:
        """Days between start and end (inclusive) covered by a suspension of this pathway."""
        total = 0
        for suspension in self.suspensions.all():
            first = max(start, suspension.start_date)
            last = min(end, suspension.end_date or end)
            total += max(0, (last - first).days + 1)
        return total

    def duration_days(self, until: date | None = None) -> int:
        """Days of support from entry to exit (or `until`), suspensions left out."""
        end = self.exit_date or until or date.today()
        return max(0, (end - self.entry_date).days + 1 - self.suspended_days(self.entry_date, end))


class EntrySituation(models.Model):
    """The person's situation when the pathway began: a snapshot, never changed afterwards."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="entry_situation")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    employment_status = models.CharField(
        _("situation d'emploi"), max_length=16, choices=EmploymentStatus.choices
    )
    out_of_work_since = models.DateField(_("sans emploi depuis"), null=True, blank=True)
    education_level = models.CharField(_("niveau de formation"), max_length=8, choices=EducationLevel.choices)
    receives_rsa = models.BooleanField(_("RSA"), default=False)
    receives_aah = models.BooleanField(_("AAH"), default=False)
    receives_unemployment_benefit = models.BooleanField(_("allocation chômage (ARE)"), default=False)
    rqth_status = models.CharField(
        _("RQTH"), max_length=10, choices=RqthStatus.choices, default=RqthStatus.NONE
    )
    rqth_requested_on = models.DateField(_("RQTH demandée le"), null=True, blank=True)
    rqth_granted_on = models.DateField(_("RQTH obtenue le"), null=True, blank=True)
    mdph_file = EncryptedCharField(_("numéro de dossier MDPH"), max_length=40, blank=True)
    housing = models.CharField(_("logement"), max_length=12, choices=Housing.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("situation à l'entrée")

    def __str__(self):
        return f"entry situation of enrolment {self.enrolment_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The situation at entry is a snapshot: it is never changed.")
        super().save(*args, **kwargs)

    @property
    def benefits(self) -> list[str]:
        names = [
            (self.receives_rsa, _("RSA")),
            (self.receives_aah, _("AAH")),
            (self.receives_unemployment_benefit, _("allocation chômage (ARE)")),
        ]
        return [str(label) for received, label in names if received]


class PhaseChange(models.Model):
    """One step of the pathway, dated and attributed. The history keeps every move, back and forth."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(_("étape"), max_length=20, choices=Phase.choices)
    changed_on = models.DateField(_("date"))
    comment = EncryptedTextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.get_phase_display()} ({self.changed_on})"


class SuspensionReason(models.TextChoices):
    HOSPITALISATION = "hospitalisation", _("Hospitalisation")
    HEALTH = "health", _("Autre raison de santé")
    PERSONAL = "personal", _("Raison personnelle ou familiale")
    OTHER = "other", _("Autre")


class SuspensionQuerySet(models.QuerySet):
    def ongoing_on(self, day: date):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Suspension(models.Model):
    """A pause of the support (a hospitalisation, say): alerts and durations leave it out."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="suspensions")
    start_date = models.DateField(_("début"))
    end_date = models.DateField(
        _("fin"), null=True, blank=True, help_text=_("Laissez vide si la suspension continue.")
    )
    reason = models.CharField(_("motif"), max_length=16, choices=SuspensionReason.choices)
    comment = EncryptedTextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="suspension_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.start_date})"


class Renewal(models.Model):
    """The decision, at the end of a limited programme, to renew the support or not."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="renewals")
    decided_on = models.DateField(_("date de la décision"))
    renewed = models.BooleanField(_("renouvelé"))
    previous_end_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField(_("nouvelle fin prévue"), null=True, blank=True)
    comment = EncryptedTextField(_("commentaire"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(renewed=False) | Q(new_end_date__isnull=False), name="renewal_has_new_end"
            )
        ]

    def __str__(self):
        return f"renewal {self.decided_on}"


class LeadCoachChange(models.Model):
    """Who leads the pathway from when: a coach taking a pathway that had no lead coach, or a head
    of service reassigning it. Dated and attributed, like the phases."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lead_coach_changes")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("job coach référent·e"),
    )
    previous_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Taken by the coach themself ("Je prends en charge"), or given by a head of service.
    taken = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"lead coach of enrolment {self.enrolment_id}: {self.coach_id}"
