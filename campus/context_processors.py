"""Template context shared by every page."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from campus.roles import spaces_for


def navigation(request) -> dict:
    """The spaces the user's roles open, for the header (computed only if a page uses it)."""
    return {"nav_spaces": SimpleLazyObject(lambda: spaces_for(request.user))}
