"""multipart/mixed bodies of statements with attachments (Communication §1.5.2, RFC 2046).

:func:`parse_multipart` splits a request body into parts; :func:`build_multipart` writes a
response. Parsing is strict where the spec is (CRLF line breaks, a boundary before every part,
a closing delimiter) because the conformance suite checks that malformed bodies get a 400.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass


class MultipartError(ValueError):
    """A body that is not a well-formed multipart/mixed message."""


@dataclass(frozen=True)
class Part:
    """One part: its headers (names lower-cased) and its raw content."""

    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        """The part's media type, lower-cased, without parameters ("" when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _parse_headers(block: bytes) -> dict[str, str]:
    """Parse the header lines of a part."""
    headers: dict[str, str] = {}
    for line in block.split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise MultipartError(f"malformed part header line {line[:80]!r}")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("latin-1")
    return headers


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart body on ``boundary``; raise :class:`MultipartError` when malformed."""
    if not boundary:
        raise MultipartError("the Content-Type has no boundary parameter")
    delimiter = b"--" + boundary.encode("latin-1")
    # RFC 2046 §5.1.1: anything before the first delimiter line is a preamble to ignore.
    if body.startswith(delimiter):
        rest = body[len(delimiter) :]
    else:
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise MultipartError("the body holds no boundary delimiter")
        rest = body[start + 2 + len(delimiter) :]
    separator = b"\r\n" + delimiter
    parts: list[Part] = []
    while True:
        if rest.startswith(b"--"):
            break  # The close delimiter; what follows is an epilogue.
        rest = rest.lstrip(b" \t")
        if not rest.startswith(b"\r\n"):
            raise MultipartError("a boundary delimiter must end its line")
        rest = rest[2:]
        end = rest.find(separator)
        if end < 0:
            raise MultipartError("the body has no closing boundary delimiter")
        raw, rest = rest[:end], rest[end + len(separator) :]
        if raw.startswith(b"\r\n"):
            headers, content = {}, raw[2:]
        else:
            head, blank, content = raw.partition(b"\r\n\r\n")
            if not blank:
                raise MultipartError("a part lacks the blank line ending its headers")
            headers = _parse_headers(head)
        parts.append(Part(headers=headers, content=content))
    if not parts:
        raise MultipartError("the body holds no part")
    return parts


def build_multipart(parts: Iterable[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """Build a multipart/mixed body from (headers, content) pairs; return it and its boundary."""
    boundary = secrets.token_hex(16)
    chunks: list[bytes] = []
    for headers, content in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        for name, value in headers.items():
            chunks.append(f"{name}: {value}\r\n".encode())
        chunks.append(b"\r\n")
        chunks.append(content)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), boundary
