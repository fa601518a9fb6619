"""The decision document (päätösasiakirja): every element of Valtionavustuslaki §11 in Finnish, Swedish and English."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from avustamo.applications.models import ApplicationStatus
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from tests.documents import pdf_text
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallFactory,
    DecisionFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

# Every test here reads the document itself: WeasyPrint lays it out for real.
pytestmark = [pytest.mark.django_db, pytest.mark.reads_pdf]

LANGUAGES = ["fi", "sv", "en"]


def xmp(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()


def _application(register_number: str, *, organisation_name: str, project_name: str):
    agency = AgencyFactory(
        website="https://tem.fi/",
        registry_postal_address="PL 32 / PB 32\n00023 Valtioneuvosto / Statsrådet",
        registry_email="kirjaamo.tem@gov.fi",
        registry_visiting_address="Aleksanterinkatu 4, Helsinki",
    )
    programme = ProgrammeFactory(agency=agency, budget_line="32.50.03")
    call = CallFactory(
        programme=programme,
        title_fi="Järjestöavustus kotoutumista edistävään toimintaan 2027",
        title_sv="Organisationsstöd för integrationsfrämjande verksamhet 2027",
        title_en="Grant to organisations for integration work 2027",
        closed=True,
    )
    organisation = OrganisationFactory(name=organisation_name)
    submitter = UserFactory(full_name="Aino Rahastonhoitaja")
    return ApplicationFactory(
        call=call,
        organisation=organisation,
        created_by=submitter,
        status=ApplicationStatus.SUBMITTED,
        register_number=register_number,
        submitted_at=timezone.make_aware(datetime.datetime(2026, 10, 14, 15, 30)),
        submitted_by=submitter,
        project_name=project_name,
        requested_amount=Decimal("15000.00"),
        total_eligible_costs=Decimal("15432.00"),
        applicant_name=organisation.name,
        applicant_business_id=organisation.business_id,
    )


@pytest.fixture
def presenter():
    return UserFactory(
        full_name="Esa Esittelijä",
        email="esa.esittelija@tem.fi",
        job_title_fi="ylitarkastaja",
        job_title_sv="överinspektör",
        job_title_en="Senior Inspector",
        phone="+358 29 504 7105",
        roles=["presenter"],
    )


@pytest.fixture
def decision_maker():
    return UserFactory(
        full_name="Paula Päättäjä",
        job_title_fi="yksikön päällikkö",
        job_title_sv="enhetschef",
        job_title_en="Head of Unit",
        roles=["decision_maker"],
    )


def _signed(**fields):
    """The moment of signing the expected texts show."""
    return {
        "signed_at": timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0)),
        "decision_date": datetime.date(2026, 11, 20),
        **fields,
    }


@pytest.fixture
def positive(presenter, decision_maker):
    application = _application(
        "TEM/1234/2026", organisation_name="Kotipiha ry", project_name="Perheiden kotoutumisen tuki"
    )
    return DecisionFactory.signed(
        application=application,
        outcome=Outcome.PARTIALLY_APPROVED,
        amount=Decimal("12345.50"),
        purpose="Vertaistukiryhmät maahanmuuttaneille perheille Helsingissä.",
        eligible_costs=Decimal("15432.00"),
        max_share_percent=Decimal("80.00"),
        period_start=datetime.date(2027, 3, 1),
        period_end=datetime.date(2028, 2, 29),
        instalments=[
            {"percent": "60", "condition": Decision.InstalmentCondition.ON_ACCEPTANCE},
            {"percent": "30", "condition": Decision.InstalmentCondition.AFTER_INTERIM_REPORT},
            {"percent": "10", "condition": Decision.InstalmentCondition.AFTER_FINAL_REPORT},
        ],
        reports_due=[
            {"kind": Decision.ReportKind.INTERIM, "due": "2027-09-30"},
            {"kind": Decision.ReportKind.FINAL, "due": "2028-04-30"},
        ],
        conditions="Avustusta ei saa käyttää investointeihin.\nHankkeen tuloksista on tiedotettava.",
        reasons="Hanke vastaa haun tavoitteisiin; matkakulut eivät ole hyväksyttäviä.",
        presenter=presenter,
        decision_maker=decision_maker,
        **_signed(),
    )


@pytest.fixture
def rejected(presenter, decision_maker):
    application = _application(
        "TEM/1299/2026", organisation_name="Naapuriapu ry", project_name="Naapuriavun verkosto"
    )
    return DecisionFactory.signed(
        application=application,
        outcome=Outcome.REJECTED,
        reasons="Hakemus ei vastaa haun painopisteitä.",
        presenter=presenter,
        decision_maker=decision_maker,
        **_signed(),
    )


EXPECTED = {
    "fi": {
        "title": "Päätös valtionavustuksesta",
        "amount": "12 345,50 €",
        "eligible_costs": "15 432 €",
        "share": "80 %",
        "period": ["1.3.2027", "29.2.2028"],
        "decision_date": "20.11.2026",
        "instalments": [
            "60 %",
            "7 407,30 €",
            "Kun päätös on hyväksytty",
            "Kun väliraportti on hyväksytty",
            "Kun loppuraportti on hyväksytty",
        ],
        "reports": ["Väliraportti viimeistään 30.9.2027", "Loppuraportti viimeistään 30.4.2028"],
        "labels": ["Käyttötarkoitus", "Hyväksyttävät kustannukset", "Käyttöaika", "Perustelut"],
        "partial": "Hyväksytty osittain",
        "rejected": "Hylätty",
        "recovery": ["Valtionavustuksen palauttaminen ja takaisinperintä", "enintään 100 euroa"],
        "review": [
            "Oikaisuvaatimusohje",
            "Oikaisuvaatimus on tehtävä 30 päivän kuluessa päätöksen tiedoksisaannista",
            "seitsemäntenä päivänä",
            "kolmantena päivänä",
            "Oikaisuvaatimuksen tekeminen on maksutonta",
        ],
        "review_authority": "päätöksen tehneelle viranomaiselle: Työ- ja elinkeinoministeriö",
        "draft": "LUONNOS – ei allekirjoitettu",
        "corrects": "Tämä päätös korjaa 20.11.2026 tehdyn päätöksen ja korvaa sen",
    },
    "sv": {
        "title": "Beslut om statsunderstöd",
        "amount": "12 345,50 €",
        "eligible_costs": "15 432 €",
        "share": "80 %",
        "period": ["1.3.2027", "29.2.2028"],
        "decision_date": "20.11.2026",
        "instalments": [
            "60 %",
            "7 407,30 €",
            "När beslutet har godtagits",
            "När mellanrapporten har godkänts",
            "När slutrapporten har godkänts",
        ],
        "reports": ["Mellanrapport senast 30.9.2027", "Slutrapport senast 30.4.2028"],
        "labels": ["Användningsändamål", "Godtagbara kostnader", "Användningstid", "Motivering"],
        "partial": "Delvis beviljad",
        "rejected": "Avslagen",
        "recovery": ["Återbetalning och återkrav av statsunderstöd", "högst 100 euro"],
        "review": [
            "Anvisning om begäran om omprövning",
            "Begäran om omprövning ska framställas inom 30 dagar från delfåendet av beslutet",
            "den sjunde dagen",
            "den tredje dagen",
            "Det är avgiftsfritt att begära omprövning",
        ],
        "review_authority": "den myndighet som har fattat beslutet: Arbets- och näringsministeriet",
        "draft": "UTKAST – inte undertecknat",
        "corrects": "Detta beslut rättar beslutet av den 20.11.2026 och ersätter det",
    },
    "en": {
        "title": "Decision on a state grant",
        "amount": "€12,345.50",
        "eligible_costs": "€15,432",
        "share": "80 %",
        "period": ["1 March 2027", "29 February 2028"],
        "decision_date": "20 November 2026",
        "instalments": [
            "60 %",
            "€7,407.30",
            "When the decision has been accepted",
            "After the interim report has been approved",
            "After the final report has been approved",
        ],
        "reports": ["Interim report by 30 September 2027", "Final report by 30 April 2028"],
        "labels": ["Purpose of use", "Eligible costs", "Period of use", "Reasons"],
        "partial": "Approved in part",
        "rejected": "Rejected",
        "recovery": ["Return and recovery of the grant", "100 euros or less"],
        "review": [
            "Instructions for requesting a review",
            "must be made within 30 days of notification of the decision",
            "on the seventh day",
            "on the third day",
            "Requesting a review is free of charge",
        ],
        "review_authority": "to the authority that made the decision: Ministry of Economic Affairs and Employment",
        "draft": "DRAFT – not signed",
        "corrects": "This decision corrects the decision made on 20 November 2026 and replaces it",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_positive_decision_shows_every_element_of_the_decision(positive, language):
    expected = EXPECTED[language]
    text = pdf_text(decision_pdf(positive, language))

    for element in [
        expected["title"],
        "TEM/1234/2026",
        "Kotipiha ry",
        positive.application.applicant_business_id,
        "Perheiden kotoutumisen tuki",
        getattr(positive.application.call, f"title_{language}"),
        expected["decision_date"],
        expected["partial"],
        expected["amount"],
        "Vertaistukiryhmät maahanmuuttaneille perheille Helsingissä.",
        expected["eligible_costs"],
        expected["share"],
        *expected["period"],
        *expected["instalments"],
        *expected["reports"],
        *expected["labels"],
        "Avustusta ei saa käyttää investointeihin.",
        "Hankkeen tuloksista on tiedotettava.",
        "Hanke vastaa haun tavoitteisiin; matkakulut eivät ole hyväksyttäviä.",
        "Valtionavustuslaki 688/2001",
        "32.50.03",
        *expected["recovery"],
        *expected["review"],
        expected["review_authority"],
        "TEM/1234/2026",
        "Esa Esittelijä",
        "Paula Päättäjä",
    ]:
        assert element in text, f"{element!r} missing from the {language} decision"
    assert expected["draft"] not in text


def test_swedish_document_names_the_swedish_call_and_agency(positive):
    text = pdf_text(decision_pdf(positive, "sv"))
    assert "Organisationsstöd för integrationsfrämjande verksamhet 2027" in text
    assert "Arbets- och näringsministeriet" in text
    assert "Työ- ja elinkeinoministeriö" not in text


def test_instalments_add_up_to_the_amount(positive):
    text = pdf_text(decision_pdf(positive, "fi"))
    # 60 % of 12 345,50 € is 7 407,30 €, 30 % is 3 703,65 €, and the last 10 % takes the rest, 1 234,55 €.
    assert "7 407,30 €" in text
    assert "3 703,65 €" in text
    assert "1 234,55 €" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_rejected_decision_has_reasons_and_review_instructions_but_no_grant_terms(rejected, language):
    expected = EXPECTED[language]
    text = pdf_text(decision_pdf(rejected, language))

    for element in [
        expected["title"],
        "TEM/1299/2026",
        "Naapuriapu ry",
        rejected.application.applicant_business_id,
        "Naapuriavun verkosto",
        expected["decision_date"],
        expected["rejected"],
        "Hakemus ei vastaa haun painopisteitä.",
        *expected["review"],
        expected["review_authority"],
        "Esa Esittelijä",
        "Paula Päättäjä",
    ]:
        assert element in text, f"{element!r} missing from the {language} decision"
    for absent in [
        expected["labels"][0],
        expected["labels"][1],
        expected["instalments"][2],
        expected["recovery"][0],
        "32.50.03",
    ]:
        assert absent not in text, f"{absent!r} shown on a rejected {language} decision"


@pytest.mark.parametrize("language", LANGUAGES)
def test_document_is_pdf_a(positive, language):
    pdf = decision_pdf(positive, language)
    assert pdf.startswith(b"%PDF-")
    metadata = xmp(pdf)
    assert b"pdfaid:part" in metadata
    assert b"http://www.aiim.org/pdfa/ns/id/" in metadata
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(side)) for side in page.mediabox[2:]] == [595, 842]  # A4 in points
    fonts = {font.get_object()["/BaseFont"].split("+")[-1] for font in page["/Resources"]["/Font"].values()}
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_english_copy_says_which_language_is_binding(positive):
    text = pdf_text(decision_pdf(positive, "en"))
    assert "Courtesy translation; the decision in Finnish is binding." in text
    assert "Courtesy translation" not in pdf_text(decision_pdf(positive, "fi"))

    positive.language = "sv"
    text = pdf_text(decision_pdf(positive, "en"))
    assert "Courtesy translation; the decision in Swedish is binding." in text


CONTACT_AND_SIGNERS = {
    "fi": {
        "contact": [
            "Lisätietoja päätöksestä antaa",
            "Esa Esittelijä, ylitarkastaja",
            "puhelin +358 29 504 7105",
        ],
        "signers": [
            "Päätöksentekijä Paula Päättäjä yksikön päällikkö",
            "Esittelijä Esa Esittelijä ylitarkastaja",
        ],
        "registry": ["Kirjaamon postiosoite", "Kirjaamon käyntiosoite"],
    },
    "sv": {
        "contact": [
            "Ytterligare information om beslutet ges av",
            "Esa Esittelijä, överinspektör",
            "telefon +358 29 504 7105",
        ],
        "signers": ["Beslutsfattare Paula Päättäjä enhetschef", "Föredragande Esa Esittelijä överinspektör"],
        # The e-mail address's label breaks at its hyphen in the table, so its value is what is checked.
        "registry": ["Registratorskontorets postadress", "Registratorskontorets besöksadress"],
    },
}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_decision_names_its_contact_person_the_signers_titles_and_the_registry(positive, language):
    """Administrative Procedure Act 434/2003 §44: the contact person; the review instructions say where to send
    a request for review."""
    expected = CONTACT_AND_SIGNERS[language]
    text = pdf_text(decision_pdf(positive, language))
    for element in [
        *expected["contact"],
        "esa.esittelija@tem.fi",
        *expected["signers"],
        *expected["registry"],
        "PL 32 / PB 32 00023 Valtioneuvosto / Statsrådet",
        "kirjaamo.tem@gov.fi",
        "Aleksanterinkatu 4, Helsinki",
    ]:
        assert element in text, f"{element!r} missing from the {language} decision"


@pytest.mark.parametrize("language", LANGUAGES)
def test_unsigned_decision_is_marked_as_a_draft_without_decision_maker(positive, language):
    positive.status = DecisionStatus.FOR_SIGNING
    positive.signed_at = None
    positive.decision_date = None
    text = pdf_text(decision_pdf(positive, language))
    assert EXPECTED[language]["draft"] in text
    assert "Paula Päättäjä" not in text
    assert "Esa Esittelijä" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_correcting_decision_says_which_decision_it_replaces(positive, presenter, decision_maker, language):
    correction = DecisionFactory.signed(
        application=positive.application,
        corrects=positive,
        outcome=Outcome.APPROVED,
        amount=Decimal("15000.00"),
        purpose=positive.purpose,
        period_start=positive.period_start,
        period_end=positive.period_end,
        reasons="Korjattu laskuvirhe.",
        presenter=presenter,
        decision_maker=decision_maker,
        **_signed(decision_date=datetime.date(2026, 12, 1)),
    )
    text = pdf_text(decision_pdf(correction, language))
    assert EXPECTED[language]["corrects"] in text


def test_unknown_language_is_refused(positive):
    with pytest.raises(ValueError):
        decision_pdf(positive, "de")
