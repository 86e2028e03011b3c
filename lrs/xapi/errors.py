"""Error type raised by every xAPI validator of this package."""

from __future__ import annotations


class XAPIValidationError(Exception):
    """A value violates the xAPI 1.0.3 specification.

    ``path`` locates the offending value (e.g. ``"statement[3].actor.mbox"``) and ``message``
    explains, in plain English, which rule was broken.  ``str(error)`` is ``"path: message"``.
    """

    def __init__(self, path: str, message: str) -> None:
        """Build the error from the offending value's path and a human-readable reason."""
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        """Return ``"<path>: <message>"``."""
        return f"{self.path}: {self.message}"
