"""Background tasks of the LRS (django-tasks; the worker runs ``manage.py db_worker``)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from lrs.forwarding import (
    SCHEDULED_KEY,
    forwarding_schedule,
    forwarding_send_due,
    next_retry_at,
)

FORWARD_LIMIT = 500


@task()
def forward_statements(limit: int = FORWARD_LIMIT) -> dict[str, int]:
    """Send the due rows of the forwarding outbox, then schedule what remains.

    Queued after commit by :func:`lrs.forwarding.forwarding_enqueue`. When the run hit its
    limit it queues itself again to drain the rest; when rows wait for a retry it queues a run
    at the earliest retry instant (on backends that can defer). ``manage.py lrs_forward
    --loop`` does the same job without a task queue.
    """
    # Cleared first: a batch committed while this run sends must queue a new run.
    cache.delete(SCHEDULED_KEY)
    sent, failed = forwarding_send_due(limit=limit)
    if sent + failed >= limit:
        forwarding_schedule()
    else:
        retry_at = next_retry_at()
        if retry_at is not None and retry_at > timezone.now():
            forwarding_schedule(run_after=retry_at)
    return {"sent": sent, "failed": failed}
