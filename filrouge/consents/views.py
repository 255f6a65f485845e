from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.consents import domain, sharing
from filrouge.consents.forms import ConsentForm, DisclosureForm, WithdrawForm
from filrouge.consents.models import Purpose
from filrouge.core.forms import add_domain_errors
from filrouge.documents import domain as documents
from filrouge.documents.models import AttachmentKind
from filrouge.journal.selectors import readable_meetings
from filrouge.pathways.models import Enrolment
from filrouge.plans.models import ActionPlan

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES


def person_consents(request, pk):
    """The person's consents: what applies now for each sharing, the full history, and their
    decision about what employers may know."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    consents = policy.scoped_consents(request.user, domain.history(person))
    readable_files = set(
        policy.scoped_attachments(request.user)
        .filter(pk__in=[c.signed_form_id for c in consents if c.signed_form_id])
        .values_list("pk", flat=True)
    )
    readable = set(
        readable_meetings(request.user)
        .filter(pk__in=[c.meeting_id for c in consents if c.meeting_id])
        .values_list("pk", flat=True)
    )
    disclosures = policy.scoped_person_records(request.user, domain.disclosure_history(person))
    context = {
        "person": person,
        "state": domain.current_state(person),
        "consents": consents,
        "readable_files": readable_files,
        "readable_meetings": readable,
        "disclosure": domain.current_disclosure(person),
        "disclosures": disclosures,
        "can_record": policy.may_record_consents(request.user, person),
    }
    return render(request, "consents/person_consents.html", context)


def editable_person(request, pk):
    return policy.get_or_404(policy.scoped_people(request.user, EDIT), pk=pk)


def consent_form(request, person):
    enrolments = policy.scoped_enrolments(request.user).filter(person=person)
    recipients = policy.scoped_contacts(request.user).filter(person_links__person=person).distinct()
    # Who may witness: the staff of the person's services, and the user recording it.
    services = Enrolment.objects.filter(person=person).values("service")
    witnesses = (
        User.objects.filter(organisation_id=person.organisation_id, is_active=True)
        .filter(Q(memberships__service__in=services) | Q(pk=request.user.pk))
        .distinct()
        .order_by("full_name", "pk")
    )
    initial = {"status": "given", "witness": request.user}
    if request.GET.get("objet") in Purpose.values:
        initial["purpose"] = request.GET["objet"]
    if request.GET.get("destinataire", "").isdigit():
        initial["recipient"] = recipients.filter(pk=int(request.GET["destinataire"][:18])).first()
    return ConsentForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        recipients=recipients,
        attachments=policy.scoped_attachments(request.user).filter(person=person).active(),
        witnesses=witnesses,
        meetings=readable_meetings(request.user, enrolments)
        .filter(starts_at__lte=timezone.now())
        .select_related("enrolment"),
    )


def record(request, pk):
    """Records a decision of the person: a consent given, or withdrawn (or refused)."""
    person = editable_person(request, pk)
    form = consent_form(request, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        purpose = Purpose(data["purpose"])
        sending_file = bool(data["signed_form_file"])
        try:
            with transaction.atomic():  # a file sent with a refused decision is not kept
                signed_form = data["signed_form"]
                if sending_file:
                    signed_form = documents.attach(
                        person,
                        data["signed_form_file"],
                        kind=AttachmentKind.CONSENT,
                        title=_("Formulaire de consentement — %(purpose)s") % {"purpose": purpose.label},
                        by=request.user,
                    )
                sending_file = False
                consent = domain.record_consent(
                    person,
                    purpose=purpose,
                    status=data["status"],
                    decided_on=data["decided_on"],
                    method=data["method"],
                    by=request.user,
                    recipient=data["recipient"],
                    recipient_label=data["recipient_label"],
                    signed_form=signed_form,
                    witness=data["witness"],
                    witness_name=data["witness_name"],
                    meeting=data["meeting"],
                    comment=data["comment"],
                )
        except ValidationError as error:
            if sending_file and not hasattr(error, "error_dict"):
                form.add_error("signed_form_file", error)
            else:
                add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("La décision est enregistrée : %(purpose)s — %(recipient)s : %(status)s.")
                % {
                    "purpose": consent.get_purpose_display(),
                    "recipient": consent.recipient_display,
                    "status": consent.get_status_display().lower(),
                },
            )
            return redirect("consents:person_consents", pk=person.pk)
    return render(request, "consents/consent_form.html", {"person": person, "form": form})


def withdraw(request, pk):
    """The person withdraws a consent they gave: confirmed on a page, done by the POST."""
    consent = policy.get_or_404(
        policy.scoped_consents(request.user, action=EDIT).select_related("person", "recipient"), pk=pk
    )
    person = consent.person
    current = domain.current_consent(person, consent.purpose, consent.recipient or consent.recipient_label)
    if current is None or current.pk != consent.pk or not consent.is_given:
        messages.info(request, _("Ce consentement n'est plus en vigueur : il n'y a rien à retirer."))
        return redirect("consents:person_consents", pk=person.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.withdraw(
                consent,
                by=request.user,
                on=form.cleaned_data["decided_on"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Le consentement est retiré : plus rien ne sera transmis à ce titre (%(purpose)s — %(recipient)s)."
                )
                % {"purpose": consent.get_purpose_display(), "recipient": consent.recipient_display},
            )
            return redirect("consents:person_consents", pk=person.pk)
    return render(request, "consents/withdraw.html", {"person": person, "consent": consent, "form": form})


def disclosure(request, pk):
    """The person's decision about what employers may know."""
    person = editable_person(request, pk)
    employers = policy.scoped_contacts(request.user).filter(kind=domain.EMPLOYER_KIND)
    form = DisclosureForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = domain.record_disclosure(
                person,
                level=data["level"],
                decided_on=data["decided_on"],
                by=request.user,
                employer=data["employer"],
                comment=data["comment"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Le choix de la personne est enregistré : %(level)s.")
                % {"level": decision.get_level_display()},
            )
            return redirect(reverse("consents:person_consents", args=[person.pk]) + "#divulgation")
    return render(request, "consents/disclosure_form.html", {"person": person, "form": form})


def share_page(request, person, document, pdf_url, title):
    return render(
        request,
        "consents/share.html",
        {
            "person": person,
            "title": title,
            "pdf_url": pdf_url,
            "recipients": sharing.recipients(person, document),
            "can_record": policy.may_record_consents(request.user, person),
        },
    )


def plan_share(request, pk):
    """Whom the action plan may be printed for: the service and the person, or a partner the
    person agreed to share it with."""
    plans = ActionPlan.objects.select_related("enrolment__person")
    plan = policy.get_or_404(policy.scoped_case_records(request.user, plans), pk=pk)
    title = _("Plan d'action, version %(version)s") % {"version": plan.version}
    return share_page(
        request, plan.enrolment.person, sharing.PLAN, reverse("documents:plan_pdf", args=[plan.pk]), title
    )


def report_share(request, pk):
    enrolments = Enrolment.objects.select_related("person", "service")
    enrolment = policy.get_or_404(policy.scoped_enrolments(request.user, queryset=enrolments), pk=pk)
    title = _("Bilan d'accompagnement — %(service)s") % {"service": enrolment.service.name}
    return share_page(
        request, enrolment.person, sharing.REPORT, reverse("documents:report_pdf", args=[enrolment.pk]), title
    )


def share_refused(request, person, recipient, document_label: str):
    """A document for a third party the person's consents do not cover: 403, saying which consent
    is missing, and where to record it."""
    return render(
        request,
        "consents/share_refused.html",
        {
            "person": person,
            "recipient": recipient,
            "document_label": document_label,
            "can_record": policy.may_record_consents(request.user, person),
        },
        status=403,
    )
