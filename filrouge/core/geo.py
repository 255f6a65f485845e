"""Places given as coordinates, and the distance between two of them.

A place is known when it has both a latitude and a longitude (typed or pasted from a map): no
address is sent to an outside geocoding service, since these pages must work offline."""

from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_KM = 6371.0


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
        help_text=_("Facultatif : en degrés décimaux, par exemple 44.93333."),
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
        help_text=_("Facultatif : en degrés décimaux, par exemple 4.89236."),
    )


def coordinates_of(obj) -> tuple[float, float] | None:
    """(latitude, longitude) of an object with both fields, or None when the place is unknown."""
    lat, lon = getattr(obj, "latitude", None), getattr(obj, "longitude", None)
    if lat is None or lon is None:
        return None
    return float(lat), float(lon)


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance (haversine), or None when either place is unknown."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h))
