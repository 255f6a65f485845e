"""The right of access and portability: everything the service holds on a person, in one file.

`export_data` gathers it as plain data (the JSON file, whose schema is `export_schema.json`,
described in docs/privacy.md), `export_pdf` renders the same data as a readable French
document, and `export_zip` puts both in one archive with the attached files.

The export holds what the exporting user may read, through the same rules as the pages: the
pathways of the services where they see cases, and of the meetings and notes only those
`journal.selectors` lets them read. A writing kept for a profession the user does not hold
never goes in: the export counts them and says they are communicated by the professionals
concerned. The data protection officer's complete answer to a right-of-access request
(`privacy.access`) widens the scope to the whole organisation, those writings included as
their professionals reviewed them.
"""

import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.audit import api as audit
from filrouge.consents.models import Consent, Disclosure
from filrouge.documents.pdf import render_pdf
from filrouge.imports.models import ImportedKey
from filrouge.journal.models import Meeting, Note
from filrouge.journal.selectors import readable_meetings, readable_notes
from filrouge.matching.models import Proposal
from filrouge.placements.models import Placement
from filrouge.plans.models import ActionPlan
from filrouge.profiles.models import Barrier, Profile, ProfileRevision
from filrouge.workshops.models import Registration

SCHEMA = "filrouge-person-export"
SCHEMA_VERSION = 1
JSON_NAME = "data.json"
PDF_NAME = "donnees-personnelles.pdf"
FILES_DIR = "documents"
COPY_CHUNK = 64 * 1024


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def choice(obj, name: str) -> dict | None:
    """A coded value with its French label: {"code": "job_search", "label": "Recherche d'emploi"}."""
    value = getattr(obj, name)
    if value in ("", None):
        return None
    return {"code": value, "label": str(getattr(obj, f"get_{name}_display")())}


def user_name(user) -> str | None:
    return user.full_name if user is not None else None


def referential(item) -> dict | None:
    return None if item is None else {"code": getattr(item, "code", None), "label": item.label}


def job(title) -> dict | None:
    return None if title is None else {"code": title.code, "label": title.label, "rome": title.occupation_id}


def contact(partner) -> dict | None:
    if partner is None:
        return None
    return {
        "name": partner.full_name,
        "organisation": partner.partner_name,
        "job_title": partner.job_title,
        "kind": choice(partner, "kind"),
        "phone": partner.phone,
        "email": partner.email,
    }


@dataclass
class ReaderScope:
    """What an ordinary export holds: what its maker may read, by the rules of the pages."""

    user: object

    def enrolments(self):
        return policy.scoped_enrolments(self.user)

    def meetings(self, enrolments):
        return readable_meetings(self.user, enrolments)

    def notes(self, enrolments):
        return readable_notes(self.user, enrolments)

    def reviewed(self, writings: list) -> list:
        return writings  # a reader's writings are theirs to read: no review

    def attachments(self):
        return policy.scoped_attachments(self.user)

    def employer_contacts(self):
        return policy.scoped_employer_contacts(self.user)

    def answering(self) -> dict:
        return {}  # no request answered


# --- The parts of the export ---------------------------------------------------------------------


def identity(person) -> dict:
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "birth_name": person.birth_name,
        "usual_name": person.usual_name,
        "date_of_birth": iso(person.date_of_birth),
        "sex": choice(person, "sex"),
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postal_code": person.postal_code,
        "city": person.city,
        "latitude": None if person.latitude is None else float(person.latitude),
        "longitude": None if person.longitude is None else float(person.longitude),
        "preferred_channel": choice(person, "preferred_channel"),
        "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
        "anonymised_at": iso(person.anonymised_at),
    }


def entry_situation(situation) -> dict | None:
    if situation is None:
        return None
    return {
        "employment_status": choice(situation, "employment_status"),
        "out_of_work_since": iso(situation.out_of_work_since),
        "education_level": choice(situation, "education_level"),
        "receives_rsa": situation.receives_rsa,
        "receives_aah": situation.receives_aah,
        "receives_unemployment_benefit": situation.receives_unemployment_benefit,
        "rqth_status": choice(situation, "rqth_status"),
        "rqth_requested_on": iso(situation.rqth_requested_on),
        "rqth_granted_on": iso(situation.rqth_granted_on),
        "mdph_file": situation.mdph_file,
        "housing": choice(situation, "housing"),
        "recorded_at": iso(situation.recorded_at),
    }


def plan_data(plan) -> dict:
    return {
        "version": plan.version,
        "created_at": iso(plan.created_at),
        "created_by": user_name(plan.created_by),
        "agreed_on": iso(plan.agreed_on),
        "agreement_method": choice(plan, "agreement_method"),
        "superseded_at": iso(plan.superseded_at),
        "objectives": [
            {
                "theme": referential(objective.theme),
                "label": objective.label,
                "from_referential": objective.objective_id is not None,
                "withdrawn_at": iso(objective.withdrawn_at),
                "actions": [
                    {
                        "label": action.label,
                        "from_referential": action.action_kind_id is not None,
                        "carrier": choice(action, "carrier"),
                        "partner": contact(action.partner),
                        "planned_start": iso(action.planned_start),
                        "due_date": iso(action.due_date),
                        "status": choice(action, "status"),
                        "status_changed_on": iso(action.status_changed_on),
                        "outcome_note": action.outcome_note,
                    }
                    for action in objective.actions.all()
                ],
            }
            for objective in plan.objectives.all()
        ],
    }


def reviewed(writing, data: dict) -> dict:
    """A writing kept for a profession, in a complete answer: as its professional reviewed it."""
    review = getattr(writing, "access_review", None)
    if review is None:
        return data
    return {
        **data,
        **review.reviewed_texts(data),
        "review": {
            "decision": choice(review, "decision"),
            "ground": choice(review, "ground"),
            "explanation": review.explanation,
            "reviewed_by": user_name(review.reviewed_by),
            "reviewed_at": iso(review.reviewed_at),
        },
    }


def meeting_data(meeting) -> dict:
    data = {
        "starts_at": iso(meeting.starts_at),
        "duration_minutes": meeting.duration_minutes,
        "kind": choice(meeting, "kind"),
        "place": meeting.place,
        "staff": [user.full_name for user in meeting.staff.all()],
        "others": meeting.others,
        "attendance": choice(meeting, "attendance"),
        "summary": meeting.summary,
        "confidentiality": choice(meeting, "confidentiality"),
        "created_by": user_name(meeting.created_by),
    }
    return reviewed(meeting, data)


def note_data(note) -> dict:
    data = {
        "written_on": iso(note.written_on),
        "author": user_name(note.author),
        "text": note.text,
        "confidentiality": choice(note, "confidentiality"),
        "created_at": iso(note.created_at),
    }
    return reviewed(note, data)


def registration_data(registration) -> dict:
    session = registration.session
    return {
        "workshop": session.type.name,
        "starts_at": iso(session.starts_at),
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "session_cancelled": session.is_cancelled,
        "status": choice(registration, "status"),
        "registered_at": iso(registration.registered_at),
        "attendance": choice(registration, "attendance"),
    }


def pathway(enrolment, meetings, notes) -> dict:
    exit_data = None
    if enrolment.exit_date is not None:
        exit_data = {
            "date": iso(enrolment.exit_date),
            "outcome": choice(enrolment, "exit_outcome"),
            "comment": enrolment.exit_comment,
            "reoriented_to": enrolment.reoriented_to,
        }
    return {
        "id": enrolment.pk,
        "service": {
            "name": enrolment.service.name,
            "programme_type": choice(enrolment.service, "programme_type"),
            "city": enrolment.service.city,
        },
        "referral_date": iso(enrolment.referral_date),
        "referral_reason": enrolment.referral_reason,
        "referred_by": contact(enrolment.referred_by),
        "intake_date": iso(enrolment.intake_date),
        "primary_coach": user_name(enrolment.primary_coach),
        "team": [user.full_name for user in enrolment.team.all()],
        "phase": choice(enrolment, "phase"),
        "planned_end_date": iso(enrolment.planned_end_date),
        "last_contact_on": iso(enrolment.last_contact_on),
        "next_appointment_at": iso(enrolment.next_appointment_at),
        "exit": exit_data,
        "entry_situation": entry_situation(getattr(enrolment, "entry_situation", None)),
        "phase_history": [
            {
                "phase": choice(change, "phase"),
                "changed_on": iso(change.changed_on),
                "comment": change.comment,
                "recorded_by": user_name(change.recorded_by),
            }
            for change in enrolment.phase_changes.order_by("changed_on", "recorded_at", "pk")
        ],
        "suspensions": [
            {
                "start_date": iso(s.start_date),
                "end_date": iso(s.end_date),
                "reason": choice(s, "reason"),
                "comment": s.comment,
            }
            for s in enrolment.suspensions.all()
        ],
        "renewals": [
            {
                "decided_on": iso(r.decided_on),
                "renewed": r.renewed,
                "previous_end_date": iso(r.previous_end_date),
                "new_end_date": iso(r.new_end_date),
                "comment": r.comment,
            }
            for r in enrolment.renewals.all()
        ],
        "action_plans": [
            plan_data(plan)
            for plan in ActionPlan.objects.filter(enrolment=enrolment)
            .select_related("created_by")
            .prefetch_related(
                "objectives__theme",
                "objectives__objective",
                "objectives__actions__action_kind",
                "objectives__actions__partner",
            )
            .order_by("version")
        ],
        "meetings": [meeting_data(m) for m in meetings if m.enrolment_id == enrolment.pk],
        "notes": [note_data(n) for n in notes if n.enrolment_id == enrolment.pk],
        "workshop_registrations": [
            registration_data(r)
            for r in Registration.objects.filter(enrolment=enrolment)
            .select_related("session__type")
            .order_by("session__starts_at", "pk")
        ],
        "placements": [
            placement_data(p)
            for p in Placement.objects.filter(enrolment=enrolment)
            .select_related("company", "tutor", "job_title", "renewal")
            .prefetch_related("adjustments__reviews__by", "support_contacts__by")
            .order_by("started_on", "pk")
        ],
        "proposals": [
            proposal_data(p)
            for p in Proposal.objects.filter(enrolment=enrolment)
            .select_related("opening__company", "opening__job_title", "proposed_by")
            .order_by("proposed_on", "pk")
        ],
    }


def renewal_data(renewal) -> dict | None:
    if renewal is None:
        return None
    return {"starts_on": iso(renewal.starts_on), "ends_on": iso(renewal.ends_on), "reason": renewal.reason}


def placement_data(placement) -> dict:
    return {
        "kind": choice(placement, "kind"),
        "company": placement.company.name,
        "tutor": contact(placement.tutor),
        "job": job(placement.job_title),
        "contract_type": choice(placement, "contract_type"),
        "durable_employment": placement.is_durable,
        "exit_kind": placement.employment_outcome,
        "started_on": iso(placement.started_on),
        "planned_end_on": iso(placement.planned_end_on),
        "immersion_renewal": renewal_data(getattr(placement, "renewal", None)),
        "hours_per_week": placement.hours_per_week,
        "immersion_objective": choice(placement, "objective"),
        "agreement_id": placement.agreement_id,
        "immersion_assessment": choice(placement, "assessment"),
        "led_to_job": placement.led_to_job,
        "disclosure": choice(placement, "disclosure"),
        "disclosure_decided_on": iso(placement.disclosure_decided_on),
        "ended_on": iso(placement.ended_on),
        "end_reason": choice(placement, "end_reason"),
        "end_comment": placement.end_comment,
        "adjustments": [
            {
                "kind": choice(a, "kind"),
                "description": a.description,
                "with_occupational_physician": a.with_occupational_physician,
                "agreed_on": iso(a.agreed_on),
                "status": choice(a, "status"),
                "reviews": [
                    {
                        "reviewed_on": iso(r.reviewed_on),
                        "outcome": choice(r, "outcome"),
                        "comment": r.comment,
                        "by": user_name(r.by),
                    }
                    for r in a.reviews.all()
                ],
            }
            for a in placement.adjustments.all()
        ],
        "support_contacts": [
            {
                "contacted_on": iso(c.contacted_on),
                "party": choice(c, "party"),
                "kind": choice(c, "kind"),
                "place": choice(c, "place"),
                "notes": c.notes,
                "by": user_name(c.by),
            }
            for c in placement.support_contacts.all()
        ],
    }


def proposal_data(proposal) -> dict:
    opening = proposal.opening
    return {
        "opening": {"job": job(opening.job_title), "company": opening.company.name},
        "proposed_on": iso(proposal.proposed_on),
        "proposed_by": user_name(proposal.proposed_by),
        "answer": choice(proposal, "answer"),
        "answered_on": iso(proposal.answered_on),
        "comment": proposal.comment,
    }


def employer_contact_data(entry) -> dict:
    return {
        "contacted_on": iso(entry.contacted_on),
        "company": entry.company.name,
        "kind": choice(entry, "kind"),
        "face_to_face": entry.face_to_face,
        "coach": user_name(entry.coach),
        "notes": entry.notes,
    }


def profile_data(person) -> dict | None:
    profile = Profile.objects.filter(person=person).select_related("dream_job").first()
    if profile is None:
        return None
    return {
        "skills": profile.skills,
        "soft_skills": profile.soft_skills,
        "expectations": profile.expectations,
        "dream_job": job(profile.dream_job),
        "updated_at": iso(profile.updated_at),
        "experiences": [
            {
                "job": job(e.job_title),
                "employer": e.employer,
                "started_on": iso(e.started_on),
                "ended_on": iso(e.ended_on),
                "description": e.description,
            }
            for e in profile.experiences.select_related("job_title")
        ],
        "trainings": [
            {
                "title": t.title,
                "institution": t.institution,
                "obtained_on": iso(t.obtained_on),
                "diploma": t.diploma,
                "level": choice(t, "level"),
            }
            for t in profile.trainings.all()
        ],
        "target_jobs": [
            {
                "job": job(t.job_title),
                "position": t.position,
                "contract_types": t.contract_type_labels(),
                "working_time": choice(t, "working_time"),
                "hours_per_week": t.hours_per_week,
                "mobility_km": t.mobility_km,
                "transport": t.transport_labels(),
                "availability": t.availability,
            }
            for t in profile.targets.select_related("job_title")
        ],
    }


def attachment_path(attachment) -> str:
    """Where the file sits in the ZIP export: the id keeps two files of one name apart."""
    return f"{FILES_DIR}/{attachment.pk}-{get_valid_filename(attachment.original_name) or 'document'}"


def attachment_data(attachment) -> dict:
    return {
        "id": attachment.pk,
        "kind": choice(attachment, "kind"),
        "title": attachment.title,
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "pathway_id": attachment.enrolment_id,
        "uploaded_at": iso(attachment.uploaded_at),
        "uploaded_by": user_name(attachment.uploaded_by),
        "archived_at": iso(attachment.archived_at),
        "file": attachment_path(attachment) if has_file(attachment) else None,
    }


def has_file(attachment) -> bool:
    return bool(attachment.file.name) and attachment.file.storage.exists(attachment.file.name)


def consent_data(consent) -> dict:
    return {
        "purpose": choice(consent, "purpose"),
        "recipient": consent.recipient_display,
        "status": choice(consent, "status"),
        "decided_on": iso(consent.decided_on),
        "method": choice(consent, "method"),
        "signed_form_id": consent.signed_form_id,
        "witness": consent.witness_display,
        "comment": consent.comment,
        "recorded_by": user_name(consent.recorded_by),
        "recorded_at": iso(consent.recorded_at),
    }


def disclosure_data(disclosure) -> dict:
    return {
        "level": choice(disclosure, "level"),
        "employer": str(disclosure.employer) if disclosure.employer_id else None,
        "decided_on": iso(disclosure.decided_on),
        "comment": disclosure.comment,
        "recorded_by": user_name(disclosure.recorded_by),
        "recorded_at": iso(disclosure.recorded_at),
    }


def imported_keys(person, enrolments) -> list[dict]:
    """The ids a former tool gave the person, and those of the pathways (and their jobs) read."""
    keys = (
        ImportedKey.objects.filter(
            Q(person=person) | Q(enrolment__in=enrolments) | Q(placement__enrolment__in=enrolments)
        )
        .select_related("service")
        .order_by("created_at", "pk")
    )
    return [
        {
            "service": key.service.name,
            "kind": choice(key, "kind"),
            "external_id": key.external_id,
            "recorded_at": iso(key.created_at),
        }
        for key in keys
    ]


def access_log(person) -> list[dict]:
    """Who did what on the record, when and from where: never the values changed."""
    return [
        {
            "at": iso(entry.at),
            "kind": choice(entry, "kind"),
            "actor": user_name(entry.actor) or entry.actor_label,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "address": entry.address,
        }
        for entry in audit.entries_for_person(person.pk)
    ]


def withheld_writings(user, enrolments, meetings, notes) -> dict:
    """The writings of these pathways kept for a profession the user does not hold."""
    count = (
        Meeting.objects.filter(enrolment__in=enrolments).exclude(pk__in=[m.pk for m in meetings]).count()
        + Note.objects.filter(enrolment__in=enrolments).exclude(pk__in=[n.pk for n in notes]).count()
    )
    explanation = (
        _(
            "Ces écrits sont réservés à une profession du service (les psychologues, par exemple) : "
            "ils ne figurent pas dans cet export. Pour une demande de droit d'accès, le délégué à la "
            "protection des données fait l'export complet, après la relecture de ces écrits par les "
            "professionnels concernés."
        )
        if count
        else ""
    )
    return {"count": count, "explanation": explanation}


def export_data(person, user, scope: ReaderScope | None = None) -> dict:
    """Everything the service holds on `person` that `user` may read, as JSON-ready data (French
    labels); `scope` widens it for a complete answer (`privacy.access.CompleteScope`)."""
    scope = ReaderScope(user) if scope is None else scope
    with translation.override("fr"):
        enrolments = (
            scope.enrolments()
            .filter(person=person)
            .select_related("service", "referred_by", "primary_coach", "entry_situation")
            .prefetch_related("team", "suspensions", "renewals", "phase_changes__recorded_by")
            .order_by("referral_date", "pk")
        )
        meetings = scope.reviewed(
            list(scope.meetings(enrolments).select_related("created_by").prefetch_related("staff"))
        )
        notes = scope.reviewed(
            list(scope.notes(enrolments).select_related("author").order_by("written_on", "pk"))
        )
        meetings.sort(key=lambda m: (m.starts_at, m.pk))
        attachments = (
            scope.attachments()
            .filter(person=person)
            .select_related("uploaded_by")
            .order_by("uploaded_at", "pk")
        )
        organisation = person.organisation
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "generated_at": iso(timezone.now()),
            "generated_by": user.full_name,
            "controller": {
                "name": organisation.name,
                "siret": organisation.siret,
                "address": " ".join(
                    filter(None, [organisation.address, organisation.postal_code, organisation.city])
                ),
            },
            "person": identity(person),
            "partners": [
                {"relation": choice(link, "relation"), "contact": contact(link.contact)}
                for link in person.contact_links.select_related("contact")
            ],
            "pathways": [pathway(e, meetings, notes) for e in enrolments],
            "writings_not_included": withheld_writings(user, enrolments, meetings, notes),
            "profile": profile_data(person),
            "barriers": [
                {
                    "theme": referential(b.situation.theme),
                    "situation": b.situation.label,
                    "status": choice(b, "status"),
                    "comment": b.comment,
                    "updated_at": iso(b.updated_at),
                }
                for b in Barrier.objects.filter(person=person).select_related("situation__theme")
            ],
            "profile_revisions": [
                {"recorded_at": iso(r.recorded_at), "recorded_by": user_name(r.recorded_by), "data": r.data}
                for r in ProfileRevision.objects.filter(person=person)
                .select_related("recorded_by")
                .order_by("recorded_at", "pk")
            ],
            "attachments": [attachment_data(a) for a in attachments],
            "consents": [
                consent_data(c)
                for c in Consent.objects.filter(person=person)
                .select_related("recipient", "witness", "recorded_by")
                .order_by("decided_on", "recorded_at", "pk")
            ],
            "disclosures": [
                disclosure_data(d)
                for d in Disclosure.objects.filter(person=person)
                .select_related("employer", "recorded_by")
                .order_by("decided_on", "recorded_at", "pk")
            ],
            "employer_contacts": [
                employer_contact_data(e)
                for e in scope.employer_contacts()
                .filter(person=person)
                .select_related("company", "coach")
                .order_by("contacted_on", "pk")
            ],
            "reminder_choices": [
                {
                    "channels": choice(p, "channels"),
                    "phone": p.phone,
                    "email": p.email,
                    "language": choice(p, "language"),
                    "recorded_at": iso(p.recorded_at),
                    "recorded_by": user_name(p.recorded_by),
                    "by_person": p.by_person,
                }
                for p in person.reminder_preferences.select_related("recorded_by").order_by(
                    "recorded_at", "pk"
                )
            ],
            "messages": [
                {
                    "kind": choice(m, "kind"),
                    "channel": choice(m, "channel"),
                    "appointment": iso(m.starts_at),
                    "recipient": m.recipient,
                    "status": choice(m, "status"),
                    "sent_at": iso(m.sent_at),
                    "text": m.body,
                }
                for m in person.outbound_messages.order_by("created_at", "pk")
            ],
            "imported_keys": imported_keys(person, enrolments),
            "record_accesses": access_log(person),
            **scope.answering(),
        }


# --- The files ---------------------------------------------------------------------------------------


def export_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_pdf(person, data: dict, request=None) -> bytes:
    """The same data as a readable document, always in French."""
    with translation.override("fr"):
        context = {
            "person": person,
            "organisation": person.organisation,
            "data": data,
            "generated_at": timezone.localtime(),
        }
        return render_pdf("privacy/export_pdf.html", context, request)


def export_zip(person, data: dict, user, request=None, scope: ReaderScope | None = None) -> bytes:
    """One archive: the JSON file, the readable PDF and every attached file the user may open
    (or that `scope` holds)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, export_json(data))
        archive.writestr(PDF_NAME, export_pdf(person, data, request))
        wanted = {item["id"]: item["file"] for item in data["attachments"] if item["file"]}
        for attachment in (ReaderScope(user) if scope is None else scope).attachments().filter(pk__in=wanted):
            try:
                # Decrypted and authenticated whole first: a damaged file stops the export
                # (`DecryptionError`) rather than going out changed or cut short.
                handle = attachment.file.storage.open_clear(attachment.file.name)
            except FileNotFoundError:
                continue  # gone since the data was gathered: the JSON names it, the archive cannot
            with handle, archive.open(wanted[attachment.pk], "w") as member:
                shutil.copyfileobj(handle, member, COPY_CHUNK)
    return buffer.getvalue()
