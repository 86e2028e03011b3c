"""``manage.py send_notification_digests``: email people the notifications they missed.

    manage.py send_notification_digests               send now, in this process
    manage.py send_notification_digests --enqueue     queue the task for the worker

django-tasks has no scheduler: run this from cron (or a systemd timer, a Kubernetes
CronJob) every 15 minutes or so; see the README's "Scaling out".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community.tasks import DIGEST_MIN_AGE_MINUTES, send_notification_digests


class Command(BaseCommand):
    """Send the notification digests now, or queue the task."""

    help = "Email each person their unread notifications not emailed yet (one email each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age",
            type=int,
            default=DIGEST_MIN_AGE_MINUTES,
            help="only notifications older than this many minutes (default: %(default)s)",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead"
        )

    def handle(self, *args, **options) -> None:
        if options["min_age"] < 0:
            raise CommandError("--min-age must be zero or more.")
        if options["enqueue"]:
            result = send_notification_digests.enqueue(min_age_minutes=options["min_age"])
            self.stdout.write(f"queued {result.id}")
            return
        outcome = send_notification_digests.call(min_age_minutes=options["min_age"])
        self.stdout.write(f"sent {outcome['sent']}")
        if outcome["failed"]:
            self.stderr.write(f"failed {outcome['failed']} (retried by the next run)")
