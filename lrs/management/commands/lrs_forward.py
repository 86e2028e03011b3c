"""``manage.py lrs_forward``: send the forwarding outbox to the external LRS(s).

    manage.py lrs_forward                  one run (up to --limit rows), then exit
    manage.py lrs_forward --loop           keep sending, sleeping --interval s when idle

The loop is an alternative to the task queue for the worker container: it also picks up rows
whose retry time has come. It stops cleanly on SIGTERM or SIGINT (after the current batch).
Exit code 0; a run that failed to send rows says so on stderr.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from lrs.forwarding import forward_targets, forwarding_send_due


class Command(BaseCommand):
    """Send due outbox rows once, or in a loop."""

    help = "Send statements waiting in the LRS forwarding outbox (once, or --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare --loop, --interval, --limit and --max-runs."""
        parser.add_argument("--loop", action="store_true", help="keep running until stopped")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds to sleep when idle (loop)"
        )
        parser.add_argument("--limit", type=int, default=500, help="rows per run at most")
        parser.add_argument(
            "--max-runs", type=int, default=None, help="stop after this many runs (loop)"
        )

    def handle(self, *args, **options) -> None:
        """Run once, or until a signal (or --max-runs) stops the loop."""
        if not forward_targets():
            self.stderr.write("LRS forwarding is off (LRS_FORWARD_URL is not set).")
            return
        stop = threading.Event()
        if options["loop"] and threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        runs = 0
        while not stop.is_set():
            # A long-lived loop must not keep a connection the server has closed.
            close_old_connections()
            sent, failed = forwarding_send_due(limit=options["limit"])
            runs += 1
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"sent {sent}")
            if failed:
                self.stderr.write(f"failed {failed} (will retry with back-off)")
            if not options["loop"] or (options["max_runs"] and runs >= options["max_runs"]):
                break
            if sent + failed < options["limit"]:
                stop.wait(options["interval"])
