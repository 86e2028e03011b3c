"""Template helpers of the resources' pages: rich text, authors, licences, attribution."""

from __future__ import annotations

import posixpath

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

from campus.sanitize import sanitize_html
from community.content import has_blocks
from community.models import Licence
from community.services_resources import author_name

register = template.Library()

LICENCE_URLS = {
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
}


@register.filter
def rich(value: str | None) -> SafeString:
    """A rich content value as HTML: sanitised again, plain paragraphs made paragraphs.

    The value was sanitised when saved; it is cleaned once more here because this filter is
    what marks it safe (a row written any other way cannot slip markup through). Text typed
    without HTML tags gets its paragraphs and line breaks, as the author saw them.
    """
    if not value:
        return mark_safe("")
    clean = sanitize_html(value)
    if not has_blocks(clean):
        # Already escaped by the sanitiser: only <p> and <br> are added.
        clean = linebreaks(clean, autoescape=False)
    return mark_safe(clean)  # noqa: S308 — sanitised by campus.sanitize just above.


@register.filter
def licence_url(code: str) -> str:
    """The deed of a Creative Commons licence ("" for all rights reserved)."""
    return LICENCE_URLS.get(code, "")


@register.filter
def licence_label(code: str) -> str:
    """The name of a licence from its code."""
    try:
        return str(Licence(code).label)
    except ValueError:
        return code


register.filter("person", author_name)  # How a person is named on resources.


@register.filter
def file_extension(name: str) -> str:
    """A file's extension, without its dot ("" when it has none)."""
    return posixpath.splitext(name or "")[1].lstrip(".")


@register.filter
def attribution_chain(attribution: dict | None) -> list[dict]:
    """A remix's attribution and those of its sources' sources, nearest first."""
    chain = []
    while attribution and len(chain) < 20:
        chain.append(attribution)
        attribution = attribution.get("upstream")
    return chain
