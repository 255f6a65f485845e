"""Business rules on staff accounts: invitations, roles, deactivation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.accounts.sessions import end_all_sessions
from filrouge.accounts.tokens import invitation_token_generator
from filrouge.organisations.models import Membership, Role


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, invitation_token_generator.make_token(user)])


def send_invitation(user: User, base_url: str) -> None:
    """Emails the one-time link with which the new staff member chooses a password."""
    context = {
        "user": user,
        "organisation": user.organisation,
        "link": base_url.rstrip("/") + invitation_path(user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Votre compte filrouge — %(organisation)s") % {"organisation": user.organisation}
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def invite(
    organisation,
    full_name: str,
    email: str,
    role: Role,
    service,
    base_url: str,
    time_share: int = 100,
    employment_services_share: int = 100,
) -> User:
    user = User.objects.create_user(email=email, full_name=full_name, organisation=organisation)
    grant_role(user, role, service, time_share, employment_services_share=employment_services_share)
    # Sent once the account exists for sure; a mail server that fails is logged, and the
    # administrator can send the invitation again from the account's page.
    transaction.on_commit(lambda: send_invitation(user, base_url), robust=True)
    return user


def grant_role(
    user: User, role: Role, service=None, time_share: int = 100, *, employment_services_share: int = 100
) -> Membership:
    role = Role(role)
    if role.is_organisation_wide:
        service = None
        if Membership.objects.filter(user=user, role=role, service__isnull=True).exists():
            raise ValidationError(_("Ce compte a déjà ce rôle."), code="duplicate_role")
    else:
        if service is None:
            raise ValidationError(_("Choisissez le service où ce rôle s'exerce."), code="service_required")
        if Membership.objects.filter(user=user, service=service).exists():
            raise ValidationError(
                _("Ce compte a déjà un rôle dans ce service : retirez-le d'abord pour en donner un autre."),
                code="duplicate_service",
            )
    membership = Membership.objects.create(
        user=user,
        role=role,
        service=service,
        time_share=time_share,
        employment_services_share=employment_services_share,
    )
    policy.forget_grants(user)
    return membership


def active_admins(organisation) -> int:
    return (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.ORG_ADMIN)
        .values("user")
        .distinct()
        .count()
    )


def revoke_role(membership: Membership) -> None:
    if (
        membership.role == Role.ORG_ADMIN
        and membership.user.is_active
        and active_admins(membership.organisation) <= 1
    ):
        raise ValidationError(
            _("C'est le dernier compte administrateur de l'organisation : nommez-en un autre avant."),
            code="last_admin",
        )
    membership.delete()
    policy.forget_grants(membership.user)


@transaction.atomic
def deactivate(user: User, by: User) -> int:
    """Closes the account and ends all its sessions at once; returns how many were ended."""
    if user.pk == by.pk:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."), code="self")
    is_admin = Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()
    if is_admin and active_admins(user.organisation) <= 1:
        raise ValidationError(
            _("C'est le dernier compte administrateur de l'organisation : nommez-en un autre avant."),
            code="last_admin",
        )
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    return end_all_sessions(user)


def reset_second_factor(user: User, by: User) -> int:
    """For a staff member who lost both their authenticator and their recovery codes: removes
    them and ends the account's sessions; the next sign-in asks for a new enrolment where the
    second factor is required. Returns how many sessions were ended."""
    from filrouge.accounts import two_factor
    from filrouge.audit import api as audit

    if user.pk == by.pk:
        raise ValidationError(
            _("Pour votre propre compte, passez par « Mon compte » : vos codes de secours y sont gérés."),
            code="self",
        )
    if not two_factor.has_device(user):
        raise ValidationError(_("Ce compte n'a pas de double authentification à réinitialiser."), code="none")
    two_factor.disable(user)
    audit.record(
        "update",
        organisation_id=user.organisation_id,
        object_type="accounts.user",
        object_id=user.pk,
        changes={"second_factor": ["configured", "reset"]},
        user=by,
        detail="second factor reset by an administrator",
    )
    return end_all_sessions(user)


def reactivate(user: User) -> None:
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
