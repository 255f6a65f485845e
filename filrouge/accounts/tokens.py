from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time invitation links: the token dies once the password is set (it hashes the password)."""

    key_salt = "filrouge.accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


def invitation_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, invitation_token_generator.make_token(user)])
