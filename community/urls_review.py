"""URLs of the community app's peer review and moderation (joined in community/urls.py).

Resource-level pages sit under ``ressources/<pk>/`` (the resources' own pages being there
too), reviews under ``relectures/``, reports and hiding under ``moderation/``: all first
segments the communities' converter reserves. A community's queues are ``<slug>/…``.
"""

from __future__ import annotations

from django.urls import path

from community import urls_communities  # noqa: F401  (registers the "community" converter)
from community import views_moderation as moderation
from community import views_review as review

RESOURCE = "ressources/<int:pk>/"

urlpatterns = [
    path(RESOURCE + "relecture/", review.ResourceReviewView.as_view(), name="resource_review"),
    path(
        RESOURCE + "relecture/etape/",
        review.ResourceTransitionView.as_view(),
        name="resource_transition",
    ),
    path(
        RESOURCE + "relecture/me-proposer/",
        review.ReviewVolunteerView.as_view(),
        name="review_volunteer",
    ),
    path(
        RESOURCE + "relecture/attribuer/", review.ReviewAssignView.as_view(), name="review_assign"
    ),
    path("relectures/<int:pk>/", review.ReviewWriteView.as_view(), name="review_write"),
    path(
        "relectures/<int:pk>/decliner/", review.ReviewDeclineView.as_view(), name="review_decline"
    ),
    path("relectures/<int:pk>/repondre/", review.ReviewAnswerView.as_view(), name="review_answer"),
    path("<community:slug>/a-relire/", review.ReviewQueueView.as_view(), name="review_queue"),
    # Moderation.
    path(RESOURCE + "signaler/", moderation.ResourceReportView.as_view(), name="resource_report"),
    path(RESOURCE + "masquer/", moderation.ResourceHideView.as_view(), name="resource_hide"),
    path(
        RESOURCE + "retablir/",
        moderation.ResourceHideView.as_view(restore=True),
        name="resource_restore",
    ),
    path(
        "moderation/messages/<int:pk>/signaler/",
        moderation.MessageReportView.as_view(),
        name="message_report",
    ),
    path(
        "moderation/messages/<int:pk>/masquer/",
        moderation.MessageHideView.as_view(),
        name="moderation_message_hide",
    ),
    path(
        "moderation/messages/<int:pk>/retablir/",
        moderation.MessageHideView.as_view(restore=True),
        name="moderation_message_restore",
    ),
    path(
        "moderation/signalements/<int:pk>/resolu/",
        moderation.ReportHandleView.as_view(),
        name="report_resolve",
    ),
    path(
        "moderation/signalements/<int:pk>/classe/",
        moderation.ReportHandleView.as_view(resolve=False),
        name="report_dismiss",
    ),
    path(
        "<community:slug>/signalements/", moderation.ReportQueueView.as_view(), name="report_queue"
    ),
    path("<community:slug>/journal/", moderation.AuditLogView.as_view(), name="audit_log"),
]
