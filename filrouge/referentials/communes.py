"""Places without coordinates: a home, a company or an opening placed at its commune.

The communes file (`data/communes.csv`, see NOTICE) gives each commune and postal code a reference
point; no address leaves the application. A point per commune makes distances approximate
("de commune à commune"): the pages say so.
"""

import re
from decimal import Decimal

from filrouge.core.text import fold

ARTICLES = {"le", "la", "les", "l"}
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# "Valence Cedex 9", "Lyon CEDEX": a delivery mention, not part of the commune's name.
CEDEX = re.compile(r"\bcedex\b.*$")
PLACE_FIELDS = ("postal_code", "city")
POINT_FIELDS = ("latitude", "longitude")
POSTAL_CODE = re.compile(r"\d{5}")
PICKER_LIMIT = 20


def commune_key(name: str) -> str:
    """A commune's name as compared: "L'Isle-sur-la-Sorgue", "isle sur la sorgue" and
    "St-Étienne"/"Saint Etienne" meet; without accents, case, hyphens, apostrophes or leading article."""
    words = CEDEX.sub("", fold(name)).replace("’", " ").replace("'", " ").replace("-", " ").split()
    words = [ABBREVIATIONS.get(word, word) for word in words]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _single_point(rows) -> tuple[float, float] | None:
    points = {(row.latitude, row.longitude) for row in rows}
    if len(points) != 1:
        return None
    lat, lng = points.pop()
    return float(lat), float(lng)


def place_of(postal_code: str, city: str, communes=None) -> tuple[float, float] | None:
    """The reference point of the commune named by a postal code and a commune name, or None when
    they name no commune or several (a name alone shared by communes far apart). `communes`: the
    model's manager, a migration's historical one."""
    if communes is None:
        from filrouge.referentials.models import Commune

        communes = Commune.objects
    postal_code, key = (postal_code or "").strip(), commune_key(city or "")
    at_code = list(communes.filter(postal_code=postal_code)) if POSTAL_CODE.fullmatch(postal_code) else []
    if at_code:
        if key:
            named = [row for row in at_code if row.search_name == key]
            # "Paris" at 75015: the commune is "Paris 15e Arrondissement".
            named = named or [row for row in at_code if row.search_name.startswith(key + " ")]
            if named:
                return _single_point(named)
        # A misspelt name, or none: the postal code alone, when it serves one place only.
        return _single_point(at_code)
    if key:
        return _single_point(communes.filter(search_name=key))
    return None


def place_at_commune(obj, update_fields=None):
    """Before `obj` (a person's home, a company, an opening) is saved: placed at its commune when it
    has no point yet, and again when its commune changes without a point typed with it. Returns
    the `update_fields` to save (the point added to them when it moved)."""
    if update_fields is not None and not set(PLACE_FIELDS) & set(update_fields):
        return update_fields
    place = tuple(getattr(obj, name) for name in PLACE_FIELDS)
    point = tuple(getattr(obj, name) for name in POINT_FIELDS)
    unplaced = None in point
    if not unplaced and obj.pk is not None:
        saved = type(obj)._base_manager.filter(pk=obj.pk).values_list(*PLACE_FIELDS, *POINT_FIELDS).first()
        moved = saved is not None and tuple(saved[:2]) != place
        point_kept = saved is not None and tuple(saved[2:]) == point
        unplaced = moved and point_kept
    if not unplaced:
        return update_fields
    found = place_of(*place)
    obj.latitude, obj.longitude = (
        (None, None) if found is None else (round_point(found[0]), round_point(found[1]))
    )
    if update_fields is not None:
        update_fields = [*update_fields, *(name for name in POINT_FIELDS if name not in update_fields)]
    return update_fields


def round_point(value: float) -> Decimal:
    return Decimal(f"{value:.5f}")


def search_communes(text: str):
    """The communes a picker offers for what was typed: a postal code (or its start), or a name
    (or the start of one), best first."""
    from filrouge.referentials.models import Commune

    typed = (text or "").strip()
    if re.fullmatch(r"\d{2,5}", typed):
        return Commune.objects.filter(postal_code__startswith=typed).order_by("postal_code", "name")[
            :PICKER_LIMIT
        ]
    key = commune_key(typed)
    if len(key) < 2:
        return Commune.objects.none()
    exact = list(Commune.objects.filter(search_name=key).order_by("postal_code")[:PICKER_LIMIT])
    starting = Commune.objects.filter(search_name__startswith=key).exclude(search_name=key)
    return exact + list(starting.order_by("search_name", "postal_code")[: PICKER_LIMIT - len(exact)])
