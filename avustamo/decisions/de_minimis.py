"""The de minimis ceiling: the aid a single undertaking has received over three years, and the refusal of a grant
that would take it over (Commission Regulation (EU) 2023/2831, art. 3(2); docs/adr/0017-de-minimis-sum.md).

The period is rolling: for a grant on day D it is the three years ending on D, from the day after the same date
three years earlier up to and including D. Aid counts on the day it was granted (the day the right to it was
conferred: for our grants the day the decision was signed). The sum is the aid the applicant declared from other
granting authorities in that period, our own signed de minimis grants to the same Business ID in it (each
application's latest signed decision), and the grant now proposed or decided.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from avustamo.core.dates import format_day, shift_years
from avustamo.core.money import format_euros, to_cents
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.programmes.models import StateAidBasis
from avustamo.programmes.state_aid import DE_MINIMIS_CEILING

SIGNED = (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)
ZERO = Decimal("0.00")


def period_start(grant_date: datetime.date) -> datetime.date:
    """The first day of the three years ending on `grant_date`: the day after the same date three years before."""
    # 29 February has no same date three years before: the period then begins on 1 March.
    return shift_years(grant_date, -3) + datetime.timedelta(days=1)


@dataclass(frozen=True)
class DeMinimisSum:
    """The de minimis aid of one undertaking over the three years ending on `grant_date`, with a new grant."""

    grant_date: datetime.date
    declared: Decimal
    granted_here: Decimal
    this_grant: Decimal

    @property
    def period_start(self) -> datetime.date:
        return period_start(self.grant_date)

    @property
    def total(self) -> Decimal:
        return to_cents(self.declared + self.granted_here + self.this_grant)

    @property
    def room(self) -> Decimal:
        """How much more de minimis aid the undertaking could receive on the grant date, before this grant."""
        return max(ZERO, to_cents(DE_MINIMIS_CEILING - self.declared - self.granted_here))

    @property
    def exceeds_ceiling(self) -> bool:
        return self.total > DE_MINIMIS_CEILING


def de_minimis_calls() -> Q:
    """Decisions on calls whose grants are de minimis aid: the call's own basis, or its programme's."""
    return Q(application__call__state_aid_basis=StateAidBasis.DE_MINIMIS) | Q(
        application__call__state_aid_basis="",
        application__call__programme__state_aid_basis=StateAidBasis.DE_MINIMIS,
    )


def granted_here(
    business_id: str, start: datetime.date, end: datetime.date, *, excluding_application
) -> Decimal:
    """Our signed de minimis grants to the Business ID decided from `start` to `end`, in one statement. A decision
    replaced by a signed correction counts no more; the application being decided is left out, as its new
    decision replaces any earlier one."""
    if not business_id:
        return ZERO
    decisions = (
        Decision.objects.filter(
            de_minimis_calls(),
            status__in=SIGNED,
            outcome__in=Outcome.positive(),
            application__applicant_business_id=business_id,
            decision_date__gte=start,
            decision_date__lte=end,
        )
        .exclude(application=excluding_application)
        .exclude(corrected_by__status__in=SIGNED)
    )
    return to_cents(sum(decisions.values_list("amount", flat=True), ZERO))


def declared_in_period(application, start: datetime.date, end: datetime.date) -> Decimal:
    """The de minimis aid the applicant declared as granted from `start` to `end`."""
    return to_cents(
        sum(
            (
                Decimal(line["amount"])
                for line in application.declared_de_minimis_aid or []
                if start <= datetime.date.fromisoformat(line["granted_on"]) <= end
            ),
            ZERO,
        )
    )


def de_minimis_sum(application, amount: Decimal, grant_date: datetime.date) -> DeMinimisSum:
    start = period_start(grant_date)
    return DeMinimisSum(
        grant_date=grant_date,
        declared=declared_in_period(application, start, grant_date),
        granted_here=granted_here(
            application.applicant_business_id, start, grant_date, excluding_application=application
        ),
        this_grant=to_cents(amount),
    )


def de_minimis_problem(application, amount: Decimal, grant_date: datetime.date) -> ValidationError | None:
    """The refusal of a de minimis grant that would take the undertaking over the ceiling; None when it would not,
    or when the call's grants are not de minimis aid."""
    if not application.call.is_de_minimis or amount <= 0:
        return None
    total = de_minimis_sum(application, amount, grant_date)
    if not total.exceeds_ceiling:
        return None
    return ValidationError(
        _(
            "The grant would take the applicant's de minimis aid over the ceiling of %(ceiling)s in the three "
            "years from %(start)s to %(end)s: declared aid from others %(declared)s, grants through this service "
            "%(granted)s and this grant %(amount)s make %(total)s. At most %(room)s can be granted."
        )
        % {
            "ceiling": format_euros(DE_MINIMIS_CEILING),
            "start": format_day(total.period_start),
            "end": format_day(grant_date),
            "declared": format_euros(total.declared),
            "granted": format_euros(total.granted_here),
            "amount": format_euros(total.this_grant),
            "total": format_euros(total.total),
            "room": format_euros(total.room),
        },
        code="de_minimis_ceiling",
    )


# The fields of one de minimis grant as the central register asks for them (2023/2831 art. 6(1)-(2); in Finland
# the grantor enters them in the Union-level central register, HE 144/2025): who received how much, when, from
# whom and under which regulation. docs/de-minimis.md maps each field.
REGISTER_FIELDS = (
    "decision_id",
    "corrects_decision_id",
    "register_number",
    "beneficiary_business_id",
    "beneficiary_name",
    "granting_authority",
    "granting_authority_code",
    "date_of_grant",
    "amount_eur",
    "gross_grant_equivalent_eur",
    "aid_instrument",
    "regulation",
)
REGULATION_REFERENCE = "Commission Regulation (EU) 2023/2831"


def de_minimis_grants(start: datetime.date, end: datetime.date) -> list[dict]:
    """Our de minimis grants signed from `start` to `end` as the register's rows, oldest first, in one statement.
    A correction is its own row naming the decision it replaces (`corrects_decision_id`), so the register replaces
    that row rather than adding to it; a correction that takes the grant away is a row of 0 €."""
    decisions = (
        Decision.objects.filter(
            Q(outcome__in=Outcome.positive()) | Q(corrects__isnull=False),
            de_minimis_calls(),
            status__in=SIGNED,
            decision_date__gte=start,
            decision_date__lte=end,
        )
        .select_related("application__call__programme__agency")
        .order_by("decision_date", "pk")
    )
    return [
        {
            "decision_id": decision.pk,
            "corrects_decision_id": decision.corrects_id or "",
            "register_number": decision.application.register_number,
            "beneficiary_business_id": decision.application.applicant_business_id,
            "beneficiary_name": decision.application.applicant_name,
            "granting_authority": decision.application.call.programme.agency.name_fi,
            "granting_authority_code": decision.application.call.programme.agency.code,
            "date_of_grant": decision.decision_date.isoformat(),
            # A negative decision's amount is 0 (a constraint of the table).
            "amount_eur": str(to_cents(decision.amount)),
            "gross_grant_equivalent_eur": str(to_cents(decision.amount)),
            "aid_instrument": "grant",
            "regulation": REGULATION_REFERENCE,
        }
        for decision in decisions
    ]
