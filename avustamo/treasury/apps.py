from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreasuryConfig(AppConfig):
    name = "avustamo.treasury"
    verbose_name = _("Deliveries to the State Treasury")
