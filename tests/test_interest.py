"""Interest on returned and recovered grants (688/2001, 24 and 25 §): hand-computed cases, the officials'
calculator, the table of reference rates and the API tool, with who may use each."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import translation

from avustamo.accounts.services import api_token_create
from avustamo.core.models import AuditEntry
from avustamo.payments import interest, selectors
from avustamo.payments.models import ReferenceRate
from tests.access import LOGIN, assert_access, give_second_factor, sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates")]

D = datetime.date


def _calculate(
    amount: str, start: datetime.date, end: datetime.date, kind: str = "grant"
) -> interest.Interest:
    return interest.calculate_interest(
        amount=Decimal(amount), start=start, end=end, kind=kind, rates=selectors.reference_rates(start, end)
    )


def _lines(result: interest.Interest) -> list[tuple]:
    return [
        (period.first_day, period.last_day, period.days, period.rate, period.interest)
        for period in result.periods
    ]


class TestReferenceRatesAsAnnounced:
    @pytest.mark.parametrize(
        ("half_year", "rate"),
        [
            # Checked against the Bank of Finland's announcements (docs/interest.md).
            (D(2023, 1, 1), "2.50"),
            (D(2024, 1, 1), "4.50"),
            (D(2024, 7, 1), "4.50"),
            (D(2025, 1, 1), "3.50"),
            (D(2026, 1, 1), "2.50"),
        ],
    )
    def test_the_table_holds_the_announced_rates(self, half_year, rate):
        assert ReferenceRate.objects.get(valid_from=half_year).rate == Decimal(rate)

    def test_every_half_year_from_2016_has_a_rate_until_the_last_announced(self):
        days = list(ReferenceRate.objects.order_by("valid_from").values_list("valid_from", flat=True))
        assert days[0] == D(2016, 1, 1) and days[-1] == D(2026, 1, 1)
        assert all(interest.next_half_year(day) == following for day, following in itertools.pairwise(days))


class TestHandComputedInterest:
    def test_one_half_year(self):
        # 10 000 € x (2.5 + 3) % x 181 / 365 = 272.7397… €
        result = _calculate("10000.00", D(2026, 1, 1), D(2026, 7, 1))
        assert _lines(result) == [(D(2026, 1, 1), D(2026, 6, 30), 181, Decimal("5.50"), Decimal("272.74"))]
        assert result.total == Decimal("272.74") and result.days == 181

    def test_a_span_across_half_years_takes_each_half_years_rate(self):
        # 5 000 € x 6.5 % x 47 / 365 = 41.849… €; 5 000 € x 5.5 % x 45 / 365 = 33.904… €
        result = _calculate("5000.00", D(2025, 5, 15), D(2025, 8, 15))
        assert _lines(result) == [
            (D(2025, 5, 15), D(2025, 6, 30), 47, Decimal("6.50"), Decimal("41.85")),
            (D(2025, 7, 1), D(2025, 8, 14), 45, Decimal("5.50"), Decimal("33.90")),
        ]
        assert result.total == Decimal("75.75") and result.days == 92

    def test_penalty_interest_adds_seven_points(self):
        # 1 234.56 € x 11.5 % x 30 / 365 = 11.669…; x 11.5 % x 184 / 365 = 71.570…; x 10.5 % x 30 / 365 = 10.654…
        result = _calculate("1234.56", D(2024, 6, 1), D(2025, 1, 31), kind="penalty")
        assert _lines(result) == [
            (D(2024, 6, 1), D(2024, 6, 30), 30, Decimal("11.50"), Decimal("11.67")),
            (D(2024, 7, 1), D(2024, 12, 31), 184, Decimal("11.50"), Decimal("71.57")),
            (D(2025, 1, 1), D(2025, 1, 30), 30, Decimal("10.50"), Decimal("10.65")),
        ]
        assert result.total == Decimal("93.89")

    def test_a_leap_year_counts_366_days_over_a_365_day_year(self):
        # 1 000 € x 7.5 % x 182 / 365 = 37.397…; x 7.5 % x 184 / 365 = 37.808…: a little over 75 € for the year.
        result = _calculate("1000.00", D(2024, 1, 1), D(2025, 1, 1))
        assert [period.interest for period in result.periods] == [Decimal("37.40"), Decimal("37.81")]
        assert result.total == Decimal("75.21") and result.days == 366

    def test_the_total_is_the_sum_of_the_rounded_lines(self):
        result = _calculate("0.07", D(2024, 3, 1), D(2025, 3, 1))
        assert result.total == sum(period.interest for period in result.periods)

    def test_no_days_no_interest(self):
        result = _calculate("500.00", D(2025, 3, 3), D(2025, 3, 3))
        assert result.periods == () and result.total == Decimal("0.00")

    def test_a_zero_rate_half_year_earns_only_the_added_points(self):
        result = _calculate("2000.00", D(2020, 1, 1), D(2020, 7, 1))
        # (0 + 3) % x 182 / 365 x 2 000 € = 29.917… €
        assert _lines(result) == [(D(2020, 1, 1), D(2020, 6, 30), 182, Decimal("3.00"), Decimal("29.92"))]


def test_a_return_reckons_each_payment_from_its_own_day_and_keeps_every_line_for_the_decision():
    # Grant interest (reference rate + 3 points) to the due date 15.8.2025 on two payments:
    # 5 000 € paid 15.5.: x 6.5 % x 47 / 365 = 41.849… and x 5.5 % x 45 / 365 = 33.904…;
    # 1 000 € paid 1.7.: x 5.5 % x 45 / 365 = 6.780…
    rates = {D(2025, 1, 1): Decimal("3.5"), D(2025, 7, 1): Decimal("2.5")}
    parts = [(D(2025, 5, 15), Decimal("5000.00")), (D(2025, 7, 1), Decimal("1000.00"))]
    result = interest.return_interest(parts=parts, due_date=D(2025, 8, 15), rates=rates)
    assert [
        (line["paid_on"], line["first_day"], line["days"], line["rate"], line["interest"])
        for line in result.lines
    ] == [
        ("2025-05-15", "2025-05-15", 47, "6.5", "41.85"),
        ("2025-05-15", "2025-07-01", 45, "5.5", "33.90"),
        ("2025-07-01", "2025-07-01", 45, "5.5", "6.78"),
    ]
    assert result.total == Decimal("82.53")


class TestRefusals:
    @pytest.mark.parametrize(
        ("amount", "start", "end", "field"),
        [
            ("0", D(2025, 1, 1), D(2025, 2, 1), "amount"),
            ("-5.00", D(2025, 1, 1), D(2025, 2, 1), "amount"),
            ("10.005", D(2025, 1, 1), D(2025, 2, 1), "amount"),
            ("100.00", D(2025, 2, 1), D(2025, 1, 1), "end"),
            ("100.00", D(1990, 1, 1), D(2025, 1, 1), "end"),
        ],
    )
    def test_what_cannot_be_reckoned_is_refused_by_field(self, amount, start, end, field):
        with pytest.raises(ValidationError) as refusal:
            _calculate(amount, start, end)
        assert field in refusal.value.error_dict

    def test_a_half_year_without_a_rate_is_refused_not_guessed(self):
        with translation.override("fi"), pytest.raises(ValidationError) as refusal:
            _calculate("100.00", D(2026, 6, 1), D(2026, 8, 1))
        assert "1.7.2026" in refusal.value.messages[0]
        assert refusal.value.error_list[0].code == "missing_reference_rate"


def _official(role: str | None = None):
    return UserFactory(roles=[role]) if role else UserFactory(official=True)


class TestCalculatorPage:
    def test_shows_each_half_year_and_the_total(self, client):
        sign_in(client, _official("finance_officer"))
        response = client.get(
            "/official/interest/",
            {"amount": "5000", "start": "2025-05-15", "end": "2025-08-15", "kind": "grant"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "41,85\xa0€" in html and "33,90\xa0€" in html and "75,75\xa0€" in html
        assert "6,5 %" in html and "5,5 %" in html

    def test_a_missing_rate_is_explained_not_a_server_error(self, client):
        sign_in(client, _official())
        response = client.get(
            "/official/interest/",
            {"amount": "100", "start": "2026-06-01", "end": "2026-08-01", "kind": "penalty"},
        )
        assert response.status_code == 400
        assert "1.7.2026" in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        [
            {"amount": "abc", "start": "2025-01-01", "end": "2025-02-01", "kind": "grant"},
            {"amount": "100", "start": "2025-13-01", "end": "2025-02-01", "kind": "grant"},
            {"amount": "100", "start": "2025-03-01", "end": "2025-02-01", "kind": "grant"},
            {"amount": "100", "start": "2025-01-01", "end": "2025-02-01", "kind": "usury"},
        ],
    )
    def test_invalid_input_gets_a_message(self, client, query):
        sign_in(client, _official())
        response = client.get("/en/official/interest/", query)
        assert response.status_code == 400
        assert "Please correct the following" in response.content.decode()


class TestReferenceRateTable:
    def test_an_administrator_enters_the_next_half_years_rate_and_it_is_logged(self, client):
        administrator = _official("administrator")
        sign_in(client, administrator)
        response = client.post(
            "/official/reference-rates/",
            {"valid_from": "2026-07-01", "rate": "2.0", "source": "Suomen Pankin ilmoitus 1.7.–31.12.2026"},
        )
        assert response.status_code == 302
        assert ReferenceRate.objects.get(valid_from=D(2026, 7, 1)).rate == Decimal("2.00")
        entry = AuditEntry.objects.get(action="payments.reference_rate_entered")
        assert entry.actor == administrator and entry.details["rate"] == "2.0"
        assert _calculate("100.00", D(2026, 6, 1), D(2026, 8, 1)).periods[-1].rate == Decimal("5.00")

    def test_a_correction_keeps_the_previous_rate_in_the_log(self, client):
        sign_in(client, _official("administrator"))
        client.post(
            "/official/reference-rates/", {"valid_from": "2026-01-01", "rate": "3.0", "source": "Korjaus"}
        )
        entry = AuditEntry.objects.get(action="payments.reference_rate_corrected")
        assert entry.details["previous_rate"] == "2.50"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"valid_from": "2026-03-01", "rate": "2.0", "source": "x"}, "is set for a half-year"),
            (
                {"valid_from": "2026-07-01", "rate": "abc", "source": "x"},
                "Reference rate (%): Enter a number.",
            ),
            ({"valid_from": "2026-07-01", "rate": "99", "source": "x"}, "less than or equal to 50"),
            ({"valid_from": "2026-07-01", "rate": "2.0", "source": ""}, "Source: This field is required."),
        ],
    )
    def test_a_wrong_entry_is_refused_with_a_message_and_nothing_saved(self, client, data, message):
        sign_in(client, _official("administrator"))
        response = client.post("/en/official/reference-rates/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not ReferenceRate.objects.filter(valid_from__gte=D(2026, 7, 1)).exists()
        assert not ReferenceRate.objects.filter(valid_from=D(2026, 3, 1)).exists()

    def test_other_officials_read_the_table_but_cannot_enter(self, client):
        sign_in(client, _official("finance_officer"))
        page = client.get("/official/reference-rates/")
        assert page.status_code == 200 and "<form" not in page.content.decode().split("<main", 1)[-1]
        refused = client.post(
            "/official/reference-rates/", {"valid_from": "2026-07-01", "rate": "2", "source": "x"}
        )
        assert refused.status_code == 403
        assert not ReferenceRate.objects.filter(valid_from=D(2026, 7, 1)).exists()


ROLES = {
    "anonymous": lambda: AnonymousUser(),
    "applicant": lambda: MembershipFactory().person,
    "staff_without_role": lambda: _official(),
    "reviewer": lambda: _official("reviewer"),
    "presenter": lambda: _official("presenter"),
    "decider": lambda: _official("decision_maker"),
    "finance": lambda: _official("finance_officer"),
    "auditor": lambda: _official("auditor"),
    "manager": lambda: _official("programme_manager"),
    "administrator": lambda: _official("administrator"),
}
OFFICIALS = set(ROLES) - {"anonymous", "applicant"}
NEW_RATE = {"valid_from": "2026-07-01", "rate": "2.0", "source": "Suomen Pankki"}
PAGES = [
    ("GET", "/official/interest/", OFFICIALS, 200),
    ("GET", "/official/interest/?amount=100&start=2025-01-01&end=2025-06-01&kind=grant", OFFICIALS, 200),
    ("GET", "/official/reference-rates/", OFFICIALS, 200),
    ("POST", "/official/reference-rates/", {"administrator"}, 302),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("method", "path", "allowed", "code"), PAGES, ids=[f"{m} {p}" for m, p, _, _ in PAGES]
)
def test_who_may_use_the_pages(client, role, method, path, allowed, code):
    expected = LOGIN if role == "anonymous" else (code if role in allowed else 403)
    assert_access(client, ROLES[role](), method, path, expected, data=NEW_RATE if method == "POST" else None)


class TestApiTool:
    PATH = "/api/v1/tools/interest"

    def _get(self, client, user, **query):
        if user.is_staff:
            give_second_factor(user)
        _token, token = api_token_create(name="laskenta", acting_user=user)
        return client.get(self.PATH, query, HTTP_AUTHORIZATION=f"Bearer {token}")

    def test_an_officials_token_gets_the_periods_and_the_total(self, client):
        response = self._get(
            client,
            _official("finance_officer"),
            amount="5000.00",
            start="2025-05-15",
            end="2025-08-15",
            kind="grant",
        )
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == "75.75" and body["days"] == 92
        assert body["periods"] == [
            {
                "first_day": "2025-05-15",
                "last_day": "2025-06-30",
                "days": 47,
                "reference_rate": "3.50",
                "rate": "6.50",
                "interest": "41.85",
            },
            {
                "first_day": "2025-07-01",
                "last_day": "2025-08-14",
                "days": 45,
                "reference_rate": "2.50",
                "rate": "5.50",
                "interest": "33.90",
            },
        ]

    def test_an_applicants_token_is_refused(self, client):
        response = self._get(
            client,
            MembershipFactory().person,
            amount="100",
            start="2025-01-01",
            end="2025-02-01",
            kind="grant",
        )
        assert response.status_code == 403

    def test_no_token_no_answer(self, client):
        response = client.get(
            self.PATH, {"amount": "100", "start": "2025-01-01", "end": "2025-02-01", "kind": "grant"}
        )
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"amount": "1e5", "start": "2025-01-01", "end": "2025-02-01", "kind": "grant"}, "query.amount"),
            ({"amount": "100", "start": "2025-02-30", "end": "2025-03-01", "kind": "grant"}, "query.start"),
            ({"amount": "100", "start": "2025-01-01", "end": "2025-02-01", "kind": "other"}, "query.kind"),
            ({"amount": "100", "start": "2025-03-01", "end": "2025-02-01", "kind": "grant"}, "end"),
            ({"amount": "0", "start": "2025-01-01", "end": "2025-02-01", "kind": "grant"}, "amount"),
            ({"amount": "100", "start": "2026-06-01", "end": "2026-08-01", "kind": "penalty"}, ""),
        ],
    )
    def test_a_refusal_names_the_problem(self, client, query, field):
        response = self._get(client, _official(), **query)
        assert response.status_code == 422
        assert field in [problem["field"] for problem in response.json()["errors"]]
