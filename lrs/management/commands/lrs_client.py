"""``manage.py lrs_client``: create, list, deactivate LRS clients and rotate their secrets.

    manage.py lrs_client create NAME [--scope SCOPE ...] [--home-page URL]
        prints "KEY SECRET" on one line and nothing else, for scripts:
        read -r KEY SECRET < <(manage.py lrs_client create "Moodle" --scope statements/write)
    manage.py lrs_client list
    manage.py lrs_client deactivate KEY
    manage.py lrs_client rotate KEY            prints the new SECRET (shown once)

The secret is shown once and stored hashed; it cannot be recovered, only rotated.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lrs.models import DEFAULT_SCOPES, Client, Scope
from lrs.services_clients import (
    UnknownScopeError,
    client_create,
    client_deactivate,
    client_rotate_secret,
)


class Command(BaseCommand):
    """Manage the credentials of systems that use the LRS over HTTP."""

    help = "Create, list, deactivate LRS clients, or rotate a client's secret."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the sub-commands create, list, deactivate and rotate."""
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help='create a client, print "KEY SECRET"')
        create.add_argument("name", metavar="NAME", help="who uses it, e.g. 'Moodle Lyon'")
        create.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            metavar="SCOPE",
            help=(
                f"repeatable; one of: {', '.join(Scope.values)} "
                f"(default: {' '.join(DEFAULT_SCOPES)})"
            ),
        )
        create.add_argument(
            "--home-page",
            default=None,
            help="homePage of the client's authority account (default: SITE_URL)",
        )
        actions.add_parser("list", help="list clients (key, active, scopes, name)")
        deactivate = actions.add_parser("deactivate", help="refuse a client's credentials")
        deactivate.add_argument("key", metavar="KEY")
        rotate = actions.add_parser("rotate", help="give a client a new secret and print it")
        rotate.add_argument("key", metavar="KEY")

    def handle(self, *args, **options) -> None:
        """Run the chosen sub-command."""
        action = options["action"]
        if action == "create":
            self._create(options["name"], options["scopes"], options["home_page"])
        elif action == "list":
            self._list()
        elif action == "deactivate":
            client_deactivate(client=self._client(options["key"]))
            if options["verbosity"] > 0:
                self.stdout.write(f"deactivated {options['key']}")
        elif action == "rotate":
            self.stdout.write(client_rotate_secret(client=self._client(options["key"])))

    def _create(self, name: str, scopes: list[str] | None, home_page: str | None) -> None:
        """Create a client and print its key and secret, separated by one space."""
        try:
            client, secret = client_create(name=name, scopes=scopes, home_page=home_page)
        except (UnknownScopeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{client.key} {secret}")

    def _list(self) -> None:
        """One line per client: key, active or inactive, comma-separated scopes, name."""
        for client in Client.objects.order_by("name", "pk"):
            state = "active" if client.is_active else "inactive"
            self.stdout.write(f"{client.key}\t{state}\t{','.join(client.scopes)}\t{client.name}")

    def _client(self, key: str) -> Client:
        """The client with this key, or a CommandError."""
        client = Client.objects.filter(key=key).first()
        if client is None:
            raise CommandError(f"no LRS client has the key {key!r}")
        return client
