"""Verify an Open Badges 3.0 credential offline, with the issuer's published public keys.

    manage.py verify_credential badge.json --keys campus-credential-keys.json \
        [--status-list status-1.json]

The keys file is what ``/.well-known/campus-credential-keys.json`` serves (or one key's
Multikey document); the status list, what the credential's ``statusListCredential`` URL
serves. Nothing is fetched and the database is not read. Exit status 0 when valid, 1 with a
one-line reason otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campus import credentials as vc


def _read_json(path: str, what: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read the {what} {path!r}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"the {what} {path!r} is not JSON: {error}") from None


class Command(BaseCommand):
    help = "Verify a credential (signature, shape, dates, revocation) offline. Exit 0 if valid."
    # Offline: no system check (some read the database), no migration check.
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="the credential (.json)")
        parser.add_argument("--keys", required=True, help="the issuer's public keys (.json)")
        parser.add_argument(
            "--status-list",
            help="the status list credential the credential names (.json), to check revocation",
        )

    def handle(self, *args, **options):
        try:
            keys = vc.public_keys_from_document(_read_json(options["keys"], "keys file"))
        except ValueError as error:
            raise CommandError(f"the keys file holds no usable key: {error}") from None
        status_list = None
        if options["status_list"]:
            status_list = _read_json(options["status_list"], "status list")
            if not isinstance(status_list, dict):
                raise CommandError("the status list is not a JSON object")
        try:
            document = _read_json(options["file"], "credential")
        except CommandError as error:
            self._invalid(f"{vc.MALFORMED}: {error}")
        result = vc.verify_credential(document, keys, status_list=status_list)
        if not result.valid:
            self._invalid(result.reasons[0])
        note = "" if result.status_checked else " (revocation not checked: no --status-list)"
        self.stdout.write(f"valid: {document.get('name', '')}{note}")

    def _invalid(self, reason: str) -> None:
        self.stderr.write(f"invalid: {reason}")
        sys.exit(1)
