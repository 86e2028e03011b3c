"""Roles are groups whose permissions the code keeps in sync."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Task,
    Workflow,
    WorkflowPage,
)

from campus.models import HomePage
from campus.roles import (
    GROUP_ROLES,
    MODERATION_TASK,
    MODERATION_WORKFLOW,
    ROLE_GROUPS,
    ROLE_PERMISSIONS,
    STOCK_WORKFLOW,
    Role,
    sync_role_groups,
)
from tests.campus.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_models_roles_groups_hold_exactly_their_permissions():
    """After migrate, each role group holds exactly the permissions listed in code."""
    for role, name in ROLE_GROUPS.items():
        group = Group.objects.get(name=name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(ROLE_PERMISSIONS[role]), role


def test_models_roles_sync_is_idempotent_and_repairs_drift():
    """A permission added by hand is removed by the next sync; nothing is duplicated."""
    teachers = Group.objects.get(name=ROLE_GROUPS[Role.TEACHER])
    trainers = Group.objects.get(name=ROLE_GROUPS[Role.TRAINER])
    teachers.permissions.add(*trainers.permissions.all())
    page_permissions = GroupPagePermission.objects.count()
    sync_role_groups()
    sync_role_groups()
    assert [p.codename for p in teachers.permissions.all()] == ["access_teacher_space"]
    assert GroupPagePermission.objects.count() == page_permissions


def test_models_roles_user_roles_and_permissions():
    """A trainer-teacher holds both roles and both spaces' permissions, and no other."""
    user = UserFactory(roles=[Role.TRAINER, Role.TEACHER])
    assert user.roles == {Role.TRAINER, Role.TEACHER}
    assert user.has_perm("campus.access_trainer_space")
    assert user.has_perm("campus.access_teacher_space")
    assert not user.has_perm("campus.access_inspector_space")
    assert not user.has_role(Role.INSPECTOR)


def test_models_roles_editor_can_use_the_cms_but_teacher_cannot(client, editor, moderator, learner):
    """Content editors and moderators reach the Wagtail admin; teachers are refused."""
    for person in (editor, moderator):
        client.force_login(person)
        assert client.get("/cms/").status_code == 200
    client.force_login(learner)
    assert client.get("/cms/").status_code == 302


def test_models_user_email_is_unique_case_insensitively():
    """The manager stores emails in lower case, so log-in by any case finds one user."""
    from campus.models import User

    user = User.objects.create_user("Anne.Petit@AC-Lyon.fr", "pw")
    assert user.email == "anne.petit@ac-lyon.fr"
    assert User.objects.get_by_natural_key("ANNE.PETIT@ac-lyon.fr") == user


def test_models_roles_only_moderators_and_administrators_publish(editor, moderator):
    """Editors add and change pages but cannot publish them; moderators can."""
    publishers = GroupPagePermission.objects.filter(
        page=Page.get_first_root_node(), permission__codename="publish_page"
    ).values_list("group__name", flat=True)
    assert {GROUP_ROLES.get(name) for name in publishers} >= {Role.MODERATOR, Role.ADMIN}
    assert ROLE_GROUPS[Role.EDITOR] not in publishers
    home = Page.objects.get(slug="accueil")
    as_editor = home.permissions_for_user(editor)
    assert as_editor.can_add_subpage() and as_editor.can_edit()
    assert not as_editor.can_publish()
    assert home.permissions_for_user(moderator).can_publish()


def test_models_roles_moderation_workflow_covers_every_page():
    """After migrate, the moderators' workflow sits on the tree's root; Wagtail's stock is off."""
    root = Page.get_first_root_node()
    workflow = Workflow.objects.get(name=MODERATION_WORKFLOW)
    assert root.workflowpage.workflow == workflow
    assert Page.objects.get(slug="accueil").get_workflow() == workflow
    [task] = [link.task.specific for link in workflow.workflow_tasks.all()]
    assert isinstance(task, GroupApprovalTask) and task.name == MODERATION_TASK
    assert [g.name for g in task.groups.all()] == [ROLE_GROUPS[Role.MODERATOR]]
    stock = Workflow.objects.get(name=STOCK_WORKFLOW)
    assert not stock.active and not stock.workflow_pages.exists()
    assert not Task.objects.get(name=STOCK_WORKFLOW).active


def test_models_roles_sync_moderation_workflow_is_idempotent():
    """Syncing twice more leaves one workflow, one task, one assignment."""
    sync_role_groups()
    sync_role_groups()
    workflow = Workflow.objects.get(name=MODERATION_WORKFLOW)
    assert GroupApprovalTask.objects.filter(name=MODERATION_TASK).count() == 1
    assert workflow.workflow_tasks.count() == 1
    assert WorkflowPage.objects.filter(workflow=workflow).count() == 1


def test_models_roles_sync_keeps_what_an_operator_edited(editor):
    """A renamed workflow and a task given another group stay as the operator left them."""
    workflow = Workflow.objects.get(name=MODERATION_WORKFLOW)
    workflow.name = "Relecture académique"
    workflow.save()
    task = GroupApprovalTask.objects.get(name=MODERATION_TASK)
    task.groups.set(Group.objects.filter(name=ROLE_GROUPS[Role.ADMIN]))
    sync_role_groups()
    assert not Workflow.objects.filter(name=MODERATION_WORKFLOW).exists()
    assert Page.get_first_root_node().workflowpage.workflow == workflow
    assert [g.name for g in task.groups.all()] == [ROLE_GROUPS[Role.ADMIN]]


def _before_moderation() -> Workflow:
    """Back to a database migrated before Campus moderated: Wagtail's stock on the root."""
    Workflow.objects.filter(name=MODERATION_WORKFLOW).delete()
    Task.objects.filter(name=MODERATION_TASK).delete()
    stock = Workflow.objects.get(name=STOCK_WORKFLOW)
    Workflow.objects.filter(pk=stock.pk).update(active=True)
    Task.objects.filter(name=STOCK_WORKFLOW).update(active=True)
    WorkflowPage.objects.create(page=Page.get_first_root_node(), workflow=stock)
    return stock


def test_models_roles_sync_retires_an_untouched_stock_workflow():
    """Wagtail's never-used stock workflow is deactivated (kept) and ours takes the root."""
    stock = _before_moderation()
    sync_role_groups()
    stock.refresh_from_db()
    assert Workflow.objects.filter(pk=stock.pk).exists() and not stock.active
    assert Page.get_first_root_node().workflowpage.workflow.name == MODERATION_WORKFLOW


@pytest.mark.parametrize("edit", ["used", "regrouped"])
def test_models_roles_sync_keeps_a_stock_workflow_in_use(editor, edit):
    """A stock workflow pages went through, or given other groups, keeps the root."""
    stock = _before_moderation()
    if edit == "used":
        home = HomePage.objects.get(slug="accueil")
        home.save_revision(user=editor)
        stock.start(home, editor)
    else:
        Task.objects.get(name=STOCK_WORKFLOW).specific.groups.add(
            Group.objects.get(name=ROLE_GROUPS[Role.MODERATOR])
        )
    sync_role_groups()
    stock.refresh_from_db()
    assert stock.active
    assert Page.get_first_root_node().workflowpage.workflow == stock
    # Ours exists all the same, for the operator to assign when they choose.
    assert Workflow.objects.get(name=MODERATION_WORKFLOW).workflow_tasks.count() == 1
