from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page (a bad or out-of-range number gives the nearest page, never an error),
    and the other query parameters to keep in the page links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, (params.urlencode() + "&") if params else ""


def wants_fragment(request) -> bool:
    """An htmx request for part of the page; a history restore wants the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
