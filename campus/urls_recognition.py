"""Routes of the career-recognition record, its attestations and credentials.

Mounted at the root by campus/urls.py: the teacher's record under ``dossier/``, what anyone
may check (``verifier/``, the credentials' keys and status lists) under their own prefixes.
"""

from __future__ import annotations

app_name = "recognition"

urlpatterns: list = []
