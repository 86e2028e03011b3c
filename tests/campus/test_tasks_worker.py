"""Background tasks go through the database queue and the worker runs them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus

from campus.tasks import send_email


@pytest.fixture
def database_tasks(settings):
    """Use the production database backend instead of the tests' immediate one."""
    # django-tasks resets its backends when the TASKS setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"


@pytest.mark.django_db(transaction=True)
def test_tasks_worker_runs_queued_email(database_tasks):
    """An enqueued email waits in the database until `db_worker --batch` sends it."""
    result = send_email.enqueue(
        subject="Rappel : séance du 3 décembre",
        body="Bonjour, la séance en présentiel a lieu à l'INSPE de Lyon.",
        recipients=["claire.martin@ac-lyon.fr"],
    )
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert [m.subject for m in mail.outbox] == ["Rappel : séance du 3 décembre"]
