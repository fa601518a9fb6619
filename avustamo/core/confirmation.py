"""An action that cannot be undone asks first, on a page of its own that says what will happen. The page posts the
same form again with the person's confirmation, so it works without JavaScript."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRMATION_FIELD = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    question: str
    consequences: Sequence[str]
    action: str
    cancel_url: str


def unconfirmed(request: HttpRequest, confirmation: Confirmation) -> HttpResponse | None:
    """The page asking to confirm what the request posts; None once the person has confirmed it there."""
    if request.POST.get(CONFIRMATION_FIELD) == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMATION_FIELD)
        for value in values
    ]
    return render(request, "core/confirm.html", {"confirmation": confirmation, "fields": fields})


def unconfirmed_file_removal(request: HttpRequest, *, name: str, cancel_url: str) -> HttpResponse | None:
    """The question before an applicant's uploaded file is removed from an application or a report."""
    return unconfirmed(
        request,
        Confirmation(
            question=_("Remove %(name)s?") % {"name": name},
            consequences=[
                _("The file is removed and cannot be brought back: to add it again, upload it again.")
            ],
            action=_("Remove the file"),
            cancel_url=cancel_url,
        ),
    )
