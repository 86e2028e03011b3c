from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampusConfig(AppConfig):
    name = "campus"
    verbose_name = _("Campus: people and recognition")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="campus.sync_role_groups")
        # campus.W001 (deploy): verifiable credentials are off without a signing key.
        from campus.services_credentials import check_signing_keys

        checks.register(check_signing_keys, "campus", deploy=True)


def _sync_roles_after_migrate(sender, app_config, using="default", **kwargs) -> None:
    # post_migrate is sent once per app, in INSTALLED_APPS order; the role groups need the
    # permissions of apps listed after ours (Wagtail's), so act on the last app's signal.
    from django.apps import apps

    # Django only signals apps that have a models module.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not with_models[-1]:
        return
    from campus.roles import sync_role_groups

    sync_role_groups(using=using)
