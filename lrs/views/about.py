"""GET /xapi/about (Communication §2.8): the versions this LRS speaks."""

from __future__ import annotations

from django.http import JsonResponse

from lrs.http import XAPIRequest, XAPIView

SUPPORTED_VERSIONS = ["1.0.3", "1.0.2", "1.0.1", "1.0.0"]


class AboutView(XAPIView):
    """Open to anyone, without credentials or version header, as the spec requires."""

    http_method_names = ["get", "head", "options"]
    requires_auth = False
    requires_version = False

    def get(self, xreq: XAPIRequest) -> JsonResponse:
        """Return the supported versions and no extensions."""
        return JsonResponse({"version": SUPPORTED_VERSIONS, "extensions": {}})
