"""Business rules on staff accounts: invitations, roles, deactivation, lockouts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts import emails, throttle
from filrouge.accounts.models import User
from filrouge.accounts.sessions import end_all_sessions
from filrouge.accounts.tokens import invitation_path as invitation_path  # the invitation's link, for commands
from filrouge.organisations.models import Membership, Role


def send_invitation(user: User, base_url: str) -> None:
    """Has the one-time link with which the new staff member chooses a password emailed."""
    emails.send_later(emails.INVITATION, user.pk, base_url)


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
    # Queued in this transaction: it leaves only if the account is created. A mail server that
    # fails is logged, and the administrator can send the invitation again from its page.
    send_invitation(user, base_url)
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


def lift_lockout(user: User, by: User) -> None:
    """Ends the lockout of an account (someone typed wrong passwords on its address, on purpose
    or not) before its cool-off; recorded in the audit trail."""
    from filrouge.audit import api as audit

    if not throttle.account_lockouts([user.email])[user.email].is_locked:
        raise ValidationError(_("Ce compte n'est pas bloqué."), code="not_locked")
    throttle.clear_account(user.email)
    audit.record(
        "update",
        organisation_id=user.organisation_id,
        object_type="accounts.user",
        object_id=user.pk,
        changes={"lockout": ["locked", "lifted"]},
        user=by,
        detail="sign-in lockout lifted by an administrator",
    )


def request_sign_in_link(request, email: str) -> bool:
    """Has a sign-in link emailed to the account of `email`, if there is one; False when too
    many links were asked for this address or from this client address. The same happens
    whether or not an account has the address (a task is queued either way): the answer tells
    nobody which addresses have an account."""
    if not throttle.link_request_allowed(request, email):
        return False
    user = User.objects.filter(email=User.objects.normalize_email(email)).only("pk").first()
    emails.send_later(emails.SIGN_IN_LINK, user.pk if user else None, request.build_absolute_uri("/"))
    return True
