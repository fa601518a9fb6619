"""Rights before forms, on every route: each route of the URLconf and of the API is sent an empty body by each kind
of person who may not use it, with its parameters filled by real objects of an organisation not theirs. Every answer
is a refusal (sign-in, 401, 403 or 404; 405 where the route takes no such request) that shows nothing of the object:
a view that read the form before the rights would answer 400 or 422 with the object on the page (issue 15 §3).

A route with parameters must be in tests/routes.py: in OBJECTS (which objects fill them) or in an allow-list, each saying
why; a new route in neither fails `test_every_route_is_walked_or_allowed`."""

import pytest

from tests.factories import MembershipFactory, UserFactory
from tests.routes import (
    ANY_OFFICIAL,
    OBJECTS,
    OWN_ACCOUNT,
    PUBLIC,
    Route,
    all_routes,
    data_set,
    parameters,
    secrets_kept_from,
    signed_in,
)

ROUTES = all_routes()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), data_set() as data:
        stranger = MembershipFactory(administrator=True).person
        official = UserFactory(official=True)  # staff, second factor done, no role
        clients, tokens = signed_in({"anonymous": None, "applicant": stranger, "official": official})
        yield data | {"clients": clients, "tokens": tokens, "secrets": secrets_kept_from(stranger)}


def _refused(route: Route) -> set[str]:
    """The kinds of people the route must refuse."""
    if route.pattern in OWN_ACCOUNT:
        return {"anonymous"}
    if route.pattern in ANY_OFFICIAL:
        return {"anonymous", "applicant"}
    return {"anonymous", "applicant", "official"}


WALKED = [route for route in ROUTES if route.pattern not in PUBLIC]


def _send(world, kind: str, route: Route, method: str, path: str):
    client = world["clients"][kind]
    if not route.is_api:
        return client.post(path, {})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][kind]}"} if kind in world["tokens"] else {}
    return client.generic(method, path, b"", content_type="application/json", **headers)


def _content(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("route", WALKED, ids=[route.pattern or "/" for route in WALKED])
def test_an_empty_request_by_whoever_may_not_is_refused_and_shows_nothing(db, world, route):
    path = route.path(**parameters(route, world))
    methods = sorted(route.methods - {"GET", "HEAD", "OPTIONS"}) if route.is_api else ["POST"]
    for method in methods:
        for kind in sorted(_refused(route)):
            response = _send(world, kind, route, method, path)
            where = f"{method} {path} as {kind}: {response.status_code}"
            if response.status_code == 405:
                continue
            if kind == "anonymous" and route.is_api:
                assert response.status_code == 401, where
            elif route.is_admin and response.status_code == 302:
                # The admin site sends whoever is not staff to its sign-in page, and an official without the
                # model's permission to its index (an old address, or an object that is not there).
                assert response["Location"].startswith(("/accounts/login/", "/admin/")), where
            elif kind == "anonymous":
                assert response.status_code == 302, where
                assert response["Location"].startswith("/accounts/login/"), where
            else:
                assert response.status_code in (403, 404), where
            content = _content(response)
            leaked = [secret for secret in world["secrets"] if secret in content]
            assert not leaked, f"{where} shows {leaked}"


def test_every_route_is_walked_or_allowed():
    """A new route with parameters needs its objects in OBJECTS, or a place in an allow-list with the reason."""
    allowed = PUBLIC.keys() | OWN_ACCOUNT.keys() | ANY_OFFICIAL.keys()
    patterns = {route.pattern for route in ROUTES}
    unfilled = [
        route.pattern
        for route in ROUTES
        if route.parameters and not route.is_admin and route.pattern not in OBJECTS | PUBLIC
    ]
    assert not unfilled, f"routes with parameters that no object fills: {unfilled}"
    assert not (allowed | OBJECTS.keys()) - patterns, "entries for routes that no longer exist"
