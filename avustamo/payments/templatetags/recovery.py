"""What the returns and recoveries sections of the decision pages show, for the payments app's includes: the
decisions app's pages include them with one line each and need not know their parts."""

from django import template

from avustamo.core.dates import helsinki_today
from avustamo.payments import selectors
from avustamo.payments.forms import (
    CloseGroundsForm,
    GroundsClaimForm,
    RecordVoluntaryReturnForm,
    RecoveryGroundsForm,
    VoluntaryReturnForm,
    close_prefix,
    grounds_prefix,
    voluntary_prefix,
)

register = template.Library()


@register.simple_tag
def recovery_of(grant, voluntary_return_form=None) -> dict:
    """The grant's noted grounds and voluntary returns, each with the forms that act on it. A refused announcement
    comes back as `voluntary_return_form`, with its errors."""
    if not grant:
        return {}
    grounds = selectors.recovery_grounds_of(grant)
    today = helsinki_today()
    announcements = selectors.voluntary_returns_of(grant)
    return {
        "grounds": [
            {
                "grounds": item,
                "warns": item.warns(today),
                "claim_form": GroundsClaimForm(prefix=grounds_prefix(item)),
                "close_form": CloseGroundsForm(prefix=close_prefix(item)),
            }
            for item in grounds
        ],
        "warning": next((item for item in grounds if item.warns(today)), None),
        "grounds_form": RecoveryGroundsForm(prefix="grounds"),
        "voluntary_returns": [
            {"announcement": item, "record_form": RecordVoluntaryReturnForm(prefix=voluntary_prefix(item))}
            for item in announcements
        ],
        "voluntary_form": voluntary_return_form or VoluntaryReturnForm(prefix="voluntary"),
        "returnable": selectors.returnable(grant),
    }


@register.filter
def grounds_warn(grounds, today) -> bool:
    """Whether the one year of 29 § from learning the grounds is in its last three months on `today`."""
    return grounds.warns(today)
