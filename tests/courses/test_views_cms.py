"""The CMS: its flat listing of training modules, and the moderation of what editors write."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from campus.roles import MODERATION_TASK, MODERATION_WORKFLOW
from courses.models import ModulePage
from tests.campus.factories import UserFactory


def test_views_cms_module_listing_filters_by_collection(client, module):
    """An administrator lists the modules in the CMS, filtered by collection."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("training_modules:index")
    response = client.get(url, {"collection": "autoformation"})
    assert response.status_code == 200
    assert module.title in response.content.decode()
    response = client.get(url, {"collection": "certifiante"})
    assert module.title not in response.content.decode()


def test_views_cms_module_listing_refuses_learners(client, learner):
    """A teacher without CMS access is sent away from the listing."""
    client.force_login(learner)
    response = client.get(reverse("training_modules:index"))
    assert response.status_code in (302, 403)


# --- Moderation: editors write, moderators publish -----------------------------------------


def _module_form(client, url: str, **fields) -> dict:
    """The page form as the CMS renders it at ``url``, with the given fields filled in."""
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    return {**data.dict(), **fields}


def _draft(client, catalogue) -> ModulePage:
    """A module draft created by the logged-in user through the CMS's add form."""
    url = reverse("wagtailadmin_pages:add", args=("courses", "modulepage", catalogue.pk))
    data = _module_form(
        client,
        url,
        title="Différencier avec le numérique",
        slug="differencier-avec-le-numerique",
        summary="Adapter ses supports aux besoins de chaque élève.",
        objectives=rich_text("<p>Concevoir une séance différenciée.</p>"),
        distance_hours="4",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return ModulePage.objects.get(slug="differencier-avec-le-numerique")


def _edit(client, page, action: str):
    """Post the page's edit form unchanged, pressing the button named ``action``."""
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    return client.post(url, {**_module_form(client, url), action: "1"})


def _review(client, page, action: str, comment: str = ""):
    """Take a moderation action (approve, reject) on the page's current task."""
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client.post(url, {"comment": comment})


@pytest.fixture
def submitted(client, editor, catalogue):
    """A module Luc drafted and submitted for moderation; the outbox emptied."""
    client.force_login(editor)
    page = _draft(client, catalogue)
    assert _edit(client, page, "action-submit").status_code == 302
    mail.outbox.clear()
    return ModulePage.objects.get(pk=page.pk)


def test_views_cms_editor_drafts_and_previews_but_cannot_publish(client, editor, catalogue):
    """An editor saves a draft and previews it; the publish button is not theirs to press."""
    client.force_login(editor)
    page = _draft(client, catalogue)
    assert not page.live and page.get_latest_revision() is not None

    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    html = client.get(edit_url).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    assert client.post(preview_url, _module_form(client, edit_url)).json()["is_valid"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "Différencier avec le numérique" in preview.content.decode()

    # A forged publish is saved as a draft, not published.
    assert _edit(client, page, "action-publish").status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state is None


def test_views_cms_moderator_may_publish_directly(client, moderator, catalogue):
    """A moderator holds publish: the button is offered and publishing makes the page live."""
    client.force_login(moderator)
    page = _draft(client, catalogue)
    assert (
        'name="action-publish"'
        in client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    )
    _edit(client, page, "action-publish")
    page.refresh_from_db()
    assert page.live


def test_views_cms_submission_reaches_moderators(submitted, client, moderator, editor):
    """A submitted draft waits on the moderators' task, and appears in their review panel."""
    workflow_state = submitted.current_workflow_state
    assert workflow_state.workflow.name == MODERATION_WORKFLOW
    assert submitted.current_workflow_task.name == MODERATION_TASK
    assert workflow_state.requested_by == editor
    assert not submitted.live

    # The editor sees no moderation action on their own submission.
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(submitted.pk, "approve", submitted.current_workflow_task_state.pk),
    )
    assert approve_url not in client.get("/cms/").content.decode()
    # Refused: Wagtail's admin turns the PermissionDenied into a redirect home with a message.
    refused = _review(client, submitted, "approve")
    assert (refused.status_code, refused["Location"]) == (302, "/cms/")
    submitted.refresh_from_db()
    assert not submitted.live and submitted.workflow_in_progress

    # Under review, the page is locked for its editor but not for the moderators.
    lock = submitted.get_lock()
    assert lock.for_user(editor) and not lock.for_user(moderator)

    client.force_login(moderator)
    dashboard = client.get("/cms/").content.decode()
    assert submitted.title in dashboard
    assert approve_url in dashboard
    tasks = client.get(reverse("wagtailadmin_reports:workflow_tasks"))
    assert tasks.status_code == 200
    assert submitted.title in tasks.content.decode()


def test_views_cms_submission_emails_the_moderators(client, editor, moderator, catalogue):
    """Submitting sends the moderators Wagtail's notification through the email backend."""
    client.force_login(editor)
    page = _draft(client, catalogue)
    mail.outbox.clear()
    _edit(client, page, "action-submit")
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert page.title in mail.outbox[0].subject


def test_views_cms_moderator_approves_and_the_page_goes_live(submitted, client, moderator, editor):
    """Approval publishes the page, keeps its revision history and tells the editor."""
    client.force_login(moderator)
    assert _review(client, submitted, "approve").status_code == 302
    submitted.refresh_from_db()
    assert submitted.live
    assert submitted.current_workflow_state is None
    assert submitted.live_revision.user == editor
    assert submitted.revisions.count() >= 2  # the draft, then the submitted revision
    history = client.get(reverse("wagtailadmin_pages:history", args=(submitted.pk,)))
    assert history.status_code == 200
    assert [m.to for m in mail.outbox] == [[editor.email]]


def test_views_cms_moderator_requests_changes_and_the_editor_gets_it_back(
    submitted, client, moderator, editor
):
    """A rejection with a comment unlocks the page for its editor, who can resubmit it."""
    client.force_login(moderator)
    comment = "Précisez la durée de chaque activité."
    assert _review(client, submitted, "reject", comment).status_code == 302
    submitted.refresh_from_db()
    assert not submitted.live
    assert submitted.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert comment in mail.outbox[0].body

    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(submitted.pk,))
    assert comment in client.get(edit_url).content.decode()
    assert submitted.get_lock() is None
    mail.outbox.clear()
    assert _edit(client, submitted, "action-submit").status_code == 302
    submitted.refresh_from_db()
    assert submitted.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert [m.to for m in mail.outbox] == [[moderator.email]]


def test_views_cms_teacher_cannot_moderate(submitted, client, learner):
    """A teacher's approval is sent to the CMS log-in; the page stays under review."""
    client.force_login(learner)
    response = _review(client, submitted, "approve")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    submitted.refresh_from_db()
    assert not submitted.live and submitted.workflow_in_progress


@pytest.mark.parametrize(
    "url",
    ["/cms/", "/cms/pages/", "/cms/reports/workflow/"],
)
def test_views_cms_is_closed_to_teachers(client, learner, url):
    """A teacher reaches none of the CMS: each page sends them to log in."""
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
