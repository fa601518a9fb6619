from django.db.models import QuerySet

from avustamo.treasury.models import Delivery


def deliveries() -> QuerySet[Delivery]:
    """The log of deliveries, newest first, with what the log page shows of each."""
    return Delivery.objects.select_related("call", "produced_by", "corrects").order_by("-produced_at", "-pk")
