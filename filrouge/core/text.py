import unicodedata


def fold(text: str) -> str:
    """Lower case without accents and with single spaces: "  Hélène  DUPRÉ" -> "helene dupre".

    Stored beside names, so that a search ignores accents and case on SQLite and PostgreSQL alike.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
