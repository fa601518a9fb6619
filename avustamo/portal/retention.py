"""The one table of retention rules (docs/retention.md): each app's own rules, gathered here at the top layer, for
`manage.py apply_retention` and the privacy notice."""

from avustamo.accounts import retention as accounts
from avustamo.applications import retention as applications
from avustamo.core import retention as core
from avustamo.decisions import retention as decisions
from avustamo.organisations import retention as organisations
from avustamo.payments import retention as payments
from avustamo.reports import retention as reports

RULES = [
    *applications.RULES,
    *decisions.RULES,
    *reports.RULES,
    *payments.RULES,
    *core.RULES,
    *accounts.RULES,
    *organisations.RULES,
]
