from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "avustamo.payments"
    verbose_name = _("Payments and recovery")

    def ready(self):
        from avustamo.payments import receivers  # noqa: F401  (connects the grant's money to its status)
