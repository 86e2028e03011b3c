"""The hook other apps subscribe to, sent by :func:`lrs.services.statement_store`.

It carries ``statement_ids`` (list of str, in batch order) and ``statements`` (the
stored payloads: id, stored, timestamp, authority and version filled in). Statements already
stored with the same content (an idempotent re-send) are not repeated.

``statements_stored`` is sent once the transaction has committed (``on_commit``): the place
for side effects (progress, notifications) that must never see a rolled-back batch. Writes
that must be atomic with the statements (the forwarding outbox) are called by the service
itself, inside its transaction, not through a signal.
"""

from __future__ import annotations

import django.dispatch

statements_stored = django.dispatch.Signal()
