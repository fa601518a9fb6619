"""Where the State's accounts book a grant's money: the general ledger account (for a payment, by the recipient's
organisation type), the budget item (momentti) of the call, the operational unit, the project and the partner.

A payment joins a batch only with every code it needs; a return, recovery or interest is recorded only once the
agency has its income account. What is missing is said by name, so a finance officer knows what to ask the
administrator for."""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustamo.organisations.models import OrganisationType
from avustamo.payments.models import Posting, PostingAccount, PostingPurpose

# The transfer accounts the Finnish National Agency for Education's grant system publishes in its configuration
# (lkp-templates/ownership_type.edn): municipalities and parishes 82010000, non-profit organisations 82510000,
# companies 82310000. An agency checks them against the State Treasury's current chart before relying on them;
# the demo and the tests start from them. Wellbeing services counties and other organisations have no account
# there: the agency enters one.
PUBLISHED_TRANSFER_ACCOUNTS = {
    OrganisationType.MUNICIPALITY: "82010000",
    OrganisationType.JOINT_MUNICIPAL_AUTHORITY: "82010000",
    OrganisationType.REGISTERED_ASSOCIATION: "82510000",
    OrganisationType.FOUNDATION: "82510000",
    OrganisationType.RELIGIOUS_COMMUNITY: "82510000",
    OrganisationType.COMPANY: "82310000",
}

# The codes a posting cannot be booked without; a partner code is given only where one applies.
REQUIRED_CODES = {
    "account": gettext_lazy("the general ledger account"),
    "budget_item": gettext_lazy("the budget item"),
    "operational_unit": gettext_lazy("the operational unit"),
    "project_code": gettext_lazy("the project code"),
}


@dataclass(frozen=True)
class PostingCodes:
    account: str
    budget_item: str
    operational_unit: str
    project_code: str
    partner_code: str

    @property
    def missing(self) -> list[str]:
        return [str(label) for name, label in REQUIRED_CODES.items() if not getattr(self, name)]

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class AccountBook:
    """The agencies' accounts, read once, so that a page or a batch of any size asks for them in one query."""

    def __init__(self, accounts: Iterable[PostingAccount]):
        self._accounts = {
            (account.agency_id, account.purpose, account.organisation_type): account.account
            for account in accounts
        }

    @classmethod
    def of(cls, agency_ids: Iterable[int]) -> "AccountBook":
        return cls(PostingAccount.objects.filter(agency__in=set(agency_ids)))

    def transfer_account(self, agency_id: int, organisation_type: str) -> str:
        return self._accounts.get((agency_id, PostingPurpose.TRANSFER, organisation_type), "")

    def income_account(self, agency_id: int, purpose: str) -> str:
        return self._accounts.get((agency_id, purpose, ""), "")

    def payment_codes(self, instalment) -> PostingCodes:
        """The payment of `instalment`: its grant's call and its recipient's organisation type say where it is
        booked (the instalment read with `grant__application__call__programme` and `__organisation`)."""
        application = instalment.grant.application
        account = self.transfer_account(
            application.call.programme.agency_id, application.organisation.organisation_type
        )
        return PostingCodes(account=account, **application.call.accounting_dimensions)

    def income_codes(self, call, purpose: str) -> PostingCodes:
        return PostingCodes(
            account=self.income_account(call.programme.agency_id, purpose), **call.accounting_dimensions
        )


def income_codes_or_refuse(grant, purposes: Iterable[str]) -> dict[str, PostingCodes]:
    """The codes of each kind of income about to be booked on `grant`, or a refusal naming what is missing."""
    call = grant.application.call
    book = AccountBook.of([call.programme.agency_id])
    codes = {purpose: book.income_codes(call, purpose) for purpose in purposes}
    problems = [
        _("%(purpose)s: enter %(missing)s in the agency's accounts or the call's details first.")
        % {"purpose": PostingPurpose(purpose).label, "missing": ", ".join(entry.missing)}
        for purpose, entry in codes.items()
        if entry.missing
    ]
    if problems:
        raise ValidationError(problems, code="postings_incomplete")
    return codes


def book(grant, purpose: str, codes: PostingCodes, amount: Decimal, day, **links) -> Posting | None:
    """Book `amount` of `grant`'s money; nothing is booked of nothing."""
    if not amount:
        return None
    return Posting.objects.create(
        grant=grant, purpose=purpose, amount=amount, booked_on=day, **codes.as_dict(), **links
    )
