"""The French interface is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _po_entries(path: Path) -> dict[str, str]:
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if re.search(r"^#, .*fuzzy", block, re.M):
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', g)) for g in match.groups())
            if msgid:
                entries[msgid.encode().decode("unicode_escape").encode("latin-1").decode()] = (
                    msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
                )
    return entries


def test_translations_french_is_complete():
    """Every message of the interface has a French translation (no empty or fuzzy one)."""
    entries = _po_entries(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert entries
    assert untranslated == []


def test_translations_compiled_catalogue_is_up_to_date():
    """The committed .mo holds exactly the .po's translations (run `make messages`)."""
    entries = _po_entries(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    with (LOCALE / "fr" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if catalogue.gettext(msgid) != msgstr]
    assert stale == []
