"""What the decision pages show of change requests: the terms in force, the requests and who may act on them."""

from django import template

from avustamo.grants import selectors
from avustamo.programmes.application_form.budget import COST_CATEGORIES

register = template.Library()


@register.filter
def cost_rows(costs: dict) -> list[dict]:
    """Amounts by cost category, in the budget's order, with their names."""
    return [
        {"label": label, "amount": costs[category]}
        for category, label in COST_CATEGORIES.items()
        if category in costs
    ]


@register.simple_tag
def grant_changes(grant, user) -> dict:
    """The grant's terms in force and its change requests, and what `user` may do with them."""
    start, end = selectors.period_in_force(grant)
    return {
        "period_start": start,
        "period_end": end,
        "budget": cost_rows(selectors.approved_budget(grant).costs),
        "content_changes": selectors.content_changes_in_force(grant),
        "requests": selectors.change_requests_of(grant),
        "open_request": selectors.open_change_request(grant),
        "extension_deadline": selectors.extension_deadline(grant),
        "may_request": user.has_perm("decisions.request_change", grant),
        "may_decide": user.has_perm("decisions.decide_change_request", grant.decision),
    }
