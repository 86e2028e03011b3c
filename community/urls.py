"""The community app's URLs, mounted under /communautes/ (namespace ``community``).

Each part of the app keeps its own URL module, joined here.
"""

from __future__ import annotations

from community import urls_communities, urls_resources, urls_review, urls_rooms

app_name = "community"

urlpatterns = (
    urls_communities.urlpatterns
    + urls_rooms.urlpatterns
    + urls_resources.urlpatterns
    + urls_review.urlpatterns
)
