"""Reading the CSV file a trainer imports into a cohort: one learner per line.

The first line names the columns, in English or French, in any order: ``email`` (or
``courriel``, ``adresse électronique``…), ``first_name`` (``prénom``), ``last_name`` (``nom``)
and, optionally, ``uai`` (the establishment's UAI code). Spreadsheets export CSV in many ways,
so the reader accepts them all:

* the delimiter is ``;`` (French spreadsheets), ``,`` or a tab, whichever the first line uses
  most;
* the text is UTF-8, with or without the byte order mark Excel writes, or UTF-16 with its
  mark, or else Windows-1252 (what Excel writes as "CSV" on a French Windows);
* blank lines are skipped; cells are trimmed; addresses are compared in lower case.

:func:`parse` checks every line and returns the rows and the errors, each error with the
line it is on, so that the import is refused as a whole with every problem listed. The
checks that need the database (accounts, establishments, enrolments) are the service's.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from campus.models import Establishment
from campus.roles import ROLE_GROUPS, Role
from campus.validators import validate_uai

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NAME_MAX_LENGTH = 150  # User.first_name and last_name.

# Normalised header (lower case, no accents, "_" for anything else) → column.
COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse_email": "email",
    "adresse_e_mail": "email",
    "adresse_mail": "email",
    "adresse_electronique": "email",
    "adresse_de_courriel": "email",
    "first_name": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "prenom": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "family_name": "last_name",
    "surname": "last_name",
    "nom": "last_name",
    "nom_de_famille": "last_name",
    "uai": "uai",
    "code_uai": "uai",
    "rne": "uai",
}
DELIMITERS = (";", ",", "\t")


class CsvFileError(Exception):
    """The file as a whole cannot be read (size, encoding, columns); the message says why."""


@dataclass
class Row:
    """One learner of the file, cleaned; ``line`` is its line number in the file (from 1)."""

    line: int
    email: str
    first_name: str = ""
    last_name: str = ""
    uai: str = ""


@dataclass
class ParsedFile:
    """The valid rows of a file, and the errors of the others as (line, message)."""

    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def line_error(line: int, message: str) -> str:
    """An error as the trainer reads it: « Ligne 4 : adresse électronique invalide »."""
    return _("Line %(line)d: %(message)s") % {"line": line, "message": message}


def decode(data: bytes) -> str:
    """The file's text, whatever of UTF-8 (BOM or not), UTF-16 (BOM) or Windows-1252 it is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                # Windows-1252 leaves 5 bytes undefined: a binary file usually hits one.
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise CsvFileError(
        _("The file could not be read: save it from your spreadsheet as « CSV UTF-8 ».")
    )


def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower())
    text = "".join(c if c.isalnum() else "_" for c in text if not unicodedata.combining(c))
    return "_".join(part for part in text.split("_") if part)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns(header: list[str]) -> dict[str, int]:
    """Column → index, from the first line; raise CsvFileError without an email column."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        column = COLUMNS.get(_normalise(name))
        if column is None:
            continue  # Other columns (a phone number, a comment) are ignored.
        if column in found:
            raise CsvFileError(
                _("The column « %(name)s » appears twice on the first line.") % {"name": name}
            )
        found[column] = index
    if "email" not in found:
        raise CsvFileError(
            _(
                "The first line must name the columns, with at least the email address, "
                "e.g. « email;prénom;nom;uai »."
            )
        )
    return found


def _check_row(row: Row) -> list[str]:
    """The problems of one row that need no database."""
    problems = []
    if not row.email:
        problems.append(_("the email address is missing"))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(_("invalid email address « %(email)s »") % {"email": row.email})
    for value, label in ((row.first_name, _("first name")), (row.last_name, _("last name"))):
        if len(value) > NAME_MAX_LENGTH:
            problems.append(
                _("the %(field)s is longer than %(max)d characters")
                % {"field": label, "max": NAME_MAX_LENGTH}
            )
    if row.uai:
        try:
            validate_uai(row.uai)
        except ValidationError as error:
            problems.append(
                _("UAI code « %(uai)s »: %(error)s") % {"uai": row.uai, "error": error.messages[0]}
            )
    return problems


def parse(file: IO[bytes]) -> ParsedFile:
    """Read and check every line of an uploaded CSV file (see the module's docstring).

    Raises :class:`CsvFileError` when the file as a whole is refused: over
    :data:`MAX_BYTES` or :data:`MAX_ROWS`, unreadable, empty or without an email column.
    Line errors (invalid address or UAI, duplicate address, stray cells) are returned.
    """
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CsvFileError(
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    text = decode(data)
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    if "\x00" in text:  # A spreadsheet's own format (.xlsx, .ods) rather than CSV.
        raise CsvFileError(
            _("This is not a CSV file: export it from your spreadsheet as « CSV UTF-8 ».")
        )
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text.split("\n")[0]),
        strict=True,  # A quote left open is an error, not the rest of the file in one cell.
    )
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    count = 0
    try:
        header = next(reader)
        columns = _columns(header)
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num  # A quoted cell may span several lines.
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise CsvFileError(
                    _("The file has more than %(max)d learners: split it into several files.")
                    % {"max": MAX_ROWS}
                )

            def cell(column: str, cells=cells) -> str:
                index = columns.get(column)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            row = Row(
                line=start,
                email=cell("email").lower(),
                first_name=cell("first_name"),
                last_name=cell("last_name"),
                uai=cell("uai").upper(),
            )
            problems = _check_row(row)
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problems.append(
                    _("this line has %(cells)d cells but the first line names %(columns)d")
                    % {"cells": len(cells), "columns": len(header)}
                )
            if row.email and row.email in seen:
                problems.append(
                    _("the address %(email)s is already on line %(line)d")
                    % {"email": row.email, "line": seen[row.email]}
                )
            seen.setdefault(row.email, start)
            if problems:
                parsed.errors.extend((start, problem) for problem in problems)
            else:
                parsed.rows.append(row)
    except csv.Error as error:
        # A broken quote: usually a file typed by hand, or not exported as CSV.
        raise CsvFileError(
            _(
                "The file is not a valid CSV file (line %(line)d: %(error)s): export it from "
                "your spreadsheet as CSV."
            )
            % {"line": reader.line_num, "error": error}
        ) from None
    return parsed


def establishments_for(rows: list[Row]) -> dict[str, Establishment]:
    """UAI → establishment, for the UAI codes the rows give (one query)."""
    codes = {row.uai for row in rows if row.uai}
    return {e.uai: e for e in Establishment.objects.filter(uai__in=codes)} if codes else {}


def teacher_group() -> Group:
    """The group of the teacher role, which every account an import creates joins."""
    return Group.objects.get(name=ROLE_GROUPS[Role.TEACHER])
