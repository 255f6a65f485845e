"""Rows of the permission matrix for the sign-in's second step, re-authentication and the
second factor. The matrix signs in with force_login and no recent re-authentication, so every
page behind `recent_auth_required` answers with the redirection to the re-authentication page
(their content is tested in tests/accounts/test_reauth.py and test_two_factor.py)."""

from tests.matrix import ANONYMOUS, LOGGED_IN, Row, coach_account

ROWS = [
    # An administrator resets a staff member's lost second factor.
    Row("accounts:admin_reset_two_factor", "GET", frozenset({"org_admin"}), kwargs=coach_account),
    Row("accounts:admin_reset_two_factor", "POST", frozenset({"org_admin"}), kwargs=coach_account, ok=302),
    # Password change: re-authentication first (moved here from the core rows).
    Row("accounts:password_change", "GET", LOGGED_IN, ok=302),
    Row("accounts:password_change", "POST", LOGGED_IN, ok=302),
    # The code step is public, but without a password given first it goes back to the login.
    Row("accounts:login_code", "GET", public=True, ok=302),
    Row("accounts:login_code", "POST", public=True, ok=302, data={"code": "123456"}),
    Row("accounts:reauthenticate", "GET", LOGGED_IN),
    Row("accounts:reauthenticate", "POST", LOGGED_IN, data={"password": "mauvais"}),
    Row("accounts:two_factor_setup", "GET", LOGGED_IN, ok=302),
    Row("accounts:two_factor_setup", "POST", LOGGED_IN, ok=302, data={"code": "123456"}),
    Row("accounts:two_factor_recovery_codes", "GET", LOGGED_IN, ok=302),
    Row("accounts:two_factor_recovery_codes", "POST", LOGGED_IN, ok=302),
    Row("accounts:two_factor_disable", "GET", LOGGED_IN, ok=302),
    Row("accounts:two_factor_disable", "POST", LOGGED_IN, ok=302),
    # Sign-in links for a locked account: public, the same answer for any address; a link that
    # is not (or no longer) valid shows its page.
    Row("accounts:sign_in_link_request", "GET", public=True),
    Row("accounts:sign_in_link_request", "POST", public=True, data={"email": "personne@nulle.example"}),
    Row("accounts:sign_in_link", "GET", public=True),
    Row("accounts:sign_in_link", "POST", public=True),
    # Lifting an account's lockout: the administrators of its organisation.
    Row("accounts:admin_unlock", "POST", frozenset({"org_admin"}), kwargs=coach_account, ok=302),
    # An account's professional phone: the administrators of its organisation.
    Row("accounts:admin_phone", "GET", frozenset({"org_admin"}), kwargs=coach_account),
    Row(
        "accounts:admin_phone",
        "POST",
        frozenset({"org_admin"}),
        kwargs=coach_account,
        ok=302,
        data={"phone": "04 72 00 00 00"},
    ),
    # The session's countdown: a 401 for a script once signed out, never the login page.
    Row("accounts:session", "GET", LOGGED_IN, overrides={ANONYMOUS: 401}),
    Row("accounts:session", "POST", LOGGED_IN, overrides={ANONYMOUS: 401}),
]
