import pytest

from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "language", "expected"),
    [
        ("/sv/calls/", "fi", "/calls/"),
        ("/calls/", "sv", "/sv/calls/"),
        ("/en/calls/?status=closed", "fi", "/calls/?status=closed"),
        ("/en/", "sv", "/sv/"),
        ("/sv/accessibility/", "en", "/en/accessibility/"),
    ],
)
def test_language_switch_returns_to_the_same_page_in_the_chosen_language(client, page, language, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": page})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies["django_language"].value == language


def test_language_switch_never_leaves_the_site(client):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "https://evil.example.com/"})
    assert response["Location"] == "/sv/"


@pytest.mark.parametrize(
    ("prefix", "language", "text"), [("", "fi", "Avustushaut"), ("/sv", "sv", "Utlysningar")]
)
def test_pages_speak_the_language_of_their_address(client, prefix, language, text):
    CallFactory()
    page = client.get(f"{prefix}/calls/").content.decode()
    assert f'<html lang="{language}">' in page
    assert text in page


@pytest.mark.parametrize(("prefix", "text"), [("", "Sivua ei löytynyt"), ("/sv", "Sidan hittades inte")])
def test_missing_page_is_explained_in_the_pages_language(client, prefix, text):
    response = client.get(f"{prefix}/calls/999999/")
    assert response.status_code == 404
    assert text in response.content.decode()
