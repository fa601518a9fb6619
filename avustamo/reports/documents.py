"""The settlement decision (päätös loppuselvityksen hyväksymisestä): when an approved final report's settlement
earns less than the award in force, the formal decision document in the grant decision's language, on the shared
base of `decisions.formal`, with the settlement line by line, its reasons, the hearing it was made on and the
legal basis."""

import dataclasses
from decimal import Decimal

from avustamo.core.dates import helsinki_today
from avustamo.decisions.formal import formal_decision_pdf, letter_context
from avustamo.hearings.models import Hearing, HearingSubject
from avustamo.hearings.selectors import heard_for_decision
from avustamo.payments.settlement import Settlement
from avustamo.reports.models import Report


def settlement_of_report(report: Report) -> Settlement:
    """The settlement as the report's approval kept it (its figures; the co-implementers' are kept beside them)."""
    return Settlement(
        **{field.name: Decimal(report.settlement[field.name]) for field in dataclasses.fields(Settlement)}
    )


def settlement_decision_pdf(report: Report) -> bytes:
    grant = report.grant
    language = grant.decision.language
    official = report.finances_reviewed_by
    heard = heard_for_decision(grant, HearingSubject.SETTLEMENT)
    context = letter_context(
        application=grant.application,
        language=language,
        decided_on=helsinki_today(report.finances_reviewed_at),
        contact=official,
        decision_maker=official,
    ) | {
        "binding_language": language,
        "report": report,
        "grant_decision": grant.decision,
        "settlement": settlement_of_report(report),
        "co_implementers": report.settlement.get("co_implementers", []),
        "hearing": heard if isinstance(heard, Hearing) else None,
        "not_heard": heard if heard is not None and not isinstance(heard, Hearing) else None,
    }
    return formal_decision_pdf(
        template="reports/pdf/settlement_decision.html", context=context, language=language
    )
