"""Reports (issue 6, sections 5 and 6): the recipient writes the interim and final reports the decision asks for on
the call's report form; officials review the content, then a final report's finances, asking for completion
where needed; an approved report releases the instalment waiting for it, and the final report settles the grant
line by line. Reminders go out before and after each deadline, once each."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from avustamo.accounts.services import api_token_create
from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import Decision, Outcome
from avustamo.grants import services as grant_services
from avustamo.grants.models import GrantStatus
from avustamo.hearings.models import HearingSubject
from avustamo.payments import selectors as payment_selectors
from avustamo.payments import services as payment_services
from avustamo.payments.models import InstalmentStatus, ReturnGround
from avustamo.programmes.application_form.schema import REPORT_FACTS, FormDefinitionError, parse_definition
from avustamo.programmes.application_form.standard import standard_definition, standard_report_definition
from avustamo.reports import services
from avustamo.reports.models import Report, ReportAttachment, ReportReminder, ReportStatus
from avustamo.reports.selectors import reports_due
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    AgencyFactory,
    CallAssignmentFactory,
    CallFactory,
    ChangeRequestFactory,
    DecisionFactory,
    GrantFactory,
    MembershipFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    ReportFactory,
    UserFactory,
    heard,
    report_answers,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = helsinki_today()
FINAL_DUE = TODAY + datetime.timedelta(days=60)  # as GrantFactory.to_report_on asks it by default
INTERIM_DUE = TODAY + datetime.timedelta(days=10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ON_ACCEPTANCE = Decision.InstalmentCondition.ON_ACCEPTANCE
AFTER_INTERIM = Decision.InstalmentCondition.AFTER_INTERIM_REPORT
AFTER_FINAL = Decision.InstalmentCondition.AFTER_FINAL_REPORT


@pytest.fixture
def call():
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785", payment_bic="NDEAFIHH")
    return CallFactory(
        closed=True,
        programme=ProgrammeFactory(agency=agency),
        appropriation=Decimal("90000.00"),
        min_grant=Decimal("10000.00"),  # the grant to report on is of 12 000 €
    )


def _content_reviewer():
    return UserFactory(roles=["programme_manager"])


class TestReportForms:
    def test_the_standard_report_forms_are_valid_report_forms(self):
        for final in (True, False):
            definition = parse_definition(standard_report_definition(final), facts=REPORT_FACTS)
            assert set(definition.fact_questions()) == {"budget", "results", "vat_included"}

    def test_an_application_form_is_not_a_report_form(self):
        with pytest.raises(FormDefinitionError) as error, translation.override("en"):
            parse_definition(standard_definition(), facts=REPORT_FACTS)
        messages = [problem["message"] for problem in error.value.problems]
        assert "The standard block applicant does not belong in this kind of form." in messages

    def test_a_report_form_without_its_results_is_refused(self):
        definition = standard_report_definition(True)
        definition["sections"][0]["questions"].pop(1)
        with pytest.raises(FormDefinitionError) as error, translation.override("en"):
            parse_definition(definition, facts=REPORT_FACTS)
        assert [problem["code"] for problem in error.value.problems] == ["fact_missing"]

    def test_a_call_manager_saves_a_new_version_and_started_reports_keep_theirs(self, call):
        grant = GrantFactory.to_report_on(call)
        started = ReportFactory.draft(grant=grant)
        definition = standard_report_definition(True)
        definition["sections"][0]["title"]["fi"] = "Tulokset ja vaikutukset"
        manager = UserFactory(roles=["programme_manager"])
        form = services.report_form_save(call=call, kind="final", definition=definition, acting_user=manager)
        assert form.version == 2 and started.form.version == 1
        assert AuditEntry.objects.filter(action="report_form.saved", actor=manager).exists()

    def test_only_call_managers_save_report_forms(self, call):
        with pytest.raises(PermissionDenied):
            services.report_form_save(
                call=call,
                kind="final",
                definition=standard_report_definition(True),
                acting_user=UserFactory(roles=["presenter"]),
            )
        assert not call.report_forms.exists()


class TestWriting:
    def test_a_report_is_started_only_after_acceptance(self, call):
        grant = GrantFactory.awaiting_acceptance(
            call=call, reports_due=[{"kind": "final", "due": FINAL_DUE.isoformat()}]
        )
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_start(
                grant=grant, kind="final", due_date=FINAL_DUE, acting_user=grant.application.submitted_by
            )
        assert error.value.messages == ["Reports are written once the decision's terms have been accepted."]
        assert not Report.objects.exists()

    def test_only_the_reports_the_decision_asks_for(self, call):
        grant = GrantFactory.to_report_on(call)
        member = grant.application.submitted_by
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_start(grant=grant, kind="interim", due_date=FINAL_DUE, acting_user=member)
        assert error.value.messages == ["The decision asks for no such report."]
        assert not Report.objects.exists()

    def test_another_organisation_cannot_write_it(self, call):
        grant = GrantFactory.to_report_on(call)
        with pytest.raises(PermissionDenied):
            services.report_start(
                grant=grant, kind="final", due_date=FINAL_DUE, acting_user=MembershipFactory().person
            )
        assert not Report.objects.exists()

    def test_starting_again_opens_the_same_report(self, call):
        grant = GrantFactory.to_report_on(call)
        first = ReportFactory.draft(grant=grant, attach=False)
        again = services.report_start(
            grant=grant, kind="final", due_date=FINAL_DUE, acting_user=grant.application.submitted_by
        )
        assert again == first and Report.objects.count() == 1

    def test_malformed_answers_are_refused_and_nothing_is_saved(self, call):
        grant = GrantFactory.to_report_on(call)
        report = ReportFactory.draft(grant=grant, attach=False)
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_save(
                report=report,
                answers=report_answers() | {"age-18-29": "neljätoista"},
                version=report.version,
                acting_user=report.created_by,
            )
        assert "q-age-18-29" in error.value.message_dict
        report.refresh_from_db()
        assert report.answers["age-18-29"] == "14"

    def test_a_save_on_an_old_version_is_refused(self, call):
        report = ReportFactory.draft(grant=GrantFactory.to_report_on(call), attach=False)
        with pytest.raises(ValidationError) as error:
            services.report_save(
                report=report, answers={}, version=report.version - 1, acting_user=report.created_by
            )
        assert error.value.code == "stale"

    def test_sending_asks_for_everything_required(self, call):
        report = ReportFactory.started(grant=GrantFactory.to_report_on(call))
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_submit(report=report, acting_user=report.created_by)
        assert {
            "Answer “What did the project do?”.",
            "Enter the costs actually incurred.",
            "Attach: The project's profit and loss account.",
        } <= set(error.value.messages)
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT and report.submitted_at is None

    def test_a_file_of_another_type_is_refused(self, call):
        report = ReportFactory.draft(grant=GrantFactory.to_report_on(call), attach=False)
        with pytest.raises(ValidationError) as error:
            services.report_attachment_add(
                report=report,
                question_id="accounts",
                upload=SimpleUploadedFile("kuva.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
                acting_user=report.created_by,
            )
        assert error.value.code == "unaccepted_type"
        assert not ReportAttachment.objects.exists()

    def test_sending_tells_the_presenter_and_freezes_the_report(
        self, call, django_capture_on_commit_callbacks
    ):
        grant = GrantFactory.to_report_on(call)
        with django_capture_on_commit_callbacks(execute=True):
            report = ReportFactory.sent(grant=grant)
        assert (
            report.status == ReportStatus.SUBMITTED and report.submitted_by == grant.application.submitted_by
        )
        assert [message.to for message in mail.outbox] == [[CallAssignmentFactory.presenter_of(grant).email]]
        with pytest.raises(ValidationError) as error:
            services.report_save(
                report=report, answers={}, version=report.version, acting_user=report.created_by
            )
        assert error.value.code == "sent"


class TestReview:
    def test_an_approved_interim_report_releases_the_instalment_waiting_for_it(self, call):
        grant = GrantFactory.to_report_on(
            call,
            instalments=((50, ON_ACCEPTANCE), (50, AFTER_INTERIM)),
            reports=(("interim", INTERIM_DUE), ("final", FINAL_DUE)),
        )
        report = ReportFactory.sent(grant=grant, kind="interim", due_date=INTERIM_DUE)
        second = grant.instalments.get(number=2)
        assert second.status == InstalmentStatus.PLANNED
        approved = services.report_approve_content(
            report=report, notes="Hyvä.", acting_user=CallAssignmentFactory.presenter_of(grant)
        )
        assert approved.status == ReportStatus.APPROVED
        second.refresh_from_db()
        assert second.status == InstalmentStatus.DUE
        assert payment_selectors.reconciliation_problems(grant) == []

    def test_a_final_report_goes_from_content_to_finances(self, call):
        report = ReportFactory.content_approved(grant=GrantFactory.to_report_on(call))
        assert report.status == ReportStatus.CONTENT_APPROVED
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_approve_content(
                report=report, notes="", acting_user=UserFactory(roles=["finance_officer"])
            )
        assert error.value.messages == ["The content of this report has been approved already."]
        with pytest.raises(PermissionDenied):
            services.report_approve_content(report=report, notes="", acting_user=_content_reviewer())

    def test_content_is_reviewed_by_the_presenter_or_a_programme_manager_only(self, call):
        report = ReportFactory.sent(grant=GrantFactory.to_report_on(call))
        for user in (
            UserFactory(roles=["finance_officer"]),
            UserFactory(roles=["reviewer"]),
            report.created_by,
        ):
            with pytest.raises(PermissionDenied):
                services.report_approve_content(report=report, notes="", acting_user=user)
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    def test_finances_are_reviewed_by_a_finance_officer_only(self, call):
        report = ReportFactory.content_approved(grant=GrantFactory.to_report_on(call))
        with pytest.raises(PermissionDenied):
            services.report_approve_finances(
                report=report, accepted_costs=Decimal("12000.00"), notes="", acting_user=_content_reviewer()
            )

    def test_no_more_costs_are_accepted_than_reported(self, call):
        report = ReportFactory.content_approved(grant=GrantFactory.to_report_on(call))
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_approve_finances(
                report=report,
                accepted_costs=Decimal("12000.01"),
                notes="",
                acting_user=UserFactory(roles=["finance_officer"]),
            )
        assert error.value.message_dict == {
            "accepted_costs": ["No more can be accepted than the report shows: €12,000."]
        }
        report.refresh_from_db()
        assert report.status == ReportStatus.CONTENT_APPROVED and report.accepted_costs is None

    def test_costs_left_out_need_reasons(self, call):
        report = ReportFactory.content_approved(grant=GrantFactory.to_report_on(call))
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_approve_finances(
                report=report,
                accepted_costs=Decimal("11000.00"),
                notes=" ",
                acting_user=UserFactory(roles=["finance_officer"]),
            )
        assert list(error.value.message_dict) == ["notes"]
        assert report.grant.instalments.filter(status=InstalmentStatus.CANCELLED).count() == 0


class TestSettlement:
    def _settled(self, call, accepted):
        grant = GrantFactory.to_report_on(call)
        PaymentBatchFactory.paid(agency=call.programme.agency)  # 60 %: 7 200 €
        report = ReportFactory.content_approved(grant=grant)
        heard(grant, HearingSubject.SETTLEMENT)
        settlement = services.report_approve_finances(
            report=report,
            accepted_costs=Decimal(accepted),
            notes="Matkakuluja ei hyväksytty.",
            acting_user=UserFactory(roles=["finance_officer"]),
        )
        grant.refresh_from_db()
        return grant, settlement

    def test_earned_beyond_what_was_paid_becomes_the_last_instalment(self, call):
        # 11 000 € x 80 % = 8 800 € earned; 7 200 € paid; 1 600 € to pay instead of the planned 4 800 €.
        grant, settlement = self._settled(call, "11000.00")
        assert (settlement.earned, settlement.to_pay, settlement.to_return) == (
            Decimal("8800.00"),
            Decimal("1600.00"),
            Decimal("0.00"),
        )
        assert [(i.amount, i.condition, i.status) for i in grant.instalments.order_by("number")] == [
            (Decimal("7200.00"), ON_ACCEPTANCE, InstalmentStatus.PAID),
            (Decimal("4800.00"), AFTER_FINAL, InstalmentStatus.CANCELLED),
            (Decimal("1600.00"), AFTER_FINAL, InstalmentStatus.DUE),
        ]
        ledger = payment_selectors.ledger_of(grant)
        assert (ledger.in_force, ledger.paid, ledger.owed) == (
            Decimal("8800.00"),
            Decimal("7200.00"),
            Decimal("1600.00"),
        )
        assert payment_selectors.reconciliation_problems(grant) == []
        report = grant.reports.get()
        assert report.status == ReportStatus.APPROVED and report.settlement["earned"] == "8800.00"

    def test_paid_beyond_what_was_earned_is_to_return(self, call):
        # 5 000 € x 80 % = 4 000 € earned; 7 200 € paid: 3 200 € to return, nothing more to pay.
        grant, settlement = self._settled(call, "5000.00")
        assert (settlement.earned, settlement.over_paid, settlement.to_return) == (
            Decimal("4000.00"),
            Decimal("3200.00"),
            Decimal("3200.00"),
        )
        assert not grant.instalments.filter(
            status__in=[InstalmentStatus.DUE, InstalmentStatus.PLANNED]
        ).exists()
        assert payment_selectors.ledger_of(grant).in_force == Decimal("7200.00")
        assert payment_selectors.reconciliation_problems(grant) == []

    def test_a_hundred_euros_or_less_is_not_reclaimed(self, call):
        # 8 875 € x 80 % = 7 100 € earned; 100 € paid beyond it is not reclaimed (20 §).
        _, settlement = self._settled(call, "8875.00")
        assert (settlement.over_paid, settlement.to_return, settlement.not_reclaimed) == (
            Decimal("100.00"),
            Decimal("0.00"),
            Decimal("100.00"),
        )


class TestCompletion:
    def test_a_completed_report_returns_to_the_step_it_was_asked_at(
        self, call, django_capture_on_commit_callbacks
    ):
        report = ReportFactory.content_approved(grant=GrantFactory.to_report_on(call))
        finance = UserFactory(roles=["finance_officer"])
        with django_capture_on_commit_callbacks(execute=True):
            services.report_request_completion(
                report=report,
                message="Liitä tositeluettelo.",
                due_date=TODAY + datetime.timedelta(days=14),
                acting_user=finance,
            )
        report.refresh_from_db()
        assert report.status == ReportStatus.COMPLETION_REQUESTED
        assert [message.to for message in mail.outbox] == [[report.submitted_by.email]]
        assert "Liitä tositeluettelo." in mail.outbox[0].body
        report = services.report_save(
            report=report, answers=report_answers(), version=report.version, acting_user=report.created_by
        )
        report = services.report_submit(report=report, acting_user=report.created_by)
        assert report.status == ReportStatus.CONTENT_APPROVED
        assert report.completion_requests.get().answered_at is not None

    def test_a_request_needs_a_message_and_a_future_date(self, call):
        report = ReportFactory.sent(grant=GrantFactory.to_report_on(call))
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.report_request_completion(
                report=report,
                message=" ",
                due_date=TODAY,
                acting_user=CallAssignmentFactory.presenter_of(report.grant),
            )
        assert set(error.value.message_dict) == {"message", "due_date"}
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and not report.completion_requests.exists()

    def test_a_draft_cannot_be_asked_to_be_completed(self, call):
        report = ReportFactory.draft(grant=GrantFactory.to_report_on(call))
        with pytest.raises(ValidationError) as error:
            services.report_request_completion(
                report=report,
                message="x",
                due_date=TODAY + datetime.timedelta(days=3),
                acting_user=CallAssignmentFactory.presenter_of(report.grant),
            )
        assert error.value.code == "not_in_review"


class TestReminders:
    def test_reminders_go_before_and_after_the_deadline_once_each(
        self, call, django_capture_on_commit_callbacks
    ):
        grant = GrantFactory.to_report_on(call, reports=(("final", TODAY + datetime.timedelta(days=14)),))
        member = grant.application.submitted_by
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_report_reminders(today=TODAY - datetime.timedelta(days=1)) == 0
            assert services.send_report_reminders(today=TODAY) == 1
            assert services.send_report_reminders(today=TODAY) == 0
            assert services.send_report_reminders(today=TODAY + datetime.timedelta(days=15)) == 1
            assert services.send_report_reminders(today=TODAY + datetime.timedelta(days=30)) == 0
        assert [message.to for message in mail.outbox] == [[member.email], [member.email]]
        assert set(ReportReminder.objects.values_list("timing", flat=True)) == {"before", "after"}

    def test_a_sent_report_is_not_reminded_of(self, call):
        grant = GrantFactory.to_report_on(call, reports=(("final", TODAY + datetime.timedelta(days=3)),))
        ReportFactory.sent(grant=grant, due_date=TODAY + datetime.timedelta(days=3))
        assert services.send_report_reminders(today=TODAY) == 0

    def test_the_command_runs_the_reminders(self, call, capsys):
        GrantFactory.to_report_on(call, reports=(("final", TODAY + datetime.timedelta(days=3)),))
        call_command("send_report_reminders")
        assert capsys.readouterr().out.strip() == "1 reminders queued."


def _report_path(report):
    return f"/applications/{report.grant.application_id}/reports/{report.pk}/"


ROLES = {
    "anonymous": lambda report: AnonymousUser(),
    "member": lambda report: report.created_by,
    "other_member": lambda report: MembershipFactory().person,
    "presenter": lambda report: CallAssignmentFactory.presenter_of(report.grant),
    "programme_manager": lambda report: UserFactory(roles=["programme_manager"]),
    "finance_officer": lambda report: UserFactory(roles=["finance_officer"]),
    "reviewer": lambda report: UserFactory(roles=["reviewer"]),
    "auditor": lambda report: UserFactory(roles=["auditor"]),
    "decision_maker": lambda report: UserFactory(roles=["decision_maker"]),
    "other_presenter": lambda report: UserFactory(roles=["presenter"]),
}
PAGES = [
    # (path, who sees it)
    (_report_path, {"member"}),
    (
        lambda report: f"/official/reports/{report.pk}/",
        {"presenter", "programme_manager", "finance_officer", "auditor", "decision_maker"},
    ),
    (
        lambda report: f"/applications/report-attachments/{report.attachments.get().pk}/",
        {"member", "presenter", "programme_manager", "finance_officer", "auditor", "decision_maker"},
    ),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_who_may_see_a_report(client, call, role, page):
    report = ReportFactory.sent(grant=GrantFactory.to_report_on(call))
    path, allowed = PAGES[page]
    user = ROLES[role](report)
    expected = LOGIN if role == "anonymous" else (200 if role in allowed else 404)
    assert_access(client, user, "GET", path(report), expected)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_open_the_review_list(client, call, role):
    report = ReportFactory.sent(grant=GrantFactory.to_report_on(call))
    user = ROLES[role](report)
    officials = {
        "presenter",
        "programme_manager",
        "finance_officer",
        "reviewer",
        "auditor",
        "decision_maker",
        "other_presenter",
    }
    expected = LOGIN if role == "anonymous" else (200 if role in officials else 403)
    assert_access(client, user, "GET", "/official/reports/", expected)


def test_the_review_list_shows_each_official_the_step_they_take(client, call):
    grant = GrantFactory.to_report_on(call)
    report = ReportFactory.sent(grant=grant)
    sign_in(client, CallAssignmentFactory.presenter_of(grant))
    assert grant.application.register_number in client.get("/official/reports/").content.decode()
    sign_in(client, UserFactory(roles=["finance_officer"]))
    assert grant.application.register_number not in client.get("/official/reports/").content.decode()
    services.report_approve_content(report=report, notes="", acting_user=_content_reviewer())
    assert grant.application.register_number in client.get("/official/reports/").content.decode()


def test_the_recipient_writes_and_sends_a_report_through_the_pages(client, call):
    grant = GrantFactory.to_report_on(call)
    member = grant.application.submitted_by
    sign_in(client, member)
    decision_page = client.get(f"/applications/{grant.application_id}/decision/")
    assert "Write the final report" in decision_page.content.decode() or decision_page.status_code == 200
    response = client.post(
        f"/applications/{grant.application_id}/reports/start/",
        {"kind": "final", "due_date": FINAL_DUE.isoformat()},
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == _report_path(report)
    posted = {
        "version": report.version,
        "action": "submit",
        "q-activities-done": "Ryhmät kokoontuivat viikoittain.",
        "q-results": "Tavoitteet saavutettiin.",
        "q-vat-included": "yes",
        "q-actual-budget-personnel": "10000,00",
        "question-accounts": SimpleUploadedFile("tuloslaskelma.pdf", PDF),
    }
    response = client.post(_report_path(report), posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.attachments.count() == 1


def test_a_report_with_problems_is_shown_again_with_them(client, call):
    grant = GrantFactory.to_report_on(call)
    report = ReportFactory.draft(grant=grant, attach=False)
    sign_in(client, report.created_by)
    with translation.override("en"):
        response = client.post(
            _report_path(report),
            {"version": report.version, "action": "submit", "q-results": "x"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_official_approves_through_the_review_page(client, call):
    grant = GrantFactory.to_report_on(call)
    PaymentBatchFactory.paid(agency=call.programme.agency)
    report = ReportFactory.sent(grant=grant)
    sign_in(client, CallAssignmentFactory.presenter_of(grant))
    assert (
        client.post(f"/official/reports/{report.pk}/", {"action": "approve", "notes": ""}).status_code == 302
    )
    finance = UserFactory(roles=["finance_officer"])
    sign_in(client, finance)
    page = client.get(f"/official/reports/{report.pk}/").content.decode()
    assert "Step 2" in page or "Vaihe 2" in page
    approve = {"action": "approve", "accepted_costs": "12000.00", "notes": ""}
    # 12 000 € x 80 % earns 9 600 € of the 12 000 € awarded: a cut on which the recipient is heard first.
    refused = client.post(f"/en/official/reports/{report.pk}/", approve)
    assert refused.status_code == 400 and "has not been heard" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.CONTENT_APPROVED and not report.settlement
    heard(grant, HearingSubject.SETTLEMENT)
    response = client.post(f"/official/reports/{report.pk}/", approve)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.settlement["to_pay"] == "2400.00"


REVIEWERS_OF_CONTENT = {"presenter", "programme_manager"}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_approve_a_reports_content(client, call, role):
    report = ReportFactory.sent(grant=GrantFactory.to_report_on(call))
    user = ROLES[role](report)
    readers = {"presenter", "programme_manager", "finance_officer", "auditor", "decision_maker"}
    if role == "anonymous":
        expected = LOGIN
    elif role in REVIEWERS_OF_CONTENT:
        expected = 302
    else:
        expected = 403 if role in readers else 404
    assert_access(
        client, user, "POST", f"/official/reports/{report.pk}/", expected, data={"action": "approve"}
    )
    report.refresh_from_db()
    assert (report.status == ReportStatus.CONTENT_APPROVED) == (role in REVIEWERS_OF_CONTENT)


class TestReportFormEditor:
    def test_a_manager_saves_the_calls_final_report_form(self, client, call):
        manager = UserFactory(roles=["programme_manager"])
        sign_in(client, manager)
        page = client.get(f"/official/calls/{call.pk}/report-forms/final/")
        assert page.status_code == 200 and "actual-budget" in page.content.decode()
        definition = standard_report_definition(True)
        definition["sections"][0]["title"]["fi"] = "Mitä saatiin aikaan"
        response = client.post(
            f"/official/calls/{call.pk}/report-forms/final/",
            {"definition": json.dumps(definition), "action": "save"},
        )
        assert response.status_code == 302
        saved = call.report_forms.get(kind="final")
        assert saved.version == 1 and saved.definition["sections"][0]["title"]["fi"] == "Mitä saatiin aikaan"
        export = client.get(f"/official/calls/{call.pk}/report-forms/final.json")
        assert export.json() == saved.definition

    def test_a_form_without_its_standard_blocks_is_refused_and_nothing_is_saved(self, client, call):
        sign_in(client, UserFactory(roles=["programme_manager"]))
        definition = standard_report_definition(False)
        definition["sections"].pop(2)  # the finances
        response = client.post(
            f"/en/official/calls/{call.pk}/report-forms/interim/",
            {"definition": json.dumps(definition), "action": "save"},
        )
        assert response.status_code == 422
        assert "The standard block budget is missing." in response.content.decode()
        assert not call.report_forms.exists()

    @pytest.mark.parametrize(
        "role, expected",
        [("anonymous", LOGIN), ("applicant", 403), ("presenter", 200), ("programme_manager", 200)],
    )
    def test_who_may_open_the_editor(self, client, call, role, expected):
        user = {
            "anonymous": AnonymousUser,
            "applicant": lambda: MembershipFactory().person,
            "presenter": lambda: UserFactory(roles=["presenter"]),
            "programme_manager": lambda: UserFactory(roles=["programme_manager"]),
        }[role]()
        assert_access(client, user, "GET", f"/official/calls/{call.pk}/report-forms/final/", expected)

    def test_only_managers_save(self, client, call):
        sign_in(client, UserFactory(roles=["presenter"]))
        response = client.post(
            f"/official/calls/{call.pk}/report-forms/final/",
            {"definition": json.dumps(standard_report_definition(True)), "action": "save"},
        )
        assert response.status_code == 403 and not call.report_forms.exists()

    def test_there_is_no_third_kind_of_report(self, client, call):
        sign_in(client, UserFactory(roles=["programme_manager"]))
        assert client.get(f"/official/calls/{call.pk}/report-forms/annual/").status_code == 404


class TestApi:
    def _headers(self, user):
        _token, token = api_token_create(name="raportit", acting_user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def test_a_member_reads_the_reports_and_the_settlement(self, client, call):
        grant = GrantFactory.to_report_on(call, reports=(("interim", INTERIM_DUE), ("final", FINAL_DUE)))
        PaymentBatchFactory.paid(agency=call.programme.agency)
        report = ReportFactory.content_approved(grant=grant)
        heard(grant, HearingSubject.SETTLEMENT)
        services.report_approve_finances(
            report=report,
            accepted_costs=Decimal("11000.00"),
            notes="Osa kuluista hylättiin.",
            acting_user=UserFactory(roles=["finance_officer"]),
        )
        url = f"/api/v1/applications/{grant.application_id}/grant/reports"
        interim, final = client.get(url, **self._headers(grant.application.submitted_by)).json()
        assert interim == {
            "kind": "interim",
            "due_date": INTERIM_DUE.isoformat(),
            "status": "not_started",
            "submitted_at": None,
            "accepted_costs": None,
            "earned": None,
            "to_pay": None,
            "to_return": None,
        }
        assert (final["status"], final["accepted_costs"], final["earned"], final["to_pay"], final["to_return"]) == (
            "approved", "11000.00", "8800.00", "1600.00", "0.00",
        )  # fmt: skip

    def test_another_organisation_finds_nothing(self, client, call):
        grant = GrantFactory.to_report_on(call)
        url = f"/api/v1/applications/{grant.application_id}/grant/reports"
        assert client.get(url, **self._headers(MembershipFactory().person)).status_code == 404


def _paid_and_claimed_back_in_part(call):
    """A grant to report on, 7 200 € paid, of which a return decision (20 §) claims 1 000 € back."""
    grant = GrantFactory.to_report_on(call)
    PaymentBatchFactory.paid(agency=call.programme.agency)
    heard(grant)
    payment_services.return_claim_create(
        grant=grant,
        ground=ReturnGround.NOT_USED_AS_DECIDED,
        amount=Decimal("1000.00"),
        due_date=D(TODAY.year, 12, 31),
        learned_on=TODAY,
        reasons="Osa avustuksesta jäi käyttämättä.",
        acting_user=UserFactory(roles=["programme_manager"]),
    )
    return grant


def _settled_on_costs_of_7750(grant):
    """The final report's content approved and the recipient heard; the finances accepted with costs of 7 750 €."""
    report = ReportFactory.content_approved(grant=grant)
    heard(grant, HearingSubject.SETTLEMENT)
    return services.report_approve_finances(
        report=report,
        accepted_costs=Decimal("7750.00"),
        notes="Vain toteutuneet kulut.",
        acting_user=UserFactory(roles=["finance_officer"]),
    )


class TestWithOtherChanges:
    """Reports beside the grant's other events: several interim reports, an extension, a claim already made."""

    def test_each_approved_interim_report_releases_one_instalment(self, call):
        first, second = INTERIM_DUE, INTERIM_DUE + datetime.timedelta(days=20)
        grant = GrantFactory.to_report_on(
            call,
            instalments=((40, ON_ACCEPTANCE), (30, AFTER_INTERIM), (30, AFTER_INTERIM)),
            reports=(("interim", first), ("interim", second), ("final", FINAL_DUE)),
        )
        report = ReportFactory.sent(grant=grant, kind="interim", due_date=first)
        services.report_approve_content(report=report, notes="", acting_user=_content_reviewer())
        statuses = dict(grant.instalments.values_list("number", "status"))
        assert statuses == {1: InstalmentStatus.DUE, 2: InstalmentStatus.DUE, 3: InstalmentStatus.PLANNED}
        report = ReportFactory.sent(grant=grant, kind="interim", due_date=second)
        services.report_approve_content(report=report, notes="", acting_user=_content_reviewer())
        assert grant.instalments.get(number=3).status == InstalmentStatus.DUE

    def test_an_overdue_report_is_flagged_to_the_recipient_and_the_presenter(self, call, client):
        grant = GrantFactory.to_report_on(
            call,
            reports=(
                ("interim", TODAY - datetime.timedelta(days=1)),
                ("final", TODAY + datetime.timedelta(days=60)),
            ),
        )
        presenter = CallAssignmentFactory.presenter_of(grant)
        for person, page in (
            (grant.application.submitted_by, f"/en/applications/{grant.application_id}/decision/"),
            (presenter, f"/en/official/applications/{grant.application_id}/decision/"),
        ):
            sign_in(client, person)
            rows = (
                client.get(page).content.decode().split('id="reports-heading"', 1)[1].split("</table>", 1)[0]
            )
            interim, final = rows.split("<tr>")[2:4]
            assert "overdue" in interim and "overdue" not in final, person

    def test_an_extension_moves_the_final_reports_deadline_as_much(self, call):
        grant = GrantFactory.accepted(
            call=call,
            amount="12000.00",
            period=(TODAY - datetime.timedelta(days=100), TODAY + datetime.timedelta(days=100)),
            reports_due=[{"kind": "final", "due": (TODAY + datetime.timedelta(days=160)).isoformat()}],
        )
        ChangeRequestFactory.decided(
            grant=grant,
            period_end=TODAY + datetime.timedelta(days=160),
            extension_reasons="Syksyn ryhmät jatkuvat.",
        )
        [final] = reports_due(grant)
        assert final.due_date == TODAY + datetime.timedelta(days=220)
        report = services.report_start(
            grant=grant, kind="final", due_date=final.due_date, acting_user=grant.application.submitted_by
        )
        assert report.due_date == TODAY + datetime.timedelta(days=220)

    def test_money_claimed_back_is_not_claimed_again_by_the_settlement(
        self, call, reference_rates_of_last_and_this_year
    ):
        grant = _paid_and_claimed_back_in_part(call)
        # 7 750 € x 80 % = 6 200 € earned: exactly the 7 200 € paid less the 1 000 € claimed back.
        settlement = _settled_on_costs_of_7750(grant)
        assert (settlement.earned, settlement.paid, settlement.to_pay, settlement.to_return) == (
            Decimal("6200.00"), Decimal("6200.00"), Decimal("0.00"), Decimal("0.00"),
        )  # fmt: skip
        ledger = payment_selectors.ledger_of(grant)
        assert (ledger.in_force, ledger.owed) == (Decimal("6200.00"), Decimal("-1000.00"))
        assert payment_selectors.reconciliation_problems(grant) == []

    def test_money_recovered_is_not_paid_again_however_high_the_accepted_costs(
        self, call, reference_rates_of_last_and_this_year
    ):
        grant = GrantFactory.to_report_on(call)
        PaymentBatchFactory.paid(agency=call.programme.agency)  # 7 200 € of the 12 000 €
        heard(grant)
        # A recovery (21 §): unlike a return of 20 §, it stops the payments not yet made (issue 14).
        payment_services.return_claim_create(
            grant=grant,
            ground=ReturnGround.MATERIAL_BREACH,
            amount=Decimal("7200.00"),
            due_date=D(TODAY.year, 12, 31),
            learned_on=TODAY,
            reasons="Avustusta ei käytetty päätöksen mukaisesti.",
            acting_user=UserFactory(roles=["programme_manager"]),
        )
        report = ReportFactory.content_approved(grant=grant)
        # 12 000 € x 80 % = 9 600 € would be earned by the costs, but the recovery decision stopped the payments
        # (the 4 800 € not yet paid) and took the 7 200 € claimed back from the award: nothing is paid again.
        settlement = services.report_approve_finances(
            report=report,
            accepted_costs=Decimal("12000.00"),
            notes="Kulut hyväksytty.",
            acting_user=UserFactory(roles=["finance_officer"]),
        )
        assert (settlement.awarded, settlement.earned, settlement.paid, settlement.to_pay) == (
            Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"),
        )  # fmt: skip
        assert payment_selectors.reconciliation_problems(grant) == []

    def test_a_correction_below_the_money_claimed_back_leaves_nothing_more_to_earn(
        self, call, reference_rates_of_last_and_this_year
    ):
        """Found by the ledger's property test: the settlement refused to run (an award in force below zero)."""
        grant = _paid_and_claimed_back_in_part(call)
        # The award is corrected to 500 €; the 1 000 € claimed back is owed all the same, so nothing is left of it.
        DecisionFactory.published(
            corrects=grant.decision,
            amount=Decimal("500.00"),
            instalments=grant.decision.instalments,
            reports_due=grant.decision.reports_due,
        )
        grant.refresh_from_db()
        assert grant.status == GrantStatus.AWAITING_ACCEPTANCE  # the corrected terms are accepted again
        grant_services.grant_accept(grant=grant, acting_user=grant.application.submitted_by)
        assert payment_selectors.ledger_of(grant).in_force == Decimal("-500.00")
        settlement = _settled_on_costs_of_7750(grant)
        # What is left with the recipient after the claim comes back: 6 200 €, all to return.
        assert (settlement.earned, settlement.paid, settlement.to_pay, settlement.to_return) == (
            Decimal("0.00"), Decimal("6200.00"), Decimal("0.00"), Decimal("6200.00"),
        )  # fmt: skip
        assert payment_selectors.reconciliation_problems(grant) == []

    def test_a_grant_no_longer_in_force_sends_no_report(self, call):
        grant = GrantFactory.to_report_on(call)
        report = ReportFactory.draft(grant=grant)
        DecisionFactory.published(corrects=grant.decision, outcome=Outcome.REJECTED)  # closes the grant
        with pytest.raises(ValidationError) as error:
            services.report_submit(report=report, acting_user=report.created_by)
        assert error.value.code == "not_in_force"
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT


def test_officials_do_not_see_a_draft(client, call):
    report = ReportFactory.draft(grant=GrantFactory.to_report_on(call))
    for user in (CallAssignmentFactory.presenter_of(report.grant), UserFactory(roles=["auditor"])):
        assert_access(client, user, "GET", f"/official/reports/{report.pk}/", 404)
        assert_access(
            client, user, "GET", f"/applications/report-attachments/{report.attachments.get().pk}/", 404
        )


def test_an_amount_beyond_any_budget_is_refused_not_a_server_error(client, call):
    report = ReportFactory.draft(grant=GrantFactory.to_report_on(call), attach=False)
    sign_in(client, report.created_by)
    response = client.post(
        _report_path(report),
        {"version": report.version, "action": "save", "q-actual-budget-personnel": "1e30"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.answers["actual-budget"]["costs"]["personnel"] == "10000.00"
