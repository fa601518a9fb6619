from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "avustamo.portal"
    verbose_name = _("Pages")

    def ready(self):
        from avustamo.portal import permissions  # noqa: F401  (registers the permission rules)
