"""Error pages rendered in the layout, in the user's language, without details."""

from django.shortcuts import render


def render_error(request, status: int):
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request, exception=None):
    return render_error(request, 400)


def permission_denied(request, exception=None):
    return render_error(request, 403)


def csrf_failure(request, reason=""):
    """A form sent from a page too old (or from elsewhere): say so plainly, in the layout."""
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return render_error(request, 404)


def server_error(request):
    # Rendered without the request context: the failure may lie in a context processor.
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    return HttpResponseServerError(render_to_string("errors/500.html"))
