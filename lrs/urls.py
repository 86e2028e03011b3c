"""The LRS's resources under /xapi/ (no trailing slash, as xAPI clients send them)."""

from django.urls import re_path

from lrs.views.about import AboutView
from lrs.views.documents import (
    ActivitiesView,
    ActivityProfileView,
    AgentProfileView,
    AgentsView,
    StateView,
)
from lrs.views.statements import StatementsView

app_name = "lrs"

urlpatterns = [
    re_path(r"^about/?$", AboutView.as_view(), name="about"),
    re_path(r"^statements/?$", StatementsView.as_view(), name="statements"),
    re_path(r"^activities/state/?$", StateView.as_view(), name="state"),
    re_path(r"^activities/profile/?$", ActivityProfileView.as_view(), name="activity_profile"),
    re_path(r"^activities/?$", ActivitiesView.as_view(), name="activities"),
    re_path(r"^agents/profile/?$", AgentProfileView.as_view(), name="agent_profile"),
    re_path(r"^agents/?$", AgentsView.as_view(), name="agents"),
]
