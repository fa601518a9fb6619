"""The client against the e-Authorizations stand-in running as its own process, as the demo and browser tests use
it: session, selection page, token, roles and mandates, and the refusals the real Web API gives."""

import datetime

import pytest
import requests
import time_machine

from avustamo.organisations import e_authorizations
from avustamo.organisations.e_authorizations import AuthorizationServiceError
from tests.authorizations_stand_in import (
    ISSUE,
    REDIRECT_URI,
    cancel_selection,
    choose_organisation,
    selection_page_choices,
)

AINO = "150385-9068"  # chair (PJ) and signatory (NIMKO) of Kotipiha ry
SAMIRA = "011265-938B"  # no register role; a mandate of Helmi ry for the issue "valtionavustus"
NIKO = "300901A952K"  # neither roles nor mandates
KOTIPIHA = "1618033-3"
HELMI = "2645751-9"


def selected(identity_code: str, business_id: str):
    """A Web API session in which the person has chosen the organisation, and its access token."""
    session = e_authorizations.register_session(national_identification_number=identity_code)
    url = e_authorizations.selection_url(web_api_session=session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose_organisation(url, business_id)
    token = e_authorizations.complete_selection(
        web_api_session=session, params=params, redirect_uri=REDIRECT_URI
    )
    return session, token


def test_a_chair_chooses_the_association_and_its_roles_come_back(authorizations_stand_in):
    session = e_authorizations.register_session(national_identification_number=AINO)
    url = e_authorizations.selection_url(web_api_session=session, redirect_uri=REDIRECT_URI, language="fi")

    assert selection_page_choices(url) == [KOTIPIHA]
    params = choose_organisation(url, KOTIPIHA)
    token = e_authorizations.complete_selection(
        web_api_session=session, params=params, redirect_uri=REDIRECT_URI
    )
    [organisation] = e_authorizations.organisation_roles(web_api_session=session, access_token=token)

    assert organisation.business_id == KOTIPIHA
    assert organisation.name == "Monikulttuurinen perheyhdistys Kotipiha ry"
    assert organisation.roles == ("PJ", "NIMKO")
    assert organisation.complete is True
    assert organisation.source.startswith(authorizations_stand_in.url)


def test_a_role_ended_in_the_register_is_gone_at_the_next_check(authorizations_stand_in):
    session, token = selected(AINO, KOTIPIHA)
    assert authorizations_stand_in.control(
        "end-role", national_identification_number=AINO, business_id=KOTIPIHA
    ).ok

    assert e_authorizations.organisation_roles(web_api_session=session, access_token=token) == []


def test_a_mandate_allows_its_issue_and_no_other(authorizations_stand_in):
    session, token = selected(SAMIRA, HELMI)

    allowed = e_authorizations.authorization(
        web_api_session=session, access_token=token, business_id=HELMI, issue=ISSUE
    )
    other = e_authorizations.authorization(
        web_api_session=session, access_token=token, business_id=HELMI, issue="kalastuslupa"
    )

    assert allowed.allowed is True
    assert other.allowed is False
    # A mandate is not a register role: the chosen organisation comes with none.
    [chosen] = e_authorizations.organisation_roles(web_api_session=session, access_token=token)
    assert (chosen.business_id, chosen.roles) == (HELMI, ())


def test_an_ended_mandate_no_longer_allows(authorizations_stand_in):
    session, token = selected(SAMIRA, HELMI)
    assert authorizations_stand_in.control(
        "end-mandate", national_identification_number=SAMIRA, business_id=HELMI, issue=ISSUE
    ).ok

    answer = e_authorizations.authorization(
        web_api_session=session, access_token=token, business_id=HELMI, issue=ISSUE
    )

    assert answer.allowed is False


def test_a_person_with_nothing_to_choose_can_only_cancel(authorizations_stand_in):
    session = e_authorizations.register_session(national_identification_number=NIKO)
    url = e_authorizations.selection_url(web_api_session=session, redirect_uri=REDIRECT_URI, language="fi")

    assert selection_page_choices(url) == []
    params = cancel_selection(url)
    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.complete_selection(web_api_session=session, params=params, redirect_uri=REDIRECT_URI)

    assert failure.value.code == "cancelled"


def test_an_expired_session_answers_401(authorizations_stand_in):
    session, token = selected(AINO, KOTIPIHA)
    authorizations_stand_in.control("expire-sessions")

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.organisation_roles(web_api_session=session, access_token=token)

    assert failure.value.code == "session_expired"


def test_a_token_of_another_session_is_refused(authorizations_stand_in):
    session, _token = selected(AINO, KOTIPIHA)
    _other_session, other_token = selected(SAMIRA, HELMI)

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.organisation_roles(web_api_session=session, access_token=other_token)

    assert failure.value.code == "session_expired"


def test_a_wrong_api_key_is_refused(authorizations_stand_in, settings):
    settings.SUOMIFI_AUTHORIZATIONS_API_KEY = "not-the-key"

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.register_session(national_identification_number=AINO)

    assert failure.value.code == "refused"


def test_a_time_stamp_more_than_five_minutes_off_is_refused(authorizations_stand_in):
    with (
        time_machine.travel(datetime.timedelta(minutes=6)),
        pytest.raises(AuthorizationServiceError) as failure,
    ):
        e_authorizations.register_session(national_identification_number=AINO)

    assert failure.value.code == "refused"


def test_a_time_stamp_within_five_minutes_is_accepted(authorizations_stand_in):
    with time_machine.travel(datetime.timedelta(minutes=4)):
        session = e_authorizations.register_session(national_identification_number=AINO)

    assert session.session_id


def test_a_wrong_oauth_password_gets_no_token(authorizations_stand_in, settings):
    session = e_authorizations.register_session(national_identification_number=AINO)
    url = e_authorizations.selection_url(web_api_session=session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose_organisation(url, KOTIPIHA)
    settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD = "not-the-password"

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.complete_selection(web_api_session=session, params=params, redirect_uri=REDIRECT_URI)

    assert failure.value.code == "refused"


def test_a_code_is_good_for_one_token_only(authorizations_stand_in):
    session = e_authorizations.register_session(national_identification_number=AINO)
    url = e_authorizations.selection_url(web_api_session=session, redirect_uri=REDIRECT_URI, language="fi")
    params = choose_organisation(url, KOTIPIHA)
    e_authorizations.complete_selection(web_api_session=session, params=params, redirect_uri=REDIRECT_URI)

    with pytest.raises(AuthorizationServiceError) as failure:
        e_authorizations.complete_selection(web_api_session=session, params=params, redirect_uri=REDIRECT_URI)

    assert failure.value.code == "refused"


def test_the_test_controls_make_the_service_slow_or_fail(authorizations_stand_in, settings):
    settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS = 0.3
    authorizations_stand_in.control("behaviour", delay_seconds=1)
    with pytest.raises(AuthorizationServiceError) as slow:
        e_authorizations.register_session(national_identification_number=AINO)

    authorizations_stand_in.control("behaviour", failure_status=503)
    with pytest.raises(AuthorizationServiceError) as down:
        e_authorizations.register_session(national_identification_number=AINO)

    assert (slow.value.code, down.value.code) == ("unavailable", "unavailable")


def test_the_test_controls_need_their_token(authorizations_stand_in):
    response = requests.post(
        f"{authorizations_stand_in.url}/_stand_in/end-role",
        json={"national_identification_number": AINO, "business_id": KOTIPIHA},
        headers={"X-Stand-In-Control-Token": "guess"},
        timeout=5,
    )

    assert response.status_code == 404
    session, token = selected(AINO, KOTIPIHA)
    assert e_authorizations.organisation_roles(web_api_session=session, access_token=token)[0].roles == (
        "PJ",
        "NIMKO",
    )
