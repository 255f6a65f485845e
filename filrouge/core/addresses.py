from django.conf import settings


def client_address(request) -> str:
    """The client's IP address, as the brute-force protection and the audit trail both see it.

    Behind the reverse proxy (BEHIND_PROXY), the last entry of X-Forwarded-For is the one the
    proxy itself added; earlier ones are the client's say-so."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
