"""Attachment metadata inside Statements (xAPI 1.0.3 §2.4.11)."""

from __future__ import annotations

from lrs.xapi.common import (
    JSONObject,
    check_integer,
    check_iri,
    check_irl,
    check_language_map,
    check_list,
    check_mime_type,
    check_object,
    check_sha2,
    fail,
)

ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)
REQUIRED_KEYS: tuple[str, ...] = ("usageType", "display", "contentType", "length", "sha2")
SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"


def validate_attachments(data: object, *, path: str = "statement.attachments") -> list[JSONObject]:
    """Validate the ``attachments`` array of a Statement."""
    # xAPI 1.0.3 §2.4 Statement Properties: attachments is an ordered array of Attachments.
    items = check_list(data, path)
    for index, item in enumerate(items):
        validate_attachment(item, path=f"{path}[{index}]")
    return items


def validate_attachment(data: object, *, path: str = "attachment") -> JSONObject:
    """Validate one Attachment object."""
    # xAPI 1.0.3 §2.4.11 Attachments, table of properties.
    attachment = check_object(data, path, ATTACHMENT_KEYS)
    for key in REQUIRED_KEYS:
        if key not in attachment:
            fail(f"{path}.{key}", "is required")
    usage_type = check_iri(attachment["usageType"], f"{path}.usageType")
    check_language_map(attachment["display"], f"{path}.display")
    if "description" in attachment:
        check_language_map(attachment["description"], f"{path}.description")
    content_type = check_mime_type(attachment["contentType"], f"{path}.contentType")
    if check_integer(attachment["length"], f"{path}.length") < 0:
        fail(f"{path}.length", "must not be negative")
    check_sha2(attachment["sha2"], f"{path}.sha2")
    if "fileUrl" in attachment:
        check_irl(attachment["fileUrl"], f"{path}.fileUrl")
    if usage_type == SIGNATURE_USAGE_TYPE and content_type != SIGNATURE_CONTENT_TYPE:
        # xAPI 1.0.3 §2.6 Signed Statements: the signature attachment MUST use the contentType
        # application/octet-stream.
        fail(f"{path}.contentType", f"a signature attachment must be '{SIGNATURE_CONTENT_TYPE}'")
    return attachment
