"""The one exception type qmdrender raises for problems in the user's project."""


class RenderError(Exception):
    """A user-facing render failure: a one-line `message` (file/cell and what went wrong),
    then an optional multi-line `detail` (traceback, tool output)."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self):
        return f"{self.message}\n{self.detail}" if self.detail else self.message
