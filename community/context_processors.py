"""Template context shared by every page: the header's unread-notifications badge."""

from __future__ import annotations

from functools import cache

from community.selectors import unread_notification_count


def notifications(request) -> dict:
    """How many unread notifications the user has: one COUNT, only if a page shows it.

    A callable, which templates call when they resolve it, rather than a SimpleLazyObject:
    the count then reaches ``{% blocktranslate count %}`` as a real int. Cached for the
    request, so a template that reads it twice costs one query.
    """
    return {"unread_notification_count": cache(lambda: unread_notification_count(request.user))}
