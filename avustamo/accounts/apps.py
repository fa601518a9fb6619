from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "avustamo.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from avustamo.accounts import signals  # noqa: F401  (connects the receivers)
