"""One way to ask a page as someone and check the answer, for the permission matrices."""

LOGIN = "login"  # a redirect to the sign-in page


def assert_access(client, user, method: str, path: str, want, data: dict | None = None) -> None:
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(path) if method == "GET" else client.post(path, data or {})
    if want == LOGIN:
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    else:
        assert response.status_code == want, f"{method} {path}"
