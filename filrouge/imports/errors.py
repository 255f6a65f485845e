"""The one exception of the import's reading layer: a file refused, with the message to show."""


class FileRefused(Exception):
    """A file (or a row of it) the import will not read.

    `message` is French, ready for the user (it names the row as their spreadsheet shows it
    when there is one); `code` is stable, for tests and for the caller's choices.
    """

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code
