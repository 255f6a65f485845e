"""The rules of the action plan: starting it, its objectives and actions, the person's agreement,
new versions.

Every function raises ValidationError with a French message naming the field at fault, before
writing anything; callers run them in the request's transaction. Only the current version of
the plan of a pathway still under way can change: older versions, and the plan of a pathway
that has ended, are read-only. Once the person has agreed to a version, its content (objectives,
actions, an action's label, carrier and dates) stays as agreed and a change needs a new version;
the actions' progress (status, outcome note) is still followed on it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.core.versioning import claim
from filrouge.pathways.domain import not_before, not_in_future, today
from filrouge.people.models import Contact
from filrouge.plans.models import (
    ActionPlan,
    ActionStatus,
    AgreementMethod,
    Carrier,
    PlanAction,
    PlanObjective,
)
from filrouge.referentials.models import ActionKind, Objective, Theme

# What the person agrees to: frozen once they have.
CONTENT_FIELDS = ("action_kind", "custom_label", "carrier", "partner", "planned_start", "due_date")
# How the plan is followed: still updated on an agreed version.
PROGRESS_FIELDS = ("status", "outcome_note")
ACTION_FIELDS = CONTENT_FIELDS + PROGRESS_FIELDS


# --- Guards ----------------------------------------------------------------------------------


def check_editable(plan: ActionPlan) -> None:
    """Refuses any change to an older version, or to the plan of an ended pathway."""
    if plan.superseded_at is not None:
        raise ValidationError(
            _(
                "La version %(version)s de ce plan a été remplacée le %(day)s : elle ne peut plus être modifiée."
            )
            % {
                "version": plan.version,
                "day": date_format(timezone.localdate(plan.superseded_at), "SHORT_DATE_FORMAT"),
            }
        )
    if not plan.enrolment.is_current:
        raise ValidationError(_("Ce parcours est terminé : son plan d'action ne peut plus être modifié."))


def check_content_editable(plan: ActionPlan) -> None:
    """Refuses a change to the objectives and actions of a read-only version, or of one the person
    has agreed to: they agreed to that content."""
    check_editable(plan)
    if plan.is_agreed:
        raise ValidationError(
            _(
                "La personne a accepté cette version du plan le %(day)s : ses objectifs et ses actions "
                "ne changent plus, seul leur suivi (statut, résultat) se met à jour. Pour les modifier, "
                "créez une nouvelle version du plan."
            )
            % {"day": date_format(plan.agreed_on, "SHORT_DATE_FORMAT")}
        )


def check_not_withdrawn(objective: PlanObjective) -> None:
    if objective.is_withdrawn:
        raise ValidationError(
            _("L'objectif « %(label)s » est retiré du plan : rétablissez-le d'abord.")
            % {"label": objective.label}
        )


def fresh_plan(plan: ActionPlan) -> ActionPlan:
    """The plan as saved now (another request may have replaced it), locked until the end of the
    transaction where the database supports it."""
    return (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("enrolment__service")
        .get(pk=plan.pk)
    )


def check_in_referential(model, item, service, field_name: str, message: str) -> None:
    if item is not None and not model.objects.for_service(service).filter(pk=item.pk).exists():
        raise ValidationError({field_name: message})


def one_of(item, label: str, item_field: str, label_field: str, missing: str, both: str) -> None:
    if item is None and not label.strip():
        raise ValidationError({item_field: missing})
    if item is not None and label.strip():
        raise ValidationError({label_field: both})


# --- The plan --------------------------------------------------------------------------------


@transaction.atomic
def start_plan(enrolment, by) -> ActionPlan:
    """The first version of the pathway's plan, with nothing in it yet."""
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est terminé : il ne peut plus recevoir de plan d'action."))
    if enrolment.plans.exists():
        raise ValidationError(
            _("Ce parcours a déjà un plan d'action : pour le revoir, créez-en une nouvelle version.")
        )
    try:
        with transaction.atomic():
            return ActionPlan.objects.create(
                organisation_id=enrolment.organisation_id, enrolment=enrolment, version=1, created_by=by
            )
    except IntegrityError:  # someone started it at the same moment
        raise ValidationError(_("Ce parcours a déjà un plan d'action.")) from None


def objective_fields(plan, theme, objective, custom_label) -> dict:
    """The checked fields of an objective: from the service's referential (its theme is the
    objective's) or written freely under a theme."""
    custom_label = custom_label.strip()
    one_of(
        objective,
        custom_label,
        "objective",
        "custom_label",
        _("Choisissez un objectif du référentiel, ou écrivez-en un."),
        _("Vous avez choisi un objectif du référentiel : laissez ce champ vide, ou retirez le choix."),
    )
    check_in_referential(
        Objective,
        objective,
        plan.enrolment.service,
        "objective",
        _("Cet objectif n'existe pas dans le référentiel de ce service (ou il a été archivé)."),
    )
    if objective is not None:
        if theme is None:
            theme = objective.theme
        elif theme.pk != objective.theme_id:
            raise ValidationError(
                {
                    "objective": _(
                        "Cet objectif relève de la thématique « %(its)s », pas de « %(chosen)s » : "
                        "changez la thématique ou l'objectif."
                    )
                    % {"its": objective.theme.label, "chosen": theme.label}
                }
            )
    if theme is None:
        raise ValidationError({"theme": _("Choisissez la thématique de cet objectif.")})
    if not Theme.objects.filter(pk=theme.pk).exists():
        raise ValidationError({"theme": _("Cette thématique n'existe pas dans le référentiel.")})
    return {"theme": theme, "objective": objective, "custom_label": custom_label}


@transaction.atomic
def add_objective(plan, *, theme=None, objective=None, custom_label="", by=None) -> PlanObjective:
    """An objective from the service's referential (its theme is the objective's) or written freely
    under a theme."""
    plan = fresh_plan(plan)
    check_content_editable(plan)
    fields = objective_fields(plan, theme, objective, custom_label)
    last = plan.objectives.order_by("-position").values_list("position", flat=True).first()
    return PlanObjective.objects.create(
        organisation_id=plan.organisation_id, plan=plan, position=(last or 0) + 1, **fields
    )


@transaction.atomic
def update_objective(
    plan_objective: PlanObjective, *, theme=None, objective=None, custom_label="", by=None
) -> PlanObjective:
    """Changes an objective by the rules of `add_objective`; a withdrawn one is restored first."""
    plan = fresh_plan(plan_objective.plan)
    check_content_editable(plan)
    saved = PlanObjective.objects.get(pk=plan_objective.pk)
    check_not_withdrawn(saved)
    for name, value in objective_fields(plan, theme, objective, custom_label).items():
        setattr(saved, name, value)
    saved.save(update_fields=["theme", "objective", "custom_label"])
    return saved


@transaction.atomic
def withdraw_objective(plan_objective: PlanObjective, by=None) -> PlanObjective:
    """Takes an objective out of the plan, with its actions: kept readable, no longer awaited (its
    actions are never late), and restorable. Withdrawing it again changes nothing."""
    check_content_editable(fresh_plan(plan_objective.plan))
    saved = PlanObjective.objects.get(pk=plan_objective.pk)
    if saved.withdrawn_at is None:
        saved.withdrawn_at = timezone.now()
        saved.save(update_fields=["withdrawn_at"])
    return saved


@transaction.atomic
def restore_objective(plan_objective: PlanObjective, by=None) -> PlanObjective:
    """Brings a withdrawn objective back into the plan, as it was."""
    check_content_editable(fresh_plan(plan_objective.plan))
    saved = PlanObjective.objects.get(pk=plan_objective.pk)
    if saved.withdrawn_at is not None:
        saved.withdrawn_at = None
        saved.save(update_fields=["withdrawn_at"])
    return saved


def check_action(action: PlanAction, plan: ActionPlan) -> None:
    """Every rule on an action's fields, all errors at once, each on its field."""
    errors = {}
    service = plan.enrolment.service
    action.custom_label = action.custom_label.strip()
    if action.action_kind_id is None and not action.custom_label:
        errors["action_kind"] = _("Choisissez une action du référentiel, ou écrivez-en une.")
    elif action.action_kind_id is not None and action.custom_label:
        errors["custom_label"] = _(
            "Vous avez choisi une action du référentiel : laissez ce champ vide, ou retirez le choix."
        )
    elif (
        action.action_kind_id is not None
        and not ActionKind.objects.for_service(service).filter(pk=action.action_kind_id).exists()
    ):
        errors["action_kind"] = _(
            "Cette action n'existe pas dans le référentiel de ce service (ou elle a été archivée)."
        )
    if action.carrier not in Carrier.values:
        errors["carrier"] = _("Indiquez qui porte l'action.")
    elif action.carrier == Carrier.PARTNER and action.partner_id is None:
        errors["partner"] = _("Une action portée par un partenaire : choisissez lequel.")
    elif action.carrier != Carrier.PARTNER and action.partner_id is not None:
        errors["partner"] = _("Un partenaire s'indique seulement pour une action qu'il porte.")
    elif (
        action.partner_id is not None
        and not Contact.objects.filter(pk=action.partner_id, organisation_id=plan.organisation_id).exists()
    ):
        errors["partner"] = _("Ce partenaire ne figure pas dans l'annuaire de votre organisation.")
    if action.status not in ActionStatus.values:
        errors["status"] = _("Choisissez un statut.")
    if action.planned_start and action.due_date and action.due_date < action.planned_start:
        errors["due_date"] = _("L'échéance (%(due)s) ne peut pas précéder le début prévu (%(start)s).") % {
            "due": date_format(action.due_date, "SHORT_DATE_FORMAT"),
            "start": date_format(action.planned_start, "SHORT_DATE_FORMAT"),
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_action(objective: PlanObjective, *, by, **fields) -> PlanAction:
    """An action towards `objective`; `fields` are among ACTION_FIELDS."""
    plan = fresh_plan(objective.plan)
    check_content_editable(plan)
    check_not_withdrawn(PlanObjective.objects.get(pk=objective.pk))
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    action = PlanAction(
        organisation_id=plan.organisation_id,
        objective=objective,
        status_changed_on=today(),
        updated_by=by,
        **fields,
    )
    check_action(action, plan)
    action.save()
    return action


@transaction.atomic
def update_action(action: PlanAction, *, by, version: int | None = None, **changes) -> PlanAction:
    """Changes an action; a change of status is dated today. Works from the saved row, whatever
    a form did to the instance it was given. On a version the person has agreed to, only the
    progress (PROGRESS_FIELDS) may change. The changes are built from `version` (by default the
    instance's): VersionConflict when the action was saved since."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    saved = PlanAction.objects.select_related("objective__plan").get(pk=action.pk)
    plan = fresh_plan(saved.objective.plan)
    check_editable(plan)
    check_not_withdrawn(saved.objective)
    previous_status = saved.status
    content = content_of(saved)
    for name, value in changes.items():
        setattr(saved, name, value)
    saved.custom_label = saved.custom_label.strip()
    if plan.is_agreed:
        if content_of(saved) != content:
            check_content_editable(plan)  # refuses, saying why
        # The content is as agreed and already checked: only the progress is.
        if saved.status not in ActionStatus.values:
            raise ValidationError({"status": _("Choisissez un statut.")})
    else:
        check_action(saved, plan)
    if saved.status != previous_status:
        saved.status_changed_on = today()
    claim(saved, action.version if version is None else version)
    saved.updated_by = by
    saved.save()
    return saved


def content_of(action: PlanAction) -> tuple:
    """What the person agrees to about an action, as stored (references by id)."""
    return tuple(getattr(action, PlanAction._meta.get_field(name).attname) for name in CONTENT_FIELDS)


@transaction.atomic
def record_agreement(plan: ActionPlan, on, method, by) -> ActionPlan:
    """The person's agreement to this version of the plan: once per version, dated between the
    plan's creation and today, on a plan that has at least one objective."""
    plan = fresh_plan(plan)
    check_editable(plan)
    if plan.is_agreed:
        raise ValidationError(
            _(
                "L'accord sur cette version est déjà enregistré (le %(day)s). Si le plan a changé depuis, "
                "créez une nouvelle version et faites-la accepter."
            )
            % {"day": date_format(plan.agreed_on, "SHORT_DATE_FORMAT")}
        )
    if not plan.objectives.in_plan().exists():
        raise ValidationError(_("Ajoutez au moins un objectif avant d'enregistrer l'accord de la personne."))
    if method not in AgreementMethod.values:
        raise ValidationError({"agreement_method": _("Indiquez comment la personne a donné son accord.")})
    if on is None:
        raise ValidationError({"agreed_on": _("Indiquez la date de l'accord.")})
    not_in_future("agreed_on", on, _("La date de l'accord"))
    not_before("agreed_on", on, plan.created_on, _("L'accord"), _("la création de cette version du plan"))
    plan.agreed_on, plan.agreement_method, plan.agreement_recorded_by = on, method, by
    plan.save(update_fields=["agreed_on", "agreement_method", "agreement_recorded_by"])
    return plan


@transaction.atomic
def new_version(plan: ActionPlan, by) -> ActionPlan:
    """Replaces the current version by a copy to revise; the old one stays readable, unchanged.

    Every objective and every action is copied, finished ones included (done, abandoned by the
    person, cancelled by the service), with their status, dates and notes: the new version then
    reads whole — what was achieved stays beside what remains — and so does its printout. Each
    copy remembers the action it descends from (`origin`), so that the timeline counts a finished
    action once. The new version has no agreement yet: the person is asked again.

    Only an agreed version needs a new one: a version not yet agreed is simply edited.
    """
    plan = fresh_plan(plan)
    check_editable(plan)
    if not plan.is_agreed:
        raise ValidationError(
            _(
                "Cette version n'a pas encore été acceptée par la personne : modifiez-la directement, "
                "une nouvelle version n'est utile qu'après un accord."
            )
        )
    plan.superseded_at = timezone.now()
    plan.save(update_fields=["superseded_at"])
    successor = ActionPlan.objects.create(
        organisation_id=plan.organisation_id,
        enrolment=plan.enrolment,
        version=plan.version + 1,
        created_by=by,
    )
    objectives = list(
        plan.objectives.prefetch_related(Prefetch("actions", PlanAction.objects.order_by("pk")))
    )
    # One save per row, not bulk_create: each copy is a creation the audit trail records.
    copies = [
        PlanObjective.objects.create(
            organisation_id=o.organisation_id,
            plan=successor,
            theme_id=o.theme_id,
            objective_id=o.objective_id,
            custom_label=o.custom_label,
            position=o.position,
            withdrawn_at=o.withdrawn_at,
        )
        for o in objectives
    ]
    for original, copy in zip(objectives, copies, strict=True):
        for a in original.actions.all():
            PlanAction.objects.create(
                organisation_id=a.organisation_id,
                objective=copy,
                action_kind_id=a.action_kind_id,
                custom_label=a.custom_label,
                carrier=a.carrier,
                partner_id=a.partner_id,
                planned_start=a.planned_start,
                due_date=a.due_date,
                status=a.status,
                outcome_note=a.outcome_note,
                status_changed_on=a.status_changed_on,
                origin_id=a.origin_id or a.pk,
                updated_by=by,
            )
    return successor


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class ThemeGroup:
    theme: Theme
    objectives: list[PlanObjective] = field(default_factory=list)


def plan_outline(plan: ActionPlan, include_withdrawn: bool = False) -> list[ThemeGroup]:
    """The plan's objectives grouped by theme (themes in the order of their first objective), each
    objective with its actions in `objective.action_list`, in two queries whatever their number.

    Used by the plan's pages (with the withdrawn objectives, shown as such) and by its printout
    (without: they are no longer part of the plan)."""
    objectives = plan.objectives.all() if include_withdrawn else plan.objectives.in_plan()
    objectives = objectives.select_related("theme", "objective").prefetch_related(
        Prefetch(
            "actions",
            PlanAction.objects.select_related("action_kind", "partner"),
            to_attr="action_list",
        )
    )
    groups: dict[int, ThemeGroup] = {}
    for objective in objectives:
        groups.setdefault(objective.theme_id, ThemeGroup(objective.theme)).objectives.append(objective)
    return list(groups.values())
