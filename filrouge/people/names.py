"""Names as people write them, and how close two names are.

Pure functions: the person form, `create_person` and the duplicate check share them.
"""

import re

from filrouge.core.text import fold

# Hyphens, spaces and apostrophes (typed or typographic) separate the parts of a name.
SEPARATORS = re.compile(r"([\s\-'’]+)")
# Elided particles ("d'", "l'") stay lower case inside a name, as in "Jean d'Arc".
ELIDED_PARTICLES = frozenset({"d", "l"})


def capitalise_word(word: str) -> str:
    # A part typed in mixed case on purpose ("MaryLou") is kept; all lower or all upper is not.
    if word[:1].isupper() and not word.isupper():
        return word
    return word[:1].upper() + word[1:].lower()


def capitalise_first_name(text: str) -> str:
    """A first name capitalised as French first names are: "jean-pierre" → "Jean-Pierre",
    "marie  claire" → "Marie Claire", "ANAÏS" → "Anaïs"; an elided particle after the first part
    stays lower case ("jean d'arc" → "Jean d'Arc")."""
    parts = SEPARATORS.split(" ".join((text or "").split()))
    result = []
    for index, part in enumerate(parts):
        if not part or SEPARATORS.fullmatch(part):
            result.append(part)
            continue
        elided = index + 1 < len(parts) and parts[index + 1] in ("'", "’")
        if elided and index > 0 and part.lower() in ELIDED_PARTICLES:
            result.append(part.lower())
        else:
            result.append(capitalise_word(part))
    return "".join(result)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when `b` is `a`, or `a` with one letter added, removed or replaced."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            # Replaced (same length) or added in the longer one.
            return a[index + 1 :] == b[index + 1 :] if len(a) == len(b) else a[index:] == b[index + 1 :]
    return True  # `b` is `a` with one letter added at the end


def one_letter_off(first_a: str, lasts_a: set[str], first_b: str, lasts_b: set[str]) -> bool:
    """Two identities whose folded names differ by exactly one letter (first name or a last name)."""
    first_a, first_b = fold(first_a), fold(first_b)
    for last_a in lasts_a:
        for last_b in lasts_b:
            if first_a == first_b and last_a != last_b and edit_distance_at_most_one(last_a, last_b):
                return True
            if last_a == last_b and first_a != first_b and edit_distance_at_most_one(first_a, first_b):
                return True
    return False
