"""Editors upload the files the video block asks for: MP4 or WebM videos, WebVTT captions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document


@pytest.mark.parametrize("name", ["seance.mp4", "seance.webm", "sous-titres.vtt"])
def test_documents_video_and_captions_accepted(db, name):
    """The document form takes videos and captions."""
    form_class = get_document_form(Document)
    upload = SimpleUploadedFile(name, b"\x00" * 64)
    form = form_class({"title": name}, {"file": upload})

    form.is_valid()

    assert "file" not in form.errors


def test_documents_executables_still_refused(db):
    """The allow-list still refuses what a step has no use for."""
    form_class = get_document_form(Document)
    form = form_class({"title": "x"}, {"file": SimpleUploadedFile("outil.exe", b"MZ")})

    form.is_valid()

    assert "file" in form.errors
