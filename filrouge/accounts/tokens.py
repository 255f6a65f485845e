from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time invitation links: the token dies once the password is set (it hashes the password)."""

    key_salt = "filrouge.accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
