class ObjectIdConverter:
    """A database id in a URL: digits that fit a 64-bit integer, so a huge number is a 404, not a 500."""

    regex = "[0-9]{1,19}"
    MAX = 2**63 - 1

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= self.MAX:
            raise ValueError("out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))
