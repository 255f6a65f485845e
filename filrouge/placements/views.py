from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge import policy
from filrouge.consents.views import share_refused
from filrouge.core.forms import add_domain_errors
from filrouge.documents import domain as documents
from filrouge.documents.models import AttachmentKind
from filrouge.documents.pdf import render_pdf
from filrouge.documents.views import pdf_response
from filrouge.followalong.panels import placement_panel
from filrouge.pathways.models import Enrolment
from filrouge.people.models import ContactKind
from filrouge.placements import domain, sheet
from filrouge.placements.forms import (
    AdjustmentForm,
    AdjustmentStatusForm,
    DisclosureForm,
    EndForm,
    JobRenewalForm,
    PlacementForm,
    RenewalForm,
    ReviewForm,
)
from filrouge.placements.models import Adjustment, AdjustmentReview, Placement, PlacementKind

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES
# The kinds as URLs name them.
KIND_SLUGS = {
    "immersion": PlacementKind.IMMERSION,
    "stage": PlacementKind.INTERNSHIP,
    "emploi": PlacementKind.EMPLOYMENT,
}
NEW_TITLES = {
    PlacementKind.IMMERSION: gettext_lazy("Nouvelle immersion"),
    PlacementKind.INTERNSHIP: gettext_lazy("Nouveau stage"),
    PlacementKind.EMPLOYMENT: gettext_lazy("Nouvel emploi"),
}


def placements_of(user, action=VIEW):
    return policy.scoped_placements(
        user,
        action,
        Placement.objects.select_related(
            "enrolment__person", "enrolment__service", "company", "tutor", "job_title", "agreement", "renewal"
        ),
    )


def reachable_placement(request, pk, action=VIEW) -> Placement:
    return policy.get_or_404(placements_of(request.user, action), pk=pk)


def reachable_adjustment(request, pk) -> Adjustment:
    adjustments = Adjustment.objects.select_related(
        "placement__enrolment__person",
        "placement__enrolment__service",
        "placement__company",
        "placement__job_title",
    )
    return policy.get_or_404(policy.scoped_placement_records(request.user, adjustments, EDIT), pk=pk)


def detail_url(placement, anchor="") -> str:
    return reverse("placements:detail", args=[placement.pk]) + (f"#{anchor}" if anchor else "")


def person_placements(request, pk):
    """The person's immersions, internships and jobs, by pathway."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    enrolments = list(policy.scoped_enrolments(request.user).filter(person=person).select_related("service"))
    placements = (
        policy.scoped_placements(request.user)
        .filter(enrolment__in=[e.pk for e in enrolments])
        .select_related("company", "job_title", "tutor", "renewal")
    )
    by_enrolment = {e.pk: e for e in enrolments}
    for enrolment in enrolments:
        enrolment.can_edit = (
            enrolment.is_current
            and not person.is_anonymised
            and policy.can(request.user, EDIT, enrolment.service)
        )
        enrolment.placement_list = []
    for placement in placements:
        by_enrolment[placement.enrolment_id].placement_list.append(placement)
    context = {"person": person, "enrolments": enrolments, "today": timezone.localdate()}
    return render(request, "placements/person_placements.html", context)


def form_querysets(request, person, current: Placement | None = None) -> dict:
    companies = policy.scoped_companies(request.user, EDIT)
    tutors = policy.scoped_contacts(request.user).filter(kind=ContactKind.EMPLOYER, company__isnull=False)
    if current is not None:
        companies = companies.filter(Q(archived_at__isnull=True) | Q(pk=current.company_id))
        tutors = tutors.filter(Q(company__archived_at__isnull=True) | Q(pk=current.tutor_id))
    else:
        companies, tutors = companies.active(), tutors.filter(company__archived_at__isnull=True)
    return {
        "companies": companies.order_by("name", "pk"),
        "tutors": tutors.select_related("company").order_by("company__name", "full_name", "pk"),
        "attachments": policy.scoped_attachments(request.user).filter(person=person).active(),
    }


def store_agreement(request, form, enrolment):
    """The agreement sent with the form, stored in the person's documents (the request's
    transaction removes it if the placement is refused)."""
    upload = form.cleaned_data.get("agreement_file")
    if not upload:
        return form.cleaned_data.get("agreement")
    company = form.cleaned_data["company"]
    return documents.attach(
        enrolment.person,
        upload,
        kind=AttachmentKind.AGREEMENT,
        title=_("Convention signée — %(company)s") % {"company": company.name},
        by=request.user,
        enrolment=enrolment,
    )


def save_with_agreement(request, form, enrolment, action) -> Placement | None:
    """Stores the file (if any) and runs `action(details)`; on a refusal, the errors go on the
    form and nothing is kept, the file included."""
    try:
        with transaction.atomic():
            details = form.details() | {"agreement": store_agreement(request, form, enrolment)}
            return action(details)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            form.add_error("agreement_file", error)
        else:
            add_domain_errors(form, error)
    return None


def opening_details(openings, value: str) -> dict:
    """What an opening of the organisation (`?offre=`) fills in: the person is hired on it."""
    opening = openings.filter(pk=int(value)).first() if value.isdigit() and len(value) <= 18 else None
    if opening is None:
        return {}
    fields = ("company", "job_title", "contract_type", "hours_per_week")
    return (
        {"opening": opening}
        | {name: getattr(opening, name) for name in fields}
        | {"started_on": opening.start_date}
    )


def create(request, pk, kind):
    """A new immersion, internship or job in one of the person's pathways."""
    if kind not in KIND_SLUGS:
        raise Http404
    kind = KIND_SLUGS[kind]
    enrolments = Enrolment.objects.select_related("person", "service")
    enrolment = policy.get_or_404(policy.scoped_enrolments(request.user, EDIT, enrolments), pk=pk)
    person = enrolment.person
    openings = policy.scoped_openings(request.user).select_related("company", "job_title")
    initial = opening_details(openings, request.GET.get("offre", ""))
    initial["move_to_employment"] = domain.moves_to_employment_by_default(
        enrolment, initial.get("started_on")
    )
    form = PlacementForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        creating=True,
        initial=initial,
        openings=openings,
        **form_querysets(request, person),
    )
    if request.method == "POST" and form.is_valid():
        move = form.cleaned_data.get("move_to_employment")

        def start(details):
            return domain.start_placement(
                enrolment, request.user, kind=kind, move_to_employment=bool(move), **details
            )

        placement = save_with_agreement(request, form, enrolment, start)
        if placement is not None:
            messages.success(
                request,
                _("%(kind)s enregistré·e : %(job)s chez %(company)s.")
                % {
                    "kind": placement.get_kind_display(),
                    "job": placement.job_title.label,
                    "company": placement.company.name,
                },
            )
            if placement.kind == PlacementKind.EMPLOYMENT and domain.overlapping_jobs(placement).exists():
                messages.warning(request, overlap_warning())
            return redirect("placements:detail", pk=placement.pk)
    context = {
        "person": person,
        "enrolment": enrolment,
        "form": form,
        "title": NEW_TITLES[kind],
        "kind": kind,
    }
    return render(request, "placements/placement_form.html", context)


def overlap_warning() -> str:
    return _("Attention : cette personne a un autre emploi sur les mêmes dates. Vérifiez que c'est voulu.")


def detail(request, pk):
    """One placement: its details, the person's disclosure choice, the adjustments and their
    reviews, the end, the employer sheet and the follow-along."""
    placement = reachable_placement(request, pk)
    enrolment, person = placement.enrolment, placement.enrolment.person
    can_edit = policy.can(request.user, EDIT, enrolment.service) and not person.is_anonymised
    adjustments = policy.scoped_placement_records(
        request.user, Adjustment.objects.filter(placement=placement)
    ).prefetch_related(Prefetch("reviews", AdjustmentReview.objects.select_related("by")))
    ongoing = placement.ended_on is None
    for adjustment in adjustments:
        adjustment.status_form = AdjustmentStatusForm(
            initial={"status": adjustment.status}, auto_id=f"id_adjustment{adjustment.pk}_%s"
        )
        adjustment.review_form = ReviewForm(auto_id=f"id_review{adjustment.pk}_%s")
    context = {
        "person": person,
        "enrolment": enrolment,
        "placement": placement,
        "can_edit": can_edit,
        "ongoing": ongoing,
        "renewal": domain.renewal_of(placement),
        "can_renew": can_edit and domain.may_renew(placement),
        "can_renew_job": can_edit and domain.may_renew_job(placement),
        "job_renewals": placement.job_renewals.all(),
        "overlapping_jobs": (
            domain.overlapping_jobs(placement).select_related("company", "job_title")
            if placement.kind == PlacementKind.EMPLOYMENT
            else []
        ),
        "adjustments": adjustments,
        "disclosure_form": DisclosureForm(initial={"disclosure": placement.disclosure}),
        "adjustment_form": AdjustmentForm(auto_id="id_adjustment_%s"),
        "recipients": sheet.recipients(placement),
        "today": timezone.localdate(),
    }
    context |= placement_panel(request.user, placement)
    return render(request, "placements/placement_detail.html", context)


def edit(request, pk):
    """Corrects the details of a placement that has not ended."""
    placement = reachable_placement(request, pk, EDIT)
    if placement.ended_on is not None:
        messages.info(request, _("Cette expérience est terminée : elle ne se modifie plus."))
        return redirect("placements:detail", pk=placement.pk)
    enrolment, person = placement.enrolment, placement.enrolment.person
    initial = {name: getattr(placement, name) for name in domain.DETAIL_FIELDS if name != "opening"}
    form = PlacementForm(
        request.POST or None,
        request.FILES or None,
        kind=placement.kind,
        creating=False,
        initial=initial,
        **form_querysets(request, person, placement),
    )
    if request.method == "POST" and form.is_valid():

        def update(details):
            return domain.update_placement(
                placement, request.user, **(details | {"opening": placement.opening})
            )

        if save_with_agreement(request, form, enrolment, update) is not None:
            messages.success(request, _("Les informations de l'expérience sont enregistrées."))
            return redirect("placements:detail", pk=placement.pk)
    title = _("Modifier : %(job)s chez %(company)s") % {
        "job": placement.job_title.label,
        "company": placement.company.name,
    }
    context = {"person": person, "enrolment": enrolment, "form": form, "title": title, "placement": placement}
    return render(request, "placements/placement_form.html", context)


def end(request, pk):
    """The end of a placement, and where the pathway goes next."""
    placement = reachable_placement(request, pk, EDIT)
    if placement.ended_on is not None:
        messages.info(request, _("Cette expérience est déjà terminée."))
        return redirect("placements:detail", pk=placement.pk)
    default = domain.default_next_phase(placement)
    form = EndForm(request.POST or None, placement=placement, initial={"next_phase": default})
    if request.method == "POST" and form.is_valid():
        try:
            domain.end_placement(placement, request.user, **form.values())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            placement.refresh_from_db()
            messages.success(
                request,
                _(
                    "La fin de l'expérience est enregistrée (%(reason)s). Le parcours est à l'étape « %(phase)s »."
                )
                % {
                    "reason": placement.get_end_reason_display().lower(),
                    "phase": placement.enrolment.get_phase_display(),
                },
            )
            return redirect("placements:detail", pk=placement.pk)
    context = {
        "person": placement.enrolment.person,
        "enrolment": placement.enrolment,
        "placement": placement,
        "form": form,
        "other_jobs": domain.other_ongoing_jobs(placement).select_related("company", "job_title"),
    }
    return render(request, "placements/end_form.html", context)


def small_form(request, placement, form, *, title, action, success, anchor, intro=""):
    """A form of the placement's page on a page of its own: shown again with its errors, or
    done (`action(cleaned_data)`), then back to the placement's page."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, success() if callable(success) else success)
            return redirect(detail_url(placement, anchor))
    context = {"placement": placement, "person": placement.enrolment.person, "form": form}
    return render(request, "placements/small_form.html", context | {"title": title, "intro": intro})


def disclosure(request, pk):
    """The person's choice of what this employer is told, with its date."""
    placement = reachable_placement(request, pk, EDIT)

    def record(data):
        domain.record_disclosure(placement, data["disclosure"], data["decided_on"], request.user)
        placement.refresh_from_db()

    return small_form(
        request,
        placement,
        DisclosureForm(request.POST or None, initial={"disclosure": placement.disclosure}),
        title=_("Divulgation à l'employeur"),
        intro=_("Dire sa maladie ou son handicap à un employeur est le choix de la personne."),
        action=record,
        success=lambda: (
            _("Le choix de la personne est enregistré : %(choice)s.")
            % {"choice": placement.get_disclosure_display().lower()}
        ),
        anchor="divulgation",
    )


def renew(request, pk):
    """The one renewal of an immersion (PMSMP): from the day after its planned end, at most one
    more month, with its reason."""
    placement = reachable_placement(request, pk, EDIT)
    refusals = domain.renewal_refusals(placement)
    if refusals:
        for refusal in refusals:
            messages.info(request, refusal)
        return redirect("placements:detail", pk=placement.pk)
    starts_on, latest = domain.renewal_starts_on(placement), domain.renewal_latest_end(placement)

    done = {}

    def record(data):
        done["renewal"] = domain.renew_immersion(placement, request.user, **data)

    return small_form(
        request,
        placement,
        RenewalForm(request.POST or None, starts_on=starts_on, latest_end=latest),
        title=_("Renouveler l'immersion"),
        intro=_(
            "Une immersion se renouvelle une fois, pour au plus un mois de plus, si ses objectifs ne sont "
            "pas encore atteints. Sa première période finit le %(end)s."
        )
        % {"end": domain.long_day(placement.planned_end_on)},
        action=record,
        success=lambda: (
            _("L'immersion est renouvelée du %(start)s au %(end)s.")
            % {
                "start": domain.long_day(done["renewal"].starts_on),
                "end": domain.long_day(done["renewal"].ends_on),
            }
        ),
        anchor="details",
    )


def renew_job(request, pk):
    """A job's contract renewed: a new planned end, the previous one kept in the history."""
    placement = reachable_placement(request, pk, EDIT)
    if not domain.may_renew_job(placement):
        messages.info(request, _("Seul un emploi en cours avec une fin prévue se renouvelle."))
        return redirect("placements:detail", pk=placement.pk)
    done = {}

    def record(data):
        done["renewal"] = domain.renew_job(placement, request.user, **data)

    return small_form(
        request,
        placement,
        JobRenewalForm(request.POST or None),
        title=_("Renouveler le contrat"),
        intro=_("Fin prévue actuelle : %(end)s. L'historique des fins prévues est gardé.")
        % {"end": domain.long_day(placement.planned_end_on)},
        action=record,
        success=lambda: (
            _("Le contrat est renouvelé jusqu'au %(end)s.")
            % {"end": domain.long_day(done["renewal"].new_end_on)}
        ),
        anchor="details",
    )


def adjustment_add(request, pk):
    placement = reachable_placement(request, pk, EDIT)
    return small_form(
        request,
        placement,
        AdjustmentForm(request.POST or None),
        title=_("Ajouter un aménagement de poste"),
        action=lambda data: domain.add_adjustment(placement, request.user, **data),
        success=_("L'aménagement est ajouté."),
        anchor="amenagements",
    )


def adjustment_status(request, pk):
    adjustment = reachable_adjustment(request, pk)
    return small_form(
        request,
        adjustment.placement,
        AdjustmentStatusForm(request.POST or None, initial={"status": adjustment.status}),
        title=_("Statut de l'aménagement : %(kind)s") % {"kind": adjustment.get_kind_display()},
        action=lambda data: domain.change_adjustment_status(adjustment, data["status"], request.user),
        success=_("Le statut de l'aménagement est enregistré."),
        anchor="amenagements",
    )


def review_add(request, pk):
    adjustment = reachable_adjustment(request, pk)
    return small_form(
        request,
        adjustment.placement,
        ReviewForm(request.POST or None),
        title=_("Point sur l'aménagement : %(kind)s") % {"kind": adjustment.get_kind_display()},
        action=lambda data: domain.add_review(adjustment, request.user, **data),
        success=_("Le point sur l'aménagement est enregistré."),
        anchor="amenagements",
    )


def employer_sheet(request, pk):
    """The employer-facing sheet, for the tutor or another contact of the company
    (`?destinataire=`), if the person's consent covers it."""
    placement = policy.get_or_404(
        placements_of(request.user).select_related(
            "enrolment__service__organisation", "enrolment__primary_coach"
        ),
        pk=pk,
    )
    person = placement.enrolment.person
    recipient = sheet.chosen_recipient(placement, request.GET.get("destinataire"))
    if recipient is None:
        messages.info(request, _("Choisissez à quel contact de l'entreprise la fiche est destinée."))
        return redirect(detail_url(placement, "fiche"))
    if not recipient.allowed:
        return share_refused(request, person, recipient, _("Le document « Fiche de liaison employeur »"))
    # A document leaves the service: French whatever the interface language.
    with translation.override("fr"):
        context = sheet.sheet_context(placement, recipient) | {
            "enrolment": placement.enrolment,
            "person": person,
            "organisation": placement.enrolment.service.organisation,
            "service": placement.enrolment.service,
            "generated_at": timezone.localtime(),
        }
        return pdf_response(
            render_pdf("placements/employer_sheet_pdf.html", context, request), "fiche-liaison-employeur.pdf"
        )
