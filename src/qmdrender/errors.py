"""The one exception type qmdrender raises for problems in the user's project."""


class RenderError(Exception):
    """A user-facing render failure; the CLI prints its message without a Python traceback."""
