import pytest
from django.core import mail

from avustamo.accounts.models import User
from avustamo.core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "full_name": "Aino Rahastonhoitaja",
    "email": "Aino@Example.org",
    "preferred_language": "fi",
    "password1": "kotoutuminen-2027",
    "password2": "kotoutuminen-2027",
}


def test_sign_up__creates_the_person_and_signs_in(client):
    response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "aino@example.org"
    assert not user.is_staff
    assert client.get("/organisations/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password2": "something-else-2027"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1"),
        ({"email": "not-an-address"}, "email"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_sign_up__refused_input_shows_message_and_saves_nothing(client, overrides, field):
    response = client.post("/accounts/signup/", SIGN_UP | overrides)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


def test_sign_up__taken_address_in_other_case_is_refused(client):
    UserFactory(email="aino@example.org")
    response = client.post("/accounts/signup/", SIGN_UP)
    assert response.context["form"].has_error("email", "email_taken")
    assert User.objects.count() == 1


def test_sign_in__email_is_case_insensitive(client):
    UserFactory(email="bertil@example.org", password="projekt-chef-2027")
    response = client.post(
        "/accounts/login/", {"username": "Bertil@Example.org", "password": "projekt-chef-2027"}
    )
    assert response.status_code == 302
    assert client.get("/organisations/").status_code == 200


def test_sign_in__wrong_password_is_refused(client):
    UserFactory(email="bertil@example.org", password="projekt-chef-2027")
    response = client.post("/accounts/login/", {"username": "bertil@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_sign_up__unsafe_next_address_is_ignored(client):
    response = client.post(
        "/accounts/signup/?next=https://evil.example.com/", SIGN_UP | {"next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/organisations/"


def test_password_reset__link_sent_in_the_persons_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="bertil@example.org", preferred_language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "bertil@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Välj ett nytt lösenord för Avustamo"
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.SENT and "/accounts/password-reset/" not in stored.body
