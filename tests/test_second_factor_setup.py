"""Setting up an authenticator app, in transactions of their own: allauth announces the new authenticator after its
commit, and the session counts the second factor as used from that announcement."""

import pytest
import time_machine
from allauth.mfa.models import Authenticator

from tests.factories import days_from_now_at
from tests.test_second_factor import OFFICIAL_PAGE, PASSWORD, _code, _official, _password_sign_in


@pytest.mark.django_db(transaction=True)
def test_official_sets_up_an_authenticator_app_and_gets_recovery_codes(client):
    official = _official()
    with time_machine.travel(days_from_now_at(1, hour=10, minute=0), tick=False):
        _password_sign_in(client)
        # Setting up asks for the password once more (allauth's reauthentication).
        asked = client.get("/accounts/2fa/totp/activate/")
        assert asked["Location"].startswith("/accounts/reauthenticate/")
        client.post(asked["Location"], {"password": PASSWORD})
        form = client.get("/accounts/2fa/totp/activate/").context["form"]
        wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
        assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
        assert not Authenticator.objects.filter(user=official).exists()
        response = client.post("/accounts/2fa/totp/activate/", {"code": _code(form.secret)})
        assert response["Location"] == "/accounts/2fa/recovery-codes/"
        codes = client.get("/accounts/2fa/recovery-codes/").context["unused_codes"]
        assert len(codes) == 10
        # Setting up the app proved the person holds it: the officials' pages open in the same session.
        assert client.get(OFFICIAL_PAGE).status_code == 200
    assert set(Authenticator.objects.filter(user=official).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
