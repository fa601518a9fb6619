"""The privacy notice (GDPR art. 13-14): public, in each language, naming the agency from its own record and
showing the retention rules the command applies."""

import pytest
from django.utils import translation
from django.utils.html import escape

from avustamo.portal.retention import RULES
from tests.factories import AgencyFactory

LANGUAGE_PREFIX = {"fi": "", "sv": "/sv", "en": "/en"}


@pytest.mark.parametrize(
    "language, agency_name, heading",
    [
        ("fi", "Työ- ja elinkeinoministeriö", "Tietosuojaseloste"),
        ("sv", "Arbets- och näringsministeriet", "Dataskyddsbeskrivning"),
        ("en", "Ministry of Economic Affairs and Employment", "Privacy notice"),
    ],
)
def test_anyone_reads_the_notice_with_the_controller_from_the_agency_record(
    client, db, django_assert_num_queries, language, agency_name, heading
):
    AgencyFactory(
        registry_email="kirjaamo@tem.example", registry_postal_address="PL 32, 00023 Valtioneuvosto"
    )
    with django_assert_num_queries(1):
        response = client.get(f"{LANGUAGE_PREFIX[language]}/privacy/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert agency_name in content and "kirjaamo@tem.example" in content
    with translation.override(language):
        for rule in RULES:
            assert escape(str(rule.records)) in content
            assert escape(rule.period) in content


def test_the_query_count_does_not_grow_with_the_agencies(client, db, django_assert_num_queries):
    for code in ("TEM", "OKM", "STM"):
        AgencyFactory(code=code, posting_accounts=False)
    with django_assert_num_queries(1):
        assert client.get("/en/privacy/").status_code == 200


def test_every_page_links_to_the_notice_in_its_footer(client, db):
    for path in ("/", "/calls/", "/accessibility/"):
        assert 'href="/privacy/"' in client.get(path).content.decode(), path
