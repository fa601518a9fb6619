from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def perform(request, action: Callable[[], object], success: str | Callable[[object], str]) -> None:
    """Run a service call behind a button and tell the person how it went, as messages on the next page."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    messages.success(request, success(result) if callable(success) else success)
