"""Hearing before a decision against the recipient (Administrative Procedure Act 434/2003, 34 §): the official's
hearing request, the recipient's reply, and the rule that refuses a decision against the recipient while it has
not been heard, unless the official records a ground for not hearing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry, OutboundEmail
from avustamo.hearings import services
from avustamo.hearings.models import Hearing, HearingAttachment, HearingStatus, HearingSubject, NotHeard
from avustamo.payments import services as payment_services
from avustamo.payments.models import PaymentApplication, ReturnClaim, ReturnGround
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    ACCOUNTS_PDF,
    CallAssignmentFactory,
    GrantFactory,
    HearingFactory,
    MembershipFactory,
    UserFactory,
    heard,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates_of_last_and_this_year")]
D = datetime.date
TODAY = helsinki_today()
LAST_YEAR, THIS_YEAR = TODAY.year - 1, TODAY.year
END_OF_THIS_YEAR = D(THIS_YEAR, 12, 31)
PROPOSAL = "Avustuksesta esitetään perittäväksi takaisin 1 000 euroa korkoineen."
GROUNDS = "Loppuselvityksen mukaan 1 000 euroa käytettiin toimitilan remonttiin."
REPLY = "Remontti oli välttämätön ryhmien kokoontumiselle; liitteenä vuokranantajan lausunto."


@pytest.fixture
def paid_grant():
    """10 000 € paid on 1 March of last year, its presenter assigned to present the call."""
    grant = GrantFactory.paid(paid_on=D(LAST_YEAR, 3, 1), amount="10000.00")
    CallAssignmentFactory.presenter_of(grant)
    return grant


def _send(grant, user=None, **values):
    values = {"subject": HearingSubject.RETURN, "proposal": PROPOSAL, "grounds": GROUNDS} | values
    return services.hearing_send(grant=grant, acting_user=user or grant.decision.presenter, **values)


def _claim(grant, **values):
    values = {
        "ground": ReturnGround.OTHER_PURPOSE,
        "amount": Decimal("1000.00"),
        "due_date": END_OF_THIS_YEAR,
        "learned_on": TODAY,
        "reasons": "Avustusta käytettiin muuhun tarkoitukseen.",
    } | values
    return payment_services.return_claim_create(grant=grant, acting_user=grant.decision.presenter, **values)


def _pdf(name="lausunto.pdf"):
    return SimpleUploadedFile(name, ACCOUNTS_PDF)


class TestSending:
    def test_the_request_goes_to_every_member_with_fourteen_days_to_reply(self, paid_grant):
        other_member = MembershipFactory(organisation=paid_grant.application.organisation).person
        hearing = _send(paid_grant, attachments=[_pdf("tarkastusraportti.pdf")])
        assert (hearing.status, hearing.reply_by) == (
            HearingStatus.AWAITING_REPLY,
            TODAY + datetime.timedelta(14),
        )
        assert hearing.attachments.get().party == HearingAttachment.Party.AUTHORITY
        recipients = set(
            OutboundEmail.objects.filter(key__startswith="hearing:").values_list("recipient", flat=True)
        )
        assert recipients == {paid_grant.application.submitted_by.email, other_member.email}
        entry = AuditEntry.objects.get(action="hearing.sent")
        assert (entry.target_id, entry.details["hearing"]) == (str(paid_grant.application_id), hearing.pk)

    def test_a_reply_date_sooner_than_fourteen_days_is_refused_and_nothing_is_sent(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _send(paid_grant, reply_by=TODAY + datetime.timedelta(days=13), proposal=" ")
        assert "at least 14 days to reply" in refusal.value.message_dict["reply_by"][0]
        assert refusal.value.message_dict["proposal"] == ["Say what decision is proposed."]
        assert (
            not Hearing.objects.exists()
            and not OutboundEmail.objects.filter(key__startswith="hearing").exists()
        )

    def test_a_later_reply_date_is_kept(self, paid_grant):
        later = TODAY + datetime.timedelta(days=30)
        assert _send(paid_grant, reply_by=later).reply_by == later

    def test_a_file_of_another_type_is_refused(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _send(paid_grant, attachments=[SimpleUploadedFile("ohjelma.exe", b"MZ\x90\x00" + b"\x00" * 64)])
        assert "ohjelma.exe" in refusal.value.message_dict["attachments"][0]
        assert not Hearing.objects.exists()

    def test_only_those_who_decide_the_subject_send_the_request(self, paid_grant):
        finance = UserFactory(roles=["finance_officer"])
        with pytest.raises(PermissionDenied):
            _send(paid_grant, user=finance)
        with pytest.raises(PermissionDenied):
            _send(paid_grant, user=UserFactory(roles=["presenter"]))  # presents another call
        assert _send(paid_grant, user=finance, subject=HearingSubject.SETTLEMENT).subject == "settlement"
        assert services.subjects_for(finance, paid_grant) == ["settlement", "payment_application"]


class TestTheRuleBeforeDeciding:
    def test_a_return_without_any_hearing_is_refused_and_nothing_is_saved(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _claim(paid_grant)
        [message] = refusal.value.message_dict["not_heard_ground"]
        assert message.startswith(
            "The recipient has not been heard on this (return or recovery of the grant)"
        )
        assert refusal.value.error_dict["not_heard_ground"][0].code == "not_heard"
        assert not ReturnClaim.objects.exists() and not NotHeard.objects.exists()

    def test_deciding_before_the_reply_date_without_a_reply_is_refused(self, paid_grant):
        hearing = _send(paid_grant)
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _claim(paid_grant)
        assert refusal.value.error_dict["not_heard_ground"][0].code == "hearing_pending"
        assert f"until {hearing.reply_by:%-m/%-d/%Y}" in refusal.value.message_dict["not_heard_ground"][0]
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.AWAITING_REPLY and not ReturnClaim.objects.exists()
        assert paid_grant.instalments.filter(status="cancelled").count() == 0

    def test_after_a_reply_the_decision_is_made_on_the_hearing_and_uses_it(self, paid_grant):
        hearing = HearingFactory.replied(grant=paid_grant)
        claim = _claim(paid_grant)
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.DECIDED and hearing.decided_by == paid_grant.decision.presenter
        decided = AuditEntry.objects.get(action="return_claim.decided", target_id=str(claim.pk))
        assert (decided.details["hearing"], decided.details["heard"]) == (hearing.pk, True)
        # One hearing is used by one decision: the next return needs a hearing of its own.
        with pytest.raises(ValidationError) as refusal:
            _claim(paid_grant, amount=Decimal("500.00"))
        assert refusal.value.error_dict["not_heard_ground"][0].code == "not_heard"
        assert ReturnClaim.objects.count() == 1

    def test_a_later_request_still_awaiting_its_reply_holds_the_decision_back(self, paid_grant):
        earlier = HearingFactory.replied(grant=paid_grant)
        later = _send(paid_grant, proposal="Palautettavaksi esitetään 2 000 euroa.")
        with pytest.raises(ValidationError) as refusal:
            _claim(paid_grant)
        assert refusal.value.error_dict["not_heard_ground"][0].code == "hearing_pending"
        earlier.refresh_from_db()
        later.refresh_from_db()
        assert (earlier.status, later.status) == (HearingStatus.REPLIED, HearingStatus.AWAITING_REPLY)
        assert not ReturnClaim.objects.exists()

    def test_after_the_reply_date_has_passed_without_a_reply_the_decision_is_made(self, paid_grant):
        hearing = HearingFactory(grant=paid_grant, reply_by=TODAY - datetime.timedelta(days=1))
        _claim(paid_grant)
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.DECIDED and hearing.reply == ""

    def test_with_a_recorded_ground_the_decision_is_made_without_hearing(self, paid_grant):
        claim = _claim(
            paid_grant,
            not_heard_ground="endangers_purpose",
            not_heard_reasons="Yhdistys on purkautumassa ja jakaa varansa.",
        )
        record = NotHeard.objects.get()
        assert (record.subject, record.ground, record.recorded_by) == (
            "return", "endangers_purpose", paid_grant.decision.presenter,
        )  # fmt: skip
        decided = AuditEntry.objects.get(action="return_claim.decided", target_id=str(claim.pk))
        assert (decided.details["not_heard"], decided.details["heard"]) == (record.pk, False)

    def test_a_ground_without_reasons_is_refused_and_nothing_is_saved(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _claim(paid_grant, not_heard_ground="unnecessary", not_heard_reasons=" ")
        assert list(refusal.value.message_dict) == ["not_heard_reasons"]
        assert not ReturnClaim.objects.exists() and not NotHeard.objects.exists()

    def test_a_hearing_on_another_subject_does_not_count(self, paid_grant):
        heard(paid_grant, HearingSubject.SETTLEMENT)
        with pytest.raises(ValidationError):
            _claim(paid_grant)
        assert not ReturnClaim.objects.exists()

    def test_a_voluntary_return_accepts_the_recipients_own_announcement_without_hearing(self, paid_grant):
        announcement = payment_services.voluntary_return_announce(
            grant=paid_grant,
            amount=Decimal("400.00"),
            reasons="Leiri peruttiin.",
            acting_user=paid_grant.application.submitted_by,
        )
        payment_services.voluntary_return_record(
            voluntary_return=announcement,
            ground=ReturnGround.NOT_USED_AS_DECIDED,
            due_date=END_OF_THIS_YEAR,
            reasons="",
            acting_user=paid_grant.decision.presenter,
        )
        assert NotHeard.objects.get().ground == "accepts_claim"


class TestPaymentApplications:
    @pytest.fixture
    def applied(self):
        grant = GrantFactory.accepted(
            amount="10000.00",
            period=(TODAY - datetime.timedelta(days=200), TODAY + datetime.timedelta(days=100)),
            instalments=[{"percent": "100", "condition": "in_arrears"}],
        )
        return payment_services.payment_application_submit(
            grant=grant,
            period_start=TODAY - datetime.timedelta(days=100),
            period_end=TODAY,
            costs_incurred=Decimal("3000.00"),
            amount=Decimal("3000.00"),
            description="Palkat.",
            acting_user=grant.application.submitted_by,
        )

    def test_approving_less_than_asked_needs_the_hearing_and_all_of_it_does_not(self, applied):
        finance = UserFactory(roles=["finance_officer"])
        with pytest.raises(ValidationError) as refusal:
            payment_services.payment_application_decide(
                payment_application=applied,
                approved_amount=Decimal("2000.00"),
                reason="Matkakulut eivät ole hyväksyttäviä.",
                acting_user=finance,
            )
        assert refusal.value.error_dict["not_heard_ground"][0].code == "not_heard"
        applied.refresh_from_db()
        assert applied.status == "submitted"
        payment_services.payment_application_decide(
            payment_application=applied, approved_amount=Decimal("3000.00"), reason="", acting_user=finance
        )
        assert PaymentApplication.objects.get().status == "approved" and not NotHeard.objects.exists()


class TestReplying:
    def test_a_member_with_the_right_to_act_replies_and_the_official_is_told(self, paid_grant):
        hearing = _send(paid_grant)
        member = paid_grant.application.submitted_by
        services.hearing_reply(hearing=hearing, reply=REPLY, attachments=[_pdf()], acting_user=member)
        hearing.refresh_from_db()
        assert (hearing.status, hearing.reply, hearing.replied_by) == (HearingStatus.REPLIED, REPLY, member)
        assert hearing.authority_check is not None and hearing.authority_check.person == member
        assert hearing.attachments.filter(party="recipient").count() == 1
        told = OutboundEmail.objects.get(key=f"hearing-replied:{hearing.pk}")
        assert told.recipient == paid_grant.decision.presenter.email
        replied = AuditEntry.objects.get(action="hearing.replied")
        assert (replied.target_id, replied.details["hearing"]) == (str(paid_grant.application_id), hearing.pk)

    def test_a_member_without_the_right_to_act_cannot_reply(self, paid_grant):
        hearing = _send(paid_grant)
        helper = MembershipFactory(
            organisation=paid_grant.application.organisation, right_to_act=False
        ).person
        with pytest.raises(ValidationError) as refusal:
            services.hearing_reply(hearing=hearing, reply=REPLY, acting_user=helper)
        assert refusal.value.code == "not_identified"
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.AWAITING_REPLY and hearing.reply == ""

    def test_another_organisations_member_cannot_reply(self, paid_grant):
        hearing = _send(paid_grant)
        with pytest.raises(PermissionDenied):
            services.hearing_reply(hearing=hearing, reply=REPLY, acting_user=MembershipFactory().person)

    def test_an_empty_reply_is_refused_and_a_decided_hearing_takes_no_reply(self, paid_grant):
        hearing = HearingFactory(grant=paid_grant, reply_by=TODAY - datetime.timedelta(days=1))
        member = paid_grant.application.submitted_by
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.hearing_reply(hearing=hearing, reply=" ", acting_user=member)
        assert refusal.value.message_dict == {"reply": ["Write your reply."]}
        _claim(paid_grant)
        with pytest.raises(ValidationError) as refusal:
            services.hearing_reply(hearing=hearing, reply=REPLY, acting_user=member)
        assert refusal.value.code == "hearing_closed"


class TestPages:
    def test_the_official_sends_the_recipient_replies_and_the_official_reads_it(self, client, paid_grant):
        application = paid_grant.application_id
        presenter = paid_grant.decision.presenter
        sign_in(client, presenter)
        page = client.get(f"/en/official/applications/{application}/decision/").content.decode()
        assert "Send a hearing request" in page and "not heard" in page
        form = client.get(f"/en/official/applications/{application}/hearings/new/?subject=return")
        assert form.status_code == 200
        refused = client.post(
            f"/en/official/applications/{application}/hearings/new/",
            {"subject": "return", "proposal": PROPOSAL, "grounds": "", "reply_by": TODAY.isoformat()},
        )
        assert (
            refused.status_code == 400 and 'href="#id_grounds">Facts and grounds' in refused.content.decode()
        )
        assert not Hearing.objects.exists()
        sent = client.post(
            f"/en/official/applications/{application}/hearings/new/",
            {
                "subject": "return",
                "proposal": PROPOSAL,
                "grounds": GROUNDS,
                "reply_by": (TODAY + datetime.timedelta(days=14)).isoformat(),
                "attachments": [_pdf("raportti.pdf")],
            },
        )
        hearing = Hearing.objects.get()
        assert sent.status_code == 302 and sent["Location"] == f"/en/official/hearings/{hearing.pk}/"

        member = paid_grant.application.submitted_by
        sign_in(client, member)
        decision_page = client.get(f"/en/applications/{application}/decision/").content.decode()
        assert f"/applications/{application}/hearings/{hearing.pk}/" in decision_page
        hearing_page = client.get(f"/en/applications/{application}/hearings/{hearing.pk}/").content.decode()
        assert PROPOSAL in hearing_page and GROUNDS in hearing_page and "raportti.pdf" in hearing_page
        replied = client.post(
            f"/en/applications/{application}/hearings/{hearing.pk}/",
            {"reply": REPLY, "attachments": [_pdf("lausunto.pdf")]},
        )
        assert replied.status_code == 302
        hearing.refresh_from_db()
        assert hearing.status == HearingStatus.REPLIED

        sign_in(client, presenter)
        official_page = client.get(f"/en/official/hearings/{hearing.pk}/").content.decode()
        assert REPLY in official_page and "lausunto.pdf" in official_page
        history = client.get(f"/en/official/applications/{application}/history/").content.decode()
        assert "hearing.sent" in history and "hearing.replied" in history
        listed = client.get("/en/official/hearings/?state=replied").content.decode()
        assert f"/official/hearings/{hearing.pk}/" in listed
        decided = client.post(
            f"/en/official/applications/{application}/returns/",
            {
                "ground": "21_other_purpose",
                "amount": "1000",
                "due_date": END_OF_THIS_YEAR.isoformat(),
                "learned_on": TODAY.isoformat(),
                "reasons": "Käytetty muuhun tarkoitukseen.",
            },
        )
        assert decided.status_code == 302 and ReturnClaim.objects.count() == 1

    def test_the_return_form_says_why_it_was_refused(self, client, paid_grant):
        sign_in(client, paid_grant.decision.presenter)
        refused = client.post(
            f"/en/official/applications/{paid_grant.application_id}/returns/",
            {
                "ground": "21_other_purpose",
                "amount": "1000",
                "due_date": END_OF_THIS_YEAR.isoformat(),
                "learned_on": TODAY.isoformat(),
                "reasons": "Käytetty muuhun tarkoitukseen.",
                "not_heard_ground": "unnecessary",
                "not_heard_reasons": "",
            },
        )
        assert refused.status_code == 400
        assert "Say why the ground applies" in refused.content.decode()
        assert not ReturnClaim.objects.exists()


ROLES = {
    "anonymous": lambda grant: AnonymousUser(),
    "member": lambda grant: grant.application.submitted_by,
    "other_organisation": lambda grant: MembershipFactory().person,
    "presenter": lambda grant: grant.decision.presenter,
    "other_presenter": lambda grant: UserFactory(roles=["presenter"]),
    "manager": lambda grant: UserFactory(roles=["programme_manager"]),
    "finance": lambda grant: UserFactory(roles=["finance_officer"]),
    "decision_maker": lambda grant: UserFactory(roles=["decision_maker"]),
    "auditor": lambda grant: UserFactory(roles=["auditor"]),
    "reviewer": lambda grant: UserFactory(roles=["reviewer"]),
}
OFFICIAL_READERS = {"presenter", "manager", "finance", "decision_maker", "auditor"}
# Officials who may decide at least one subject: returns (presenter, manager), settlement and payment
# applications (finance).
SENDERS = {"presenter", "manager", "finance"}
LISTERS = OFFICIAL_READERS | {"other_presenter"}


def _expected(role: str, allowed: set, code: int, not_official: int = 403, official: int = 403):
    if role == "anonymous":
        return LOGIN
    if role in allowed:
        return code
    return not_official if role in ("member", "other_organisation") else official


@pytest.fixture
def hearing(paid_grant):
    return HearingFactory(grant=paid_grant)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_open_the_request_form(client, hearing, role):
    path = f"/official/applications/{hearing.grant.application_id}/hearings/new/"
    # Reviewers and other presenters may not even read the application: 403 as on its other tabs.
    assert_access(client, ROLES[role](hearing.grant), "GET", path, _expected(role, SENDERS, 200))


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_send_a_request(client, hearing, role):
    path = f"/official/applications/{hearing.grant.application_id}/hearings/new/"
    data = {
        "subject": "settlement" if role == "finance" else "return",
        "proposal": PROPOSAL,
        "grounds": GROUNDS,
        "reply_by": (TODAY + datetime.timedelta(days=20)).isoformat(),
    }
    assert_access(client, ROLES[role](hearing.grant), "POST", path, _expected(role, SENDERS, 302), data=data)
    assert Hearing.objects.count() == (2 if role in SENDERS else 1)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_read_a_hearing_as_an_official(client, hearing, role):
    path = f"/official/hearings/{hearing.pk}/"
    assert_access(client, ROLES[role](hearing.grant), "GET", path, _expected(role, OFFICIAL_READERS, 200))


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_list_hearings(client, hearing, role):
    assert_access(
        client, ROLES[role](hearing.grant), "GET", "/official/hearings/", _expected(role, LISTERS, 200)
    )


def test_another_presenter_lists_only_the_hearings_of_what_they_present(client, hearing):
    other = UserFactory(roles=["presenter"])
    sign_in(client, other)
    assert f"/official/hearings/{hearing.pk}/" not in client.get("/official/hearings/").content.decode()
    sign_in(client, hearing.grant.decision.presenter)
    assert f"/official/hearings/{hearing.pk}/" in client.get("/official/hearings/").content.decode()


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_read_the_request_as_the_recipient(client, hearing, role):
    path = f"/applications/{hearing.grant.application_id}/hearings/{hearing.pk}/"
    # Nobody but the recipient's members learns that the decision or the hearing exists: 404.
    assert_access(client, ROLES[role](hearing.grant), "GET", path, _expected(role, {"member"}, 200, 404, 404))


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_reply(client, hearing, role):
    path = f"/applications/{hearing.grant.application_id}/hearings/{hearing.pk}/"
    user = ROLES[role](hearing.grant)
    assert_access(
        client, user, "POST", path, _expected(role, {"member"}, 302, 404, 404), data={"reply": REPLY}
    )
    hearing.refresh_from_db()
    assert (hearing.status == HearingStatus.REPLIED) == (role == "member")


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_an_attachment(client, paid_grant, role):
    hearing = _send(paid_grant, attachments=[_pdf()])
    path = f"/applications/hearing-attachments/{hearing.attachments.get().pk}/"
    expected = _expected(role, OFFICIAL_READERS | {"member"}, 200, 404, 404)
    assert_access(client, ROLES[role](paid_grant), "GET", path, expected)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _more_hearings(grant, count: int = 3) -> None:
    for number in range(count):
        extra = HearingFactory.replied(grant=grant, subject=HearingSubject.RETURN)
        HearingAttachment.objects.create(
            hearing=extra,
            party="recipient",
            file=_pdf(f"liite-{number}.pdf"),
            original_name=f"liite-{number}.pdf",
            kind="pdf",
            size=len(ACCOUNTS_PDF),
            uploaded_by=grant.application.submitted_by,
        )


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("manager", "/official/hearings/?state=replied"),
        ("manager", "/official/hearings/{hearing}/"),
        ("presenter", "/official/applications/{application}/hearings/new/"),
        ("presenter", "/official/applications/{application}/decision/"),
        ("member", "/applications/{application}/hearings/{hearing}/"),
        ("member", "/applications/{application}/decision/"),
    ],
)
def test_each_page_makes_as_many_statements_however_many_hearings(
    client, paid_grant, who, path, django_assert_num_queries
):
    hearing = HearingFactory.replied(grant=paid_grant)
    user = {
        "manager": UserFactory(roles=["programme_manager"]),
        "presenter": paid_grant.decision.presenter,
        "member": paid_grant.application.submitted_by,
    }[who]
    sign_in(client, user)
    path = path.format(application=paid_grant.application_id, hearing=hearing.pk)
    few = _queries(client, path)
    _more_hearings(paid_grant)
    with django_assert_num_queries(few):
        client.get(path)
