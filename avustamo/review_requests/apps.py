from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewRequestsConfig(AppConfig):
    name = "avustamo.review_requests"
    verbose_name = _("Requests for review")
