"""The Learning Record Store: a self-contained xAPI 1.0.3 LRS (imports no other Campus app)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LrsConfig(AppConfig):
    name = "lrs"
    verbose_name = _("Learning Record Store (xAPI)")
