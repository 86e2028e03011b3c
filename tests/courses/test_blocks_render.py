"""Every step block renders with the DSFR, accessibly, on a step page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.embeds.models import Embed
from wagtail.images.models import Image

from courses.blocks import StepBodyBlock
from tests.courses import factories as f

VIDEO_URL = "https://tube.example.org/w/geogebra"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image as PILImage

    buffer = BytesIO()
    PILImage.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def cached_embed(db):
    """The oEmbed answer for VIDEO_URL, cached so rendering needs no network."""
    return Embed.objects.create(
        url=VIDEO_URL,
        max_width=None,
        hash=Embed.get_hash(VIDEO_URL) if hasattr(Embed, "get_hash") else "",
        type="video",
        html='<iframe src="https://tube.example.org/embed/geogebra" title="GeoGebra"></iframe>',
        title="GeoGebra",
    )


def _render(client, module, body):
    step = f.step_page(module=module, body=body)
    response = client.get(step.url)
    assert response.status_code == 200
    return response.content.decode()


def test_blocks_paragraph_and_image_render(client, module):
    """Rich text renders as is; an image renders with its alternative text and caption."""
    image = Image.objects.create(
        title="Figure", file=SimpleUploadedFile("figure.png", _png()), width=8, height=8
    )
    html = _render(
        client,
        module,
        [
            ("paragraph", "<p>Bonjour <b>collègues</b></p>"),
            (
                "image",
                {"image": image, "alt": "Un triangle et ses médiatrices", "caption": "Fig. 1"},
            ),
        ],
    )
    assert "<b>collègues</b>" in html
    assert 'alt="Un triangle et ses médiatrices"' in html
    assert "fr-content-media__caption" in html


def test_blocks_video_file_renders_with_captions_and_transcript(client, module):
    """An uploaded video gets a player, a French captions track and a transcript accordion."""
    video = Document.objects.create(title="Vidéo", file=ContentFile(b"00", name="seance.mp4"))
    captions = Document.objects.create(title="VTT", file=ContentFile(b"WEBVTT", name="fr.vtt"))
    html = _render(
        client,
        module,
        [
            (
                "video",
                {
                    "title": "Une séance filmée",
                    "file": video,
                    "url": None,
                    "captions": captions,
                    "caption": "",
                    "transcript": "<p>Bonjour à tous.</p>",
                },
            )
        ],
    )
    assert "<video" in html and 'kind="captions"' in html and 'srclang="fr"' in html
    assert "fr-accordion" in html and "Transcription de « Une séance filmée »" in html
    assert "<p>Bonjour à tous.</p>" in html


def test_blocks_video_embed_renders_cached_player(client, module, cached_embed):
    """An embedded video renders the provider's player from the embed cache."""
    html = _render(
        client,
        module,
        [
            (
                "video",
                {
                    "title": "GeoGebra",
                    "file": None,
                    "url": VIDEO_URL,
                    "captions": None,
                    "caption": "",
                    "transcript": "<p>Texte.</p>",
                },
            )
        ],
    )
    assert "tube.example.org/embed/geogebra" in html or VIDEO_URL in html


def test_blocks_document_renders_download_link(client, module):
    """A document renders as a DSFR download link with its format."""
    document = Document.objects.create(title="Fiche", file=ContentFile(b"%PDF", name="fiche.pdf"))
    html = _render(client, module, [("document", document)])
    assert "fr-link--download" in html and "Télécharger « Fiche »" in html and "PDF" in html


def test_blocks_embed_renders_titled_figure(client, module, cached_embed):
    """External content is wrapped in a figure named by its title."""
    html = _render(
        client, module, [("embed", {"url": VIDEO_URL, "title": "Carte mentale", "caption": ""})]
    )
    assert 'aria-label="Carte mentale"' in html


def test_blocks_quiz_renders_fieldsets_with_legends(client, learner, module, quiz_step):
    """A quiz renders a fieldset and legend per choice question and a labelled text input."""
    f.enrolment(user=learner, module=module)
    client.force_login(learner)
    html = client.get(quiz_step.url).content.decode()
    assert html.count('<fieldset class="fr-fieldset"') == 2
    assert html.count("fr-fieldset__legend") == 2
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert 'class="fr-input" type="text"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Valider mes réponses" in html


def test_blocks_quiz_asks_visitors_to_enrol(client, quiz_step):
    """A visitor who is not enrolled sees the questions, disabled, and is told to enrol."""
    html = client.get(quiz_step.url).content.decode()
    assert "Inscrivez-vous au module pour répondre à ce quiz." in html
    assert " disabled" in html


def test_blocks_assignment_session_and_community_room_render(client, module):
    """Assignment, in-person session and community room blocks render their details."""
    start = timezone.now() + dt.timedelta(days=10)
    html = _render(
        client,
        module,
        [
            (
                "assignment",
                {
                    "title": "Votre fiche",
                    "instructions": "<p>Rédigez une fiche.</p>",
                    "expects_text": True,
                    "expects_file": True,
                },
            ),
            f.session(start=start, virtual_class_url="https://classe.example.org/salle"),
            (
                "community_room",
                {
                    "label": "Salon GeoGebra",
                    "url": "https://campus.example/salon",
                    "description": "",
                },
            ),
        ],
    )
    assert "À rendre : une réponse rédigée et un fichier" in html
    assert "INSPE de Lyon" in html and "180 minutes" in html
    assert f'datetime="{timezone.localtime(start).isoformat()[:16]}' in html
    assert "Rejoindre la classe virtuelle" in html
    assert "Salon GeoGebra" in html


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("video", {"title": "V", "file": None, "url": None, "transcript": "<p>t</p>"}, "file"),
        ("assignment", {"title": "A", "instructions": "<p>i</p>"}, "expects_text"),
        ("session", {"title": "S", "start": timezone.now(), "duration_minutes": 60}, "place"),
    ],
)
def test_blocks_clean_refuses_incomplete_values(name, value, field):
    """A video without source, an assignment expecting nothing, a session nowhere are refused."""
    from django.core.exceptions import ValidationError

    block = StepBodyBlock().child_blocks[name]
    full = block.to_python({**dict.fromkeys(block.child_blocks), **value})
    if name == "assignment":
        full["expects_text"] = False
    with pytest.raises(ValidationError) as error:
        block.clean(full)
    assert field in error.value.block_errors
