"""Failures a user can fix, and the warning for a cache entry that was rebuilt.

A `UserError`'s message is one line: what happened (naming the file) and a command that fixes
it, as written. The training CLI and a Jupyter kernel (so the rendered report's error) show
that line alone, without a traceback.
"""

from __future__ import annotations


class UserError(RuntimeError):
    """A failure the user can fix; str() is one sentence naming the file and the fixing command."""

    def __init__(self, message: str):
        # Only the first line reaches a terminal that shows one line, so it must carry the fix.
        if "\n" in message:
            raise ValueError(f"a UserError message must be one line, got {message!r}")
        super().__init__(message)

    def _render_traceback_(self) -> list[str]:
        # IPython (the report's kernel) shows this instead of a traceback: the fix, nothing else.
        return [f"{type(self).__name__}: {self}"]


class CacheWarning(UserWarning):
    """An unreadable or wrong-shaped cache entry was treated as a miss and rebuilt."""
