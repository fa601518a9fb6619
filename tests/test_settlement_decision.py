"""The settlement decision (issue 14, section 5): when an approved final report's settlement earns less than the
award in force, a formal decision document in the grant decision's language, with the settlement line by line,
its reasons, the hearing, the legal basis, the contact person, the signer's title and the review instructions;
stored, emailed to the recipient and downloadable by the official and the recipient."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from avustamo.core import notices
from avustamo.core.dates import HELSINKI
from avustamo.core.models import DecisionNotice, OutboundEmail
from avustamo.hearings.models import HearingSubject
from avustamo.reports import services
from avustamo.reports.models import Report
from tests.access import LOGIN, assert_access, sign_in
from tests.documents import pdf_text
from tests.factories import (
    AgencyFactory,
    CallFactory,
    GrantFactory,
    MembershipFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    ReportFactory,
    UserFactory,
    heard,
)

pytestmark = pytest.mark.django_db
NOTES = "Matkakuluja 1 000 euroa ei hyväksytty, koska matka ei kuulunut hankesuunnitelmaan."


@pytest.fixture
def call():
    agency = AgencyFactory(
        code="TEM",
        payment_iban="FI2112345600000785",
        registry_postal_address="PL 32 / PB 32\n00023 Valtioneuvosto / Statsrådet",
        registry_email="kirjaamo.tem@gov.fi",
        registry_visiting_address="Aleksanterinkatu 4, Helsinki",
    )
    return CallFactory(closed=True, min_grant=Decimal("10000.00"), programme=ProgrammeFactory(agency=agency))


@pytest.fixture
def finance_officer():
    return UserFactory(
        full_name="Fiia Talous",
        email="fiia.talous@tem.fi",
        job_title_fi="erityisasiantuntija",
        job_title_sv="specialsakkunnig",
        job_title_en="Senior Specialist",
        phone="+358 29 504 7000",
        roles=["finance_officer"],
    )


def _cut(call, finance_officer, capture, language="fi", with_hearing=True) -> Report:
    """A grant of 12 000 € at most 80 %, 7 200 € paid; its final report shows 12 000 € of costs, of which 11 000 €
    are accepted: 8 800 € earned, 1 600 € still to pay."""
    grant = GrantFactory.to_report_on(call)
    if language == "sv":
        grant.decision.language = "sv"
        grant.decision.save(update_fields=["language"])
    PaymentBatchFactory.paid(agency=call.programme.agency)
    report = ReportFactory.content_approved(grant=grant)
    if with_hearing:
        heard(grant, HearingSubject.SETTLEMENT)
    extra = (
        {} if with_hearing else {"not_heard_ground": "unnecessary", "not_heard_reasons": "Saaja pyysi itse."}
    )
    with capture(execute=True):
        services.report_approve_finances(
            report=report,
            accepted_costs=Decimal("11000.00"),
            notes=NOTES,
            acting_user=finance_officer,
            **extra,
        )
    report.refresh_from_db()
    return report


def _text(report) -> str:
    with report.settlement_document.open("rb") as stored:
        return pdf_text(stored.read())


EXPECTED = {
    "fi": [
        "Päätös loppuselvityksen hyväksymisestä",
        "Loppuselvityksestä hyväksytyt hyväksyttävät kustannukset 11 000 €",
        "Ansaittu: näistä pienempi 8 800 €",
        "Maksettu tähän mennessä 7 200 €",
        "Vielä maksettavaa 1 600 €",
        "hyväksyy loppuselvityksen",
        NOTES,
        "Avustuksen saajan kuuleminen",
        "Saaja vastasi",
        "Valtionavustuslaki (688/2001) 11, 12 ja 14 §",
        "Hallintolaki (434/2003) 34, 44 ja 45 §",
        "Fiia Talous, erityisasiantuntija",
        "puhelin +358 29 504 7000",
        "Päätöksentekijä Fiia Talous erityisasiantuntija",
        "Oikaisuvaatimusohje",
        "Kirjaamon postiosoite",
        "kirjaamo.tem@gov.fi",
    ],
    "sv": [
        "Beslut om godkännande av slutredovisningen",
        "Godtagbara kostnader som godkänts i slutredovisningen 11 000 €",
        "Intjänat: det mindre av de två 8 800 €",
        "Utbetalt hittills 7 200 €",
        "Återstår att betala 1 600 €",
        "godkänner slutredovisningen",
        NOTES,
        "Hörande av understödstagaren",
        "Understödstagaren svarade",
        "Statsunderstödslagen (688/2001) 11, 12 och 14 §",
        "Förvaltningslagen (434/2003) 34, 44 och 45 §",
        "Fiia Talous, specialsakkunnig",
        "telefon +358 29 504 7000",
        "Beslutsfattare Fiia Talous specialsakkunnig",
        "Anvisning om begäran om omprövning",
        "Registratorskontorets postadress",
        "kirjaamo.tem@gov.fi",
    ],
}


@pytest.mark.reads_pdf
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_decision_states_the_settlement_its_reasons_hearing_basis_and_review(
    call, finance_officer, django_capture_on_commit_callbacks, language
):
    report = _cut(call, finance_officer, django_capture_on_commit_callbacks, language=language)
    text = _text(report)
    for element in EXPECTED[language]:
        assert element in text, f"{element!r} missing from the {language} settlement decision"
    email = OutboundEmail.objects.get(key=f"settlement-decided:{report.pk}")
    assert (
        email.recipient == report.submitted_by.email and email.attachment == report.settlement_document.name
    )


@pytest.mark.reads_pdf
def test_a_decision_without_hearing_states_the_ground(
    call, finance_officer, django_capture_on_commit_callbacks
):
    report = _cut(call, finance_officer, django_capture_on_commit_callbacks, with_hearing=False)
    text = _text(report)
    assert "ratkaistiin kuulematta avustuksen saajaa" in text
    assert "kuuleminen on muusta syystä ilmeisen tarpeetonta" in text and "Saaja pyysi itse." in text


def test_a_settlement_that_cuts_nothing_makes_no_decision(call, django_capture_on_commit_callbacks):
    grant = GrantFactory.to_report_on(call)
    report = ReportFactory.content_approved(
        grant=grant, costs={"personnel": "12000.00", "rents": "3000.00"}
    )  # 15 000 € x 80 % = the 12 000 € awarded
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.report_approve_finances(
            report=report,
            accepted_costs=Decimal("15000.00"),
            notes="",
            acting_user=UserFactory(roles=["finance_officer"]),
        )
    report.refresh_from_db()
    assert not settlement.cuts_the_grant and not report.settlement_document


def test_the_pages_link_the_decision(client, call, finance_officer, django_capture_on_commit_callbacks):
    report = _cut(call, finance_officer, django_capture_on_commit_callbacks)
    application = report.grant.application_id
    for user, page, link in [
        (
            finance_officer,
            f"/official/reports/{report.pk}/",
            f"/official/reports/{report.pk}/settlement-decision.pdf",
        ),
        (
            report.submitted_by,
            f"/applications/{application}/reports/{report.pk}/",
            f"/applications/{application}/reports/{report.pk}/settlement-decision.pdf",
        ),
    ]:
        sign_in(client, user)
        assert link in client.get(page).content.decode()
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_decision_is_notified_and_its_first_opening_by_the_recipient_recorded(
    client, call, finance_officer, django_capture_on_commit_callbacks
):
    report = _cut(call, finance_officer, django_capture_on_commit_callbacks)
    notice = notices.notice_of(report)
    # The organisation has not consented to electronic notification: the registry posts the decision.
    assert notice.channel == DecisionNotice.Channel.POST
    assert notice.document == report.settlement_document.name
    assert notice.first_opened_at is None
    application = report.grant.application_id
    sign_in(client, finance_officer)
    client.get(f"/official/reports/{report.pk}/settlement-decision.pdf")
    assert notices.notice_of(report).first_opened_at is None
    sign_in(client, report.submitted_by)
    client.get(f"/applications/{application}/reports/{report.pk}/settlement-decision.pdf")
    notice = notices.notice_of(report)
    assert notice.first_opened_by == report.submitted_by
    assert notice.notification_date == notice.first_opened_at.astimezone(HELSINKI).date()


ROLES = {
    "anonymous": lambda report: AnonymousUser(),
    "member": lambda report: report.submitted_by,
    "other_organisation": lambda report: MembershipFactory().person,
    "manager": lambda report: UserFactory(roles=["programme_manager"]),
    "finance": lambda report: UserFactory(roles=["finance_officer"]),
    "auditor": lambda report: UserFactory(roles=["auditor"]),
    "reviewer": lambda report: UserFactory(roles=["reviewer"]),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_the_decision(
    client, call, finance_officer, django_capture_on_commit_callbacks, role
):
    report = _cut(call, finance_officer, django_capture_on_commit_callbacks)
    user = ROLES[role](report)
    official = f"/official/reports/{report.pk}/settlement-decision.pdf"
    own = f"/applications/{report.grant.application_id}/reports/{report.pk}/settlement-decision.pdf"
    readers = {"manager", "finance", "auditor"}
    assert_access(
        client, user, "GET", official, LOGIN if role == "anonymous" else (200 if role in readers else 404)
    )
    assert_access(
        client, user, "GET", own, LOGIN if role == "anonymous" else (200 if role == "member" else 404)
    )
