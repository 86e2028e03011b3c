"""User HTML keeps its formatting and loses everything that could run."""

from __future__ import annotations

import pytest

from campus.sanitize import sanitize_html

XSS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">lien</a>',
    '<a href="JaVaScRiPt:alert(1)">lien</a>',
    '<svg onload="alert(1)"><circle /></svg>',
    '<p style="background:url(javascript:alert(1))">texte</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example.com"></iframe>',
    '<p onclick="alert(1)">clic</p>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("payload", XSS)
def test_sanitize_removes_executable_content(payload):
    """Scripts, handlers, javascript:/data: URLs, SVG, styles and frames are stripped."""
    cleaned = sanitize_html(payload).lower()
    for needle in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<svg",
        "style",
        "<iframe",
        "data:",
        "<math",
    ):
        assert needle not in cleaned, (payload, cleaned)


def test_sanitize_keeps_teacher_formatting():
    """Paragraphs, emphasis, lists, code and links survive; links get rel nofollow noopener."""
    html = (
        "<p>Voir <strong>la séance</strong> <em>2</em> :</p><ul><li>un</li></ul>"
        '<pre><code>print("ok")</code></pre><a href="https://eduscol.education.fr">Éduscol</a>'
    )
    cleaned = sanitize_html(html)
    assert "<strong>la séance</strong>" in cleaned
    assert "<ul><li>un</li></ul>" in cleaned
    assert "<code>" in cleaned
    assert 'href="https://eduscol.education.fr"' in cleaned
    assert 'rel="nofollow noopener"' in cleaned
