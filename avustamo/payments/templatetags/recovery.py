"""What the returns and recoveries sections of the decision pages show, for the payments app's includes: the
decisions app's pages include them with one line each and need not know their parts."""

from django import template

from avustamo.core.dates import helsinki_today
from avustamo.payments import selectors
from avustamo.payments.forms import (
    CloseGroundsForm,
    EndSuspensionForm,
    GroundsClaimForm,
    OffsetForm,
    RecordVoluntaryReturnForm,
    RecoveryGroundsForm,
    SuspensionForm,
    VoluntaryReturnForm,
    WaiverForm,
    close_prefix,
    end_prefix,
    grounds_prefix,
    offset_prefix,
    voluntary_prefix,
    waive_prefix,
)
from avustamo.payments.services import arrears_cap

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


@register.simple_tag
def suspensions_of(grant) -> dict:
    """The grant's suspensions of payments (19 §), the one in force today, and the forms that decide them."""
    if not grant:
        return {}
    suspensions = selectors.suspensions_of(grant)
    return {
        "suspensions": [
            {"suspension": item, "end_form": EndSuspensionForm(prefix=end_prefix(item))}
            for item in suspensions
        ],
        "in_force": selectors.suspension_in_force(suspensions),
        "form": SuspensionForm(prefix="suspension", initial={"starts_on": helsinki_today()}),
    }


@register.simple_tag
def claim_forms(grant, claims) -> dict:
    """For each of the grant's claims (`selectors.return_claims_of`), the forms to waive it and to offset it, with
    the due instalments of the recipient's other grants it may be offset against."""
    if not grant:
        return {}
    offsettable = selectors.offsettable_instalments(grant)
    return {
        claim.pk: {
            "waive_form": WaiverForm(prefix=waive_prefix(claim)),
            "offset_form": OffsetForm(prefix=offset_prefix(claim), instalments=offsettable)
            if offsettable
            else None,
        }
        for claim in claims
    }


@register.filter
def forms_for(forms_by_claim: dict, claim) -> dict:
    return forms_by_claim.get(claim.pk, {})


@register.simple_tag
def arrears_cap_of(grant):
    """What payment applications may still ask in all (`services.arrears_cap`)."""
    return arrears_cap(grant) if grant else None
