"""Roles are Django groups with a fixed set of permissions, kept in sync on every migrate.

The groups are data an administrator can see and assign in the admins, but their permissions
are defined here, in code, so that each release ships the permissions its features enforce:
`sync_role_groups()` runs after `migrate` and makes every role group hold exactly the
permissions listed below (plus Wagtail page and collection permissions for the CMS roles).

Content editors write and submit pages; only content moderators (and administrators) publish.
Between the two stands Wagtail's moderation workflow « Validation pédagogique », which the same
sync creates if it is missing (see `sync_moderation_workflow()`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, Group
    from wagtail.models import Workflow

    from campus.models import User


class Role(models.TextChoices):
    """The roles a person can hold on Campus; several may be held at once."""

    TEACHER = "teacher", _("Teacher")
    TRAINER = "trainer", _("Trainer")
    INSPECTOR = "inspector", _("Inspector (IPR/IEN)")
    EDITOR = "editor", _("Content editor")
    MODERATOR = "moderator", _("Content moderator")
    ADMIN = "admin", _("Administrator")


# Group names as operators see them in the (French) admins. Code refers to roles, never names.
ROLE_GROUPS: dict[Role, str] = {
    Role.TEACHER: "Enseignants",
    Role.TRAINER: "Formateurs",
    Role.INSPECTOR: "Inspecteurs",
    Role.EDITOR: "Éditeurs de contenu",
    Role.MODERATOR: "Modérateurs de contenu",
    Role.ADMIN: "Administrateurs",
}
GROUP_ROLES: dict[str, Role] = {name: role for role, name in ROLE_GROUPS.items()}

# The moderation workflow every page goes through, and its one task, as operators see them in
# the CMS (Settings > Workflows). Found by name: an operator may rename them, and then owns them.
MODERATION_WORKFLOW = "Validation pédagogique"
MODERATION_TASK = "Relecture par un modérateur"
# What Wagtail's migration wagtailcore 0048 creates on a new database, named after Wagtail's own
# "Moderators" group (which no Campus role fills).
STOCK_WORKFLOW = "Moderators approval"
STOCK_GROUP = "Moderators"

_CMS_MEDIA = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TEACHER: ["campus.access_teacher_space"],
    Role.TRAINER: ["campus.access_trainer_space"],
    Role.INSPECTOR: ["campus.access_inspector_space"],
    Role.EDITOR: ["wagtailadmin.access_admin", *_CMS_MEDIA],
    Role.MODERATOR: ["wagtailadmin.access_admin", *_CMS_MEDIA],
    Role.ADMIN: [
        "wagtailadmin.access_admin",
        *_CMS_MEDIA,
        "campus.access_teacher_space",
        "campus.access_trainer_space",
        "campus.access_inspector_space",
        "campus.view_user",
        "campus.change_user",
        "campus.add_establishment",
        "campus.change_establishment",
    ],
}

# Wagtail page permissions granted on the tree's root, so they hold for every page. Editors
# lack publish_page on purpose: what they write goes live through the moderation workflow.
ROLE_PAGE_PERMISSIONS: dict[Role, list[str]] = {
    Role.EDITOR: ["add_page", "change_page", "lock_page", "unlock_page"],
    Role.MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    Role.ADMIN: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}

# Each role's space: where the home page sends its holders. A teacher's space is the courses
# app's "Ma formation", a trainer's its "Mes groupes" (named by URL only: campus imports no
# other app).
SPACE_PERMISSIONS: dict[Role, str] = {
    Role.TEACHER: "campus.access_teacher_space",
    Role.TRAINER: "campus.access_trainer_space",
    Role.INSPECTOR: "campus.access_inspector_space",
}
SPACES: list[tuple[Role, str, str, str]] = [
    (
        Role.TEACHER,
        "courses:my_training",
        _("My training"),
        _("Your modules, your progress, your upcoming sessions and your record."),
    ),
    (
        Role.TRAINER,
        "courses:my_cohorts",
        _("My cohorts"),
        _("Follow your learners, review assignments, take attendance."),
    ),
    (
        Role.INSPECTOR,
        "inspector_space",
        _("Training plans"),
        _("Steer the training plans of your académie from live figures."),
    ),
]


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """Return the roles a user holds through their groups (one query)."""
    if not user.is_authenticated:
        return frozenset()
    names = user.groups.values_list("name", flat=True)
    return frozenset(GROUP_ROLES[name] for name in names if name in GROUP_ROLES)


def spaces_for(user: User | AnonymousUser) -> list[dict[str, str]]:
    """Return the spaces (title, description, url) the user's roles open to them."""
    if not user.is_authenticated:
        return []
    # By the permission each role's space grants, not by group name: the header also asks
    # `perms.wagtailadmin.access_admin`, so both read the permission set Django caches on the
    # user (two queries per request, where a group-name query made it three).
    return [
        {"role": role.value, "title": title, "description": description, "url": reverse(url)}
        for role, url, title, description in SPACES
        if user.has_perm(SPACE_PERMISSIONS[role])
    ]


def sync_role_groups(**_kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent).

    Then make sure the moderation workflow the editors submit to exists
    (`sync_moderation_workflow`).
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    def permission(dotted: str) -> Permission:
        app_label, codename = dotted.split(".")
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([permission(p) for p in ROLE_PERMISSIONS.get(role, [])])
        if root_page is not None:
            wanted = {permission(f"wagtailcore.{c}") for c in ROLE_PAGE_PERMISSIONS.get(role, [])}
            GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                permission__in=wanted
            ).delete()
            for perm in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
        if root_collection is not None:
            media = [permission(p) for p in _CMS_MEDIA] if role in ROLE_PAGE_PERMISSIONS else []
            GroupCollectionPermission.objects.filter(
                group=group, collection=root_collection
            ).exclude(permission__in=media).delete()
            for perm in media:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )
    sync_moderation_workflow()


def _retire_stock_workflow(workflow) -> bool:
    """Deactivate Wagtail's installation-default workflow if untouched and never used.

    Only then is it Wagtail's choice rather than an operator's: a renamed or re-tasked
    workflow, or one pages have gone through, is kept (returns False). Deactivating, unlike
    deleting, leaves it for an operator to turn back on; it also drops its page assignments
    (the root's, and the catalogue's made by earlier demo seeds).
    """
    from wagtail.models import GroupApprovalTask, WorkflowState

    if workflow.name != STOCK_WORKFLOW or WorkflowState.objects.filter(workflow=workflow).exists():
        return False
    tasks = [link.task.specific for link in workflow.workflow_tasks.select_related("task")]
    if not (
        len(tasks) == 1
        and isinstance(tasks[0], GroupApprovalTask)
        and tasks[0].name == STOCK_WORKFLOW
        and [group.name for group in tasks[0].groups.all()] == [STOCK_GROUP]
    ):
        return False
    workflow.deactivate()
    # Its task too, unless another workflow uses it: no empty group left to pick in the CMS.
    if not tasks[0].workflow_tasks.exclude(workflow=workflow).exists():
        tasks[0].deactivate()
    return True


def _moderation_workflow(moderators: Group) -> Workflow:
    """The workflow « Validation pédagogique », created with its task if missing."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    workflow, _created = Workflow.objects.get_or_create(
        name=MODERATION_WORKFLOW, defaults={"active": True}
    )
    # A workflow without any task approves at once: editors would publish on submission. Tasks
    # an operator chained instead of ours are their choice.
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.filter(name=MODERATION_TASK).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=MODERATION_TASK, active=True)
            task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def sync_moderation_workflow() -> None:
    """Create what is missing of the moderation workflow, never undoing an operator's edits.

    When the root of the page tree has no workflow (or only Wagtail's stock one), puts there
    the workflow « Validation pédagogique », whose one group approval task « Relecture par un
    modérateur » the content moderators approve: at the root, like the role page permissions, it
    applies to every page of every site. Wagtail's stock « Moderators approval » workflow, put
    on the root by Wagtail's migrations, is retired (deactivated, not deleted) when untouched
    and never used; otherwise it stays, and so does any workflow an operator gave the root.
    """
    from django.contrib.auth.models import Group
    from django.db import transaction
    from wagtail.models import Page, WorkflowPage

    root_page = Page.get_first_root_node()
    moderators = Group.objects.filter(name=ROLE_GROUPS[Role.MODERATOR]).first()
    if root_page is None or moderators is None:
        return
    with transaction.atomic():
        assigned = WorkflowPage.objects.filter(page=root_page).select_related("workflow").first()
        if assigned is not None and assigned.workflow.name != STOCK_WORKFLOW:
            return  # Ours (under whatever name an operator gave it since) or an operator's.
        workflow = _moderation_workflow(moderators)
        if not workflow.active:
            return  # Turned off by an operator.
        if assigned is None or _retire_stock_workflow(assigned.workflow):
            WorkflowPage.objects.create(page=root_page, workflow=workflow)
