"""The key of the drafts a browser keeps of an account's unsent forms.

The drafts never reach the server: `static/filrouge/js/drafts.js` encrypts them in the browser
(AES-GCM) with this key, which only that account's signed-in pages carry. Whoever uses the
computer next, signed out or signed in as someone else, finds only ciphertext.

The key is derived from the server's SECRET_KEY and the account, so it is stored nowhere: not
in the database, not in the browser outside the account's pages. A new SECRET_KEY makes the
drafts kept until then unreadable (the browser drops them after a week).
"""

import base64
import hashlib

from django.utils.crypto import salted_hmac

PURPOSE = "filrouge.core.drafts.key"


def draft_key(user) -> str:
    """The account's 256-bit AES key, base64url without padding."""
    digest = salted_hmac(PURPOSE, f"{user.pk}:{user.date_joined.isoformat()}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def key_id(key: str) -> str:
    """A short name for the key, under which the browser files its drafts (it reveals nothing of
    the key): drafts under another name belong to another account."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]
