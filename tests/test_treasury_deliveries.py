"""The State Treasury's data beyond calls, applications and decisions (688/2001 §§32a–32e): payments, changes,
returns and recoveries, reports and settlement; the log of deliveries and the corrective deliveries of what has
changed since."""

import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import Outcome
from avustamo.grants.models import ChangeOutcome
from avustamo.hearings.models import HearingSubject
from avustamo.payments import services as payment_services
from avustamo.payments.models import InstalmentStatus, ReturnGround
from avustamo.treasury import export, services
from avustamo.treasury.models import DeliveredRecord, Delivery
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallFactory,
    ChangeRequestFactory,
    DecisionFactory,
    GrantFactory,
    MembershipFactory,
    ProgrammeFactory,
    ReportFactory,
    UserFactory,
    heard,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates_of_last_and_this_year")]
TODAY = helsinki_today()
PAID_ON = TODAY - datetime.timedelta(days=40)
CLAIM_REASONS = "Hanketta ei toteutettu suunnitellusti; rahastonhoitaja Aino Virtanen erosi."
MANAGER_NAME = "Pirjo Päättäjä"


def _manager():
    return UserFactory(roles=["programme_manager"], full_name=MANAGER_NAME)


def _tem_call(**terms):
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    if not agency.payment_iban:
        agency.payment_iban = "FI2112345600000785"
        agency.save(update_fields=["payment_iban"])
    return CallFactory(closed=True, programme=ProgrammeFactory(agency=agency), **terms)


def _claim(grant, *, amount="1000.00", ground=ReturnGround.NOT_USED_AS_DECIDED, manager=None):
    heard(grant)
    return payment_services.return_claim_create(
        grant=grant,
        ground=ground,
        amount=Decimal(amount),
        due_date=TODAY + datetime.timedelta(days=30),
        learned_on=TODAY - datetime.timedelta(days=10),
        reasons=CLAIM_REASONS,
        acting_user=manager or _manager(),
    )


@pytest.fixture
def money():
    """A grant of 10 000 € paid 6 000 € on acceptance 40 days ago (4 000 € waits for the final report), with a
    return of 1 000 € decided on it, reduced by 300 €, and offset by 200 € against a second grant of 5 000 € to the
    same recipient (accepted, its instalment due); the recipient has announced a voluntary return of 500 €."""
    call = _tem_call()
    paid = GrantFactory.paid(
        paid_on=PAID_ON,
        call=call,
        amount="10000.00",
        instalments=[
            {"percent": "60", "condition": "on_acceptance"},
            {"percent": "40", "condition": "after_final_report"},
        ],
    )
    manager = _manager()
    claim = _claim(paid, manager=manager)
    waiver = payment_services.claim_waive(
        claim=claim,
        amount=Decimal("300.00"),
        interest=Decimal("0"),
        reasons="Kohtuutonta.",
        acting_user=manager,
    )
    other_call = CallFactory(closed=True, programme=call.programme)
    application = ApplicationFactory.submitted(other_call, applicant=paid.application.submitted_by)
    other = GrantFactory.accepted(amount="5000.00", application=application)
    heard(paid, HearingSubject.OFFSET)
    offset = payment_services.claim_offset(
        claim=claim,
        instalment=other.instalments.get(),
        amount=Decimal("200.00"),
        reasons="Kuitataan saatava.",
        acting_user=manager,
    )
    announced = payment_services.voluntary_return_announce(
        grant=paid,
        amount=Decimal("500.00"),
        reasons="Käyttämättä jäi.",
        acting_user=paid.application.submitted_by,
    )
    claim.refresh_from_db()
    return {
        "call": call,
        "paid": paid,
        "other": other,
        "claim": claim,
        "waiver": waiver,
        "offset": offset,
        "announced": announced,
        "manager": manager,
    }


def _period(first: datetime.date, last: datetime.date = TODAY) -> export.Selection:
    return export.make_selection(first_day=first, last_day=last)


def _document(selection, kinds=export.RECORD_KINDS) -> dict:
    out = io.BytesIO()
    export.write_export(selection, "json", out, kinds=kinds)
    return json.loads(out.getvalue())


def _by(records: list[dict], key: str) -> dict:
    return {record[key]: record for record in records}


class TestPayments:
    def test_paid_and_offset_instalments_are_payments__planned_and_due_ones_are_not(self, money):
        paid, other, offset = money["paid"], money["other"], money["offset"]

        payments = _by(_document(_period(PAID_ON))["payments"], "payment_reference")

        first, waiting = paid.instalments.order_by("number")
        assert waiting.status == InstalmentStatus.PLANNED
        by_offset = offset.offset_instalment
        assert set(payments) == {first.reference, by_offset.reference}
        assert payments[first.reference] == {
            "payment_reference": first.reference,
            "decision_id": paid.decision_id,
            "application_reference": paid.application.register_number,
            "call_reference": money["call"].reference,
            "agency_code": "TEM",
            "instalment_number": 1,
            "paid_by": "paid",
            "amount": "6000.00",
            "paid_on": PAID_ON.isoformat(),
        }
        assert payments[by_offset.reference]["paid_by"] == "offset"
        assert payments[by_offset.reference]["amount"] == "200.00"
        assert payments[by_offset.reference]["decision_id"] == other.decision_id

    def test_a_payment_counts_from_its_day_of_payment(self, money):
        day = PAID_ON
        assert len(_document(_period(day, day), ["payments"])["payments"]) == 1
        after = day + datetime.timedelta(days=1)
        before = day - datetime.timedelta(days=1)
        assert _document(_period(after, TODAY - datetime.timedelta(days=1)), ["payments"])["payments"] == []
        assert _document(_period(before, before), ["payments"])["payments"] == []


class TestChanges:
    def test_a_decided_change_is_exported_and_an_open_one_is_not(self, money):
        decided = ChangeRequestFactory.decided(grant=money["paid"])
        ChangeRequestFactory.open(grant=money["other"])

        changes = _document(_period(PAID_ON))["changes"]

        part = decided.parts.get()
        assert changes == [
            {
                "change_id": f"change-{part.pk}",
                "change_type": "extension",
                "decision_id": money["paid"].decision_id,
                "application_reference": money["paid"].application.register_number,
                "call_reference": money["call"].reference,
                "agency_code": "TEM",
                "change_decision_date": decided.decision_date.isoformat(),
                "outcome": "accepted",
                "period_end_decided": part.decided_period_end.isoformat(),
                "budget_decided": [],
                "corrects_decision_id": None,
                "amount_before": None,
                "amount_after": None,
            }
        ]

    def test_a_rejected_change_has_its_outcome_and_puts_nothing_in_force(self, money):
        ChangeRequestFactory.decided(
            grant=money["paid"], outcome=ChangeOutcome.REJECTED, reasons="Ei perusteita."
        )

        (change,) = _document(_period(PAID_ON))["changes"]

        assert change["outcome"] == "rejected"
        assert change["period_end_decided"] is None

    def test_a_correcting_decision_is_a_change_with_the_amounts_before_and_after(self):
        original = DecisionFactory.signed(amount="12000.00")
        correction = DecisionFactory.signed(corrects=original, amount="9500.00")
        DecisionFactory(corrects=DecisionFactory.signed())  # a draft correction never leaves

        changes = _document(_period(TODAY, TODAY))["changes"]

        assert changes == [
            {
                "change_id": f"correction-{correction.pk}",
                "change_type": "decision_correction",
                "decision_id": correction.pk,
                "application_reference": original.application.register_number,
                "call_reference": original.application.call.reference,
                "agency_code": original.application.call.programme.agency.code,
                "change_decision_date": TODAY.isoformat(),
                "outcome": Outcome.APPROVED,
                "period_end_decided": correction.period_end.isoformat(),
                "budget_decided": None,
                "corrects_decision_id": original.pk,
                "amount_before": "12000.00",
                "amount_after": "9500.00",
            }
        ]


class TestReturns:
    def test_the_return_its_waiver_its_offset_and_the_voluntary_return_each_have_a_record(self, money):
        claim, waiver, offset, announced = (
            money["claim"],
            money["waiver"],
            money["offset"],
            money["announced"],
        )

        returns = _by(_document(_period(PAID_ON))["returns"], "return_id")

        assert set(returns) == {
            f"claim-{claim.pk}",
            f"waiver-{waiver.pk}",
            f"offset-{offset.pk}",
            f"voluntary-{announced.pk}",
        }
        decided = returns[f"claim-{claim.pk}"]
        assert decided["return_type"] == "return"
        assert decided["ground"] == ReturnGround.NOT_USED_AS_DECIDED
        assert decided["amount"] == "1000.00"
        assert decided["interest"] == str(claim.interest)
        assert decided["due_date"] == claim.due_date.isoformat()
        assert decided["waived_amount"] == "300.00"
        assert decided["offset_amount"] == str(claim.offset_amount)
        assert decided["received_on"] is None
        assert returns[f"waiver-{waiver.pk}"] | {"return_id": None} == {
            "return_id": None,
            "return_type": "waiver",
            "claim_id": f"claim-{claim.pk}",
            "decision_id": money["paid"].decision_id,
            "application_reference": money["paid"].application.register_number,
            "call_reference": money["call"].reference,
            "agency_code": "TEM",
            "ground": None,
            "event_date": TODAY.isoformat(),
            "amount": "300.00",
            "interest": "0.00",
            "due_date": None,
            "waived_amount": None,
            "waived_interest": None,
            "offset_amount": None,
            "offset_interest": None,
            "received_on": None,
            "penalty_interest": None,
            "offset_payment_reference": None,
        }
        offset_record = returns[f"offset-{offset.pk}"]
        assert offset_record["offset_payment_reference"] == offset.from_instalment.reference
        assert (offset_record["amount"], offset_record["interest"]) == (
            str(offset.principal),
            str(offset.interest),
        )
        voluntary = returns[f"voluntary-{announced.pk}"]
        assert (voluntary["return_type"], voluntary["amount"], voluntary["claim_id"]) == (
            "voluntary_return",
            "500.00",
            None,
        )

    def test_a_recovery_is_told_from_a_return_by_its_ground(self, money):
        recovery = _claim(money["paid"], amount="400.00", ground=ReturnGround.MATERIAL_BREACH)

        returns = _by(_document(_period(TODAY, TODAY), ["returns"])["returns"], "return_id")

        assert returns[f"claim-{recovery.pk}"]["return_type"] == "recovery"
        assert returns[f"claim-{money['claim'].pk}"]["return_type"] == "return"


class TestReports:
    def test_a_sent_report_and_an_approved_final_report_with_its_settlement__a_draft_never(self):
        call = _tem_call(min_grant=Decimal("10000.00"))
        approved = ReportFactory.approved(grant=GrantFactory.to_report_on(call))
        grant = GrantFactory.to_report_on(call)
        draft = ReportFactory.draft(grant=grant)

        reports = _by(_document(_period(TODAY, TODAY), ["reports"])["reports"], "report_id")

        assert draft.pk not in reports
        record = reports[approved.pk]
        assert record["report_type"] == "final"
        assert record["status"] == "approved"
        assert record["due_date"] == approved.due_date.isoformat()
        assert record["accepted_costs"] == "12000.00"
        assert record["settlement_awarded"] == "12000.00"
        assert record["settlement_earned"] == approved.settlement["earned"]
        assert record["settlement_to_return"] == approved.settlement["to_return"]
        assert record["finances_approved_at"] is not None


class TestNoPersonalDataOrFreeText:
    def test_reasons_notes_and_the_people_who_decided_never_leave(self, money):
        ChangeRequestFactory.decided(grant=money["paid"], reasons="Esittelijän perustelu.")

        text = json.dumps(_document(_period(PAID_ON)), ensure_ascii=False)

        for secret in (
            CLAIM_REASONS,
            "Kohtuutonta.",
            "Kuitataan saatava.",
            "Käyttämättä jäi.",
            "Ryhmät jatkuvat kevääseen.",
            "Esittelijän perustelu.",
            MANAGER_NAME,
            money["paid"].application.submitted_by.full_name,
            money["paid"].application.submitted_by.email,
            "FI2112345600000785",
        ):
            assert secret not in text


class TestQueries:
    def test_the_export_reads_a_fixed_number_of_statements_whatever_the_number_of_grants(
        self, money, django_assert_num_queries
    ):
        selection = export.make_selection(call_reference=money["call"].reference)
        with django_assert_num_queries(EXPORT_QUERIES):
            export.write_export(selection, "json", io.BytesIO())
        for _more in range(2):
            grant = GrantFactory.paid(call=money["call"], amount="10000.00")
            _claim(grant)
            ChangeRequestFactory.decided(grant=grant)
        with django_assert_num_queries(EXPORT_QUERIES):
            counts = export.write_export(selection, "json", io.BytesIO())
        assert (counts["payments"], counts["changes"]) == (3, 2)


# Calls, applications with their regions, decisions, payments, the change parts and the corrections, the returns'
# four sources and the reports.
EXPORT_QUERIES = 12


# --- Deliveries ------------------------------------------------------------------------------------------------


def _deliver(selection, *, kinds=export.RECORD_KINDS, file_format="json", user=None) -> Delivery:
    return services.delivery_produce(
        selection=selection,
        record_kinds=kinds,
        file_format=file_format,
        acting_user=user or UserFactory(roles=["finance_officer"], full_name="Fiia Talous"),
    )


def _stored(delivery: Delivery) -> bytes:
    with delivery.file.open("rb") as stored:
        return stored.read()


class TestDelivery:
    def test_a_delivery_keeps_its_file_its_checksum_its_counts_and_every_record(self, money):
        officer = UserFactory(roles=["finance_officer"])
        delivery = _deliver(_period(PAID_ON), kinds=["returns", "payments"], user=officer)

        content = _stored(delivery)
        assert delivery.checksum == hashlib.sha256(content).hexdigest()
        assert delivery.size == len(content)
        document = json.loads(content)
        assert list(document) == [
            "layout_version",
            "generated_at",
            "selection",
            "correction_of",
            "payments",
            "returns",
        ]
        assert document["correction_of"] is None
        assert delivery.record_kinds == ["payments", "returns"]
        assert delivery.counts == {"payments": 2, "returns": 4}
        assert delivery.produced_by == officer
        assert delivery.layout_version == export.LAYOUT_VERSION
        keys = set(delivery.records.values_list("kind", "key"))
        assert ("returns", f"claim-{money['claim'].pk}") in keys
        assert len(keys) == 6
        entry = AuditEntry.objects.get(action="treasury.delivered")
        assert entry.actor == officer
        assert entry.target_id == str(delivery.pk)
        assert entry.details["checksum"] == delivery.checksum
        assert entry.details["payments"] == 2

    def test_a_csv_delivery_is_a_zip_of_the_chosen_kinds(self, money):
        delivery = _deliver(
            export.make_selection(call_reference=money["call"].reference),
            kinds=["payments"],
            file_format="csv",
        )

        archive = zipfile.ZipFile(io.BytesIO(_stored(delivery)))

        assert sorted(archive.namelist()) == ["export.json", "payments.csv"]
        assert json.loads(archive.read("export.json"))["counts"] == {"payments": 1}

    @pytest.mark.parametrize("role", ["auditor", "presenter", "decision_maker", "reviewer"])
    def test_those_who_do_not_deliver_are_refused_by_the_service_too(self, role):
        official = UserFactory(roles=[role])
        original = _deliver(_period(TODAY, TODAY), kinds=["decisions"])
        DecisionFactory.signed()

        with pytest.raises(PermissionDenied):
            _deliver(_period(TODAY, TODAY), kinds=["decisions"], user=official)
        with pytest.raises(PermissionDenied):
            services.delivery_correct(delivery=original, acting_user=official)

        assert Delivery.objects.count() == 1

    @pytest.mark.parametrize(
        ("kinds", "file_format", "code"),
        [
            ([], "json", "no_record_kinds"),
            (["payments", "grants"], "json", "unknown_record_kind"),
            (["calls"], "xml", "unknown_format"),
        ],
    )
    def test_refusals_save_nothing(self, kinds, file_format, code):
        with pytest.raises(ValidationError) as refusal:
            _deliver(_period(TODAY, TODAY), kinds=kinds, file_format=file_format)

        assert refusal.value.code == code
        assert not Delivery.objects.exists()
        assert not AuditEntry.objects.filter(action="treasury.delivered").exists()


class TestCorrection:
    def test_only_the_changed_and_the_new_records_are_sent_again__marked_as_a_correction(self, money):
        claim = money["claim"]
        original = _deliver(_period(PAID_ON), kinds=["payments", "returns"])
        # Since then the money of the claim came back; the payments and the other returns are as they were.
        officer = UserFactory(roles=["finance_officer"])
        payment_services.return_claim_received(claim=claim, received_on=TODAY, acting_user=officer)

        correction = services.delivery_correct(delivery=original, acting_user=officer)

        document = json.loads(_stored(correction))
        assert document["correction_of"] == {
            "delivery_id": original.pk,
            "produced_at": document["correction_of"]["produced_at"],
            "checksum": original.checksum,
        }
        assert document["payments"] == []
        assert [record["return_id"] for record in document["returns"]] == [f"claim-{claim.pk}"]
        assert document["returns"][0]["received_on"] == TODAY.isoformat()
        assert correction.corrects == original
        assert correction.counts == {"payments": 0, "returns": 1}
        assert (correction.call, correction.first_day, correction.last_day) == (None, PAID_ON, TODAY)

    def test_a_corrected_decision_sends_the_correction_and_not_the_unchanged_original(self):
        original_decision = DecisionFactory.signed(amount="12000.00")
        delivery = _deliver(_period(TODAY, TODAY), kinds=["decisions", "changes"])
        correcting = DecisionFactory.signed(corrects=original_decision, amount="9000.00")

        correction = services.delivery_correct(
            delivery=delivery, acting_user=UserFactory(roles=["finance_officer"])
        )

        document = json.loads(_stored(correction))
        assert [record["decision_id"] for record in document["decisions"]] == [correcting.pk]
        assert [record["change_id"] for record in document["changes"]] == [f"correction-{correcting.pk}"]

    def test_nothing_changed_is_refused_and_saves_nothing(self, money):
        original = _deliver(_period(PAID_ON))

        with pytest.raises(ValidationError) as refusal:
            services.delivery_correct(delivery=original, acting_user=UserFactory(roles=["finance_officer"]))

        assert refusal.value.code == "nothing_changed"
        assert Delivery.objects.count() == 1
        assert AuditEntry.objects.filter(action="treasury.delivered").count() == 1

    def test_a_second_correction_compares_with_the_first_correction_and_corrects_the_original(self, money):
        claim = money["claim"]
        officer = UserFactory(roles=["finance_officer"])
        original = _deliver(_period(PAID_ON), kinds=["returns"])
        payment_services.return_claim_received(claim=claim, received_on=TODAY, acting_user=officer)
        first = services.delivery_correct(delivery=original, acting_user=officer)

        with pytest.raises(ValidationError):
            services.delivery_correct(delivery=first, acting_user=officer)
        recovery = _claim(money["paid"], amount="100.00", ground=ReturnGround.MATERIAL_BREACH)
        second = services.delivery_correct(delivery=first, acting_user=officer)

        assert second.corrects == original
        assert list(second.records.values_list("key", flat=True)) == [f"claim-{recovery.pk}"]
        assert DeliveredRecord.objects.filter(delivery__in=[original, first, second]).count() == 4 + 1 + 1


class TestCommand:
    def test_chosen_kinds_are_written_and_the_export_is_not_a_delivery(self, money, tmp_path):
        output = tmp_path / "maksut.json"

        call_command(
            "export_treasury_data",
            "--call",
            money["call"].reference,
            "--kinds",
            "payments,returns",
            "--output",
            output,
            stdout=io.StringIO(),
        )

        document = json.loads(output.read_text())
        assert list(document)[-2:] == ["payments", "returns"]
        assert len(document["returns"]) == 4
        assert not Delivery.objects.exists()

    def test_deliver_keeps_the_file_in_the_log__the_output_is_the_same_bytes(self, money, tmp_path):
        output = tmp_path / "toimitus.zip"
        stdout = io.StringIO()

        call_command(
            "export_treasury_data",
            "--from",
            PAID_ON.isoformat(),
            "--to",
            TODAY.isoformat(),
            "--format",
            "csv",
            "--kinds",
            "payments",
            "--deliver",
            "--output",
            output,
            stdout=stdout,
        )

        delivery = Delivery.objects.get()
        assert output.read_bytes() == _stored(delivery)
        assert delivery.produced_by is None
        assert delivery.counts == {"payments": 2}
        assert f"Delivery {delivery.pk}, SHA-256 {delivery.checksum}." in stdout.getvalue()
        assert AuditEntry.objects.get(action="treasury.delivered").actor is None

    @pytest.mark.parametrize("kinds", ["", "payments,grants"])
    def test_unknown_kinds_are_refused_and_nothing_is_written(self, tmp_path, kinds):
        output = tmp_path / "x.json"

        with pytest.raises(CommandError, match="give kinds separated by commas"):
            call_command(
                "export_treasury_data",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-31",
                "--kinds",
                kinds,
                "--output",
                output,
            )

        assert not output.exists()
        assert not Delivery.objects.exists()


# --- Pages -----------------------------------------------------------------------------------------------------

LOG = "/official/treasury-deliveries/"
ROLES = [
    "anonymous",
    "applicant",
    "staff_without_role",
    "presenter",
    "decider",
    "reviewer",
    "manager",
    "finance",
    "auditor",
    "administrator",
]
READERS = {"manager", "finance", "auditor", "administrator"}
DELIVERERS = {"manager", "finance", "administrator"}


@pytest.fixture
def users(db):
    return {
        "anonymous": AnonymousUser(),
        "applicant": MembershipFactory().person,
        "staff_without_role": UserFactory(official=True),
        "presenter": UserFactory(roles=["presenter"]),
        "decider": UserFactory(roles=["decision_maker"]),
        "reviewer": UserFactory(roles=["reviewer"]),
        "manager": UserFactory(roles=["programme_manager"]),
        "finance": UserFactory(roles=["finance_officer"]),
        "auditor": UserFactory(roles=["auditor"]),
        "administrator": UserFactory(roles=["administrator"]),
    }


@pytest.fixture
def delivered(db):
    decision = DecisionFactory.signed()
    delivery = _deliver(_period(TODAY, TODAY), kinds=["decisions"])
    return {"decision": decision, "delivery": delivery}


class TestPages:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_log_and_the_files_are_for_those_who_read_everything(self, client, users, delivered, role):
        delivery = delivered["delivery"]
        want = LOGIN if role == "anonymous" else 200 if role in READERS else 403
        assert_access(client, users[role], "GET", LOG, want)
        assert_access(client, users[role], "GET", f"{LOG}{delivery.pk}/file/", want)

    @pytest.mark.parametrize("role", ROLES)
    def test_only_finance_officers_managers_and_administrators_deliver(self, client, users, delivered, role):
        delivery = delivered["delivery"]
        DecisionFactory.signed()  # something new to correct
        want = LOGIN if role == "anonymous" else 302 if role in DELIVERERS else 403
        assert_access(
            client,
            users[role],
            "POST",
            LOG,
            want,
            {
                "first_day": TODAY.isoformat(),
                "last_day": TODAY.isoformat(),
                "record_kinds": ["calls"],
                "file_format": "json",
            },
        )
        assert_access(client, users[role], "POST", f"{LOG}{delivery.pk}/correct/", want)
        produced = Delivery.objects.exclude(pk=delivery.pk)
        assert produced.count() == (2 if role in DELIVERERS else 0)
        if role in DELIVERERS:
            assert produced.filter(corrects=delivery).count() == 1

    def test_the_log_lists_each_delivery_with_its_counts_checksum_and_a_download(
        self, client, users, delivered
    ):
        delivery = delivered["delivery"]
        sign_in(client, users["auditor"])

        page = client.get(LOG).content.decode()

        assert f'href="{LOG}{delivery.pk}/file/"' in page
        assert delivery.checksum in page
        assert "Päätökset: 1" in page
        assert "Tuota toimitus" not in page  # an auditor reads the log, and does not deliver
        assert f"{LOG}{delivery.pk}/correct/" not in page

    def test_the_download_is_the_same_bytes_as_delivered(self, client, users, delivered):
        delivery = delivered["delivery"]
        sign_in(client, users["auditor"])

        response = client.get(f"{LOG}{delivery.pk}/file/")

        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == delivery.checksum
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == (
            f'attachment; filename="treasury-delivery-{delivery.pk}-{TODAY.isoformat()}_{TODAY.isoformat()}.json"'
        )
        downloaded = AuditEntry.objects.get(action="treasury.delivery_downloaded")
        assert (downloaded.actor, downloaded.target_id) == (users["auditor"], str(delivery.pk))

    def test_a_delivery_produced_on_the_page_is_logged_and_listed(self, client, users, delivered):
        sign_in(client, users["finance"])

        response = client.post(
            LOG,
            {
                "first_day": TODAY.isoformat(),
                "last_day": TODAY.isoformat(),
                "record_kinds": ["decisions", "calls"],
                "file_format": "csv",
            },
            follow=True,
        )

        produced = Delivery.objects.latest("pk")
        assert produced.produced_by == users["finance"]
        assert produced.record_kinds == ["calls", "decisions"]
        assert produced.counts == {"calls": 0, "decisions": 1}
        assert f"Toimitus {produced.pk} on tuotettu." in response.content.decode()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"first_day": "2026-01-01", "last_day": "2026-01-31", "file_format": "json"},
                "This field is required.",
            ),
            (
                {
                    "record_kinds": ["grants"],
                    "first_day": "2026-01-01",
                    "last_day": "2026-01-31",
                    "file_format": "json",
                },
                "Select a valid choice.",
            ),
            ({"record_kinds": ["calls"], "file_format": "json"}, "Choose a call or a period to export."),
        ],
    )
    def test_refusals_show_the_form_with_the_reason_and_deliver_nothing(self, client, users, data, message):
        sign_in(client, users["finance"])

        response = client.post(f"/en{LOG}", data)

        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Delivery.objects.exists()

    def test_a_correction_with_nothing_changed_says_so(self, client, users, delivered):
        sign_in(client, users["finance"])

        response = client.post(f"/en{LOG}{delivered['delivery'].pk}/correct/", follow=True)

        assert "Nothing has changed since delivery" in response.content.decode()
        assert Delivery.objects.count() == 1

    def test_the_log_page_reads_a_fixed_number_of_statements(self, client, users, django_assert_num_queries):
        sign_in(client, users["finance"])
        DecisionFactory.signed()
        first = _deliver(_period(TODAY, TODAY), kinds=["decisions"])
        with django_assert_num_queries(LOG_QUERIES):
            assert client.get(LOG).status_code == 200
        DecisionFactory.signed()
        services.delivery_correct(delivery=first, acting_user=users["finance"])
        _deliver(_period(TODAY, TODAY))
        with django_assert_num_queries(LOG_QUERIES):
            assert client.get(LOG).status_code == 200


# The session, the user, their roles and their second factor, the form's calls, the count of deliveries and one page
# of them (each with its call, producer and corrected delivery joined).
LOG_QUERIES = 7
