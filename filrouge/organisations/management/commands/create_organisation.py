from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from filrouge.accounts import domain
from filrouge.accounts.models import User
from filrouge.organisations.models import Organisation, Role
from filrouge.organisations.validators import normalise_siret


class Command(BaseCommand):
    help = (
        "Creates an organisation and invites its first administrator (who then manages every other account)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("siret")
        parser.add_argument("admin_email")
        parser.add_argument("admin_full_name")
        parser.add_argument(
            "--base-url",
            default=None,
            help="address of the app, for the invitation link (default: FILROUGE_BASE_URL)",
        )

    def handle(self, *args, name, siret, admin_email, admin_full_name, base_url, **options):
        base_url = base_url or settings.BASE_URL
        organisation = Organisation(name=name, siret=normalise_siret(siret))
        try:
            organisation.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        email = User.objects.normalize_email(admin_email)
        if User.objects.filter(email=email).exists():
            raise CommandError("An account already uses this email address.")
        with transaction.atomic():
            organisation.save()
            user = domain.invite(
                organisation, admin_full_name, email, Role.ORG_ADMIN, None, base_url=base_url
            )
        self.stdout.write(f"Organisation {organisation.pk} created; invitation sent to account {user.pk}.")
        self.stdout.write(f"Invitation link: {base_url.rstrip('/')}{domain.invitation_path(user)}")
