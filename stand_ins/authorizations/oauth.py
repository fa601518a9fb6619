"""The selection step's OAuth 2.0 authorization server, done by Authlib; only its storage is the stand-in's."""

import hmac

from authlib.integrations.django_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from django.conf import settings

from stand_ins.authorizations.registry import AccessToken, Selection, registry


class WebApiClient(ClientMixin):
    """The one e-service the stand-in serves, with the credentials from the environment."""

    def get_client_id(self):
        return settings.CLIENT_ID

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return "read" if scope and "read" in scope.split() else ""

    def check_redirect_uri(self, redirect_uri):
        return any(
            redirect_uri.startswith(allowed[:-1]) if allowed.endswith("*") else redirect_uri == allowed
            for allowed in settings.REDIRECT_URIS
        )

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), settings.OAUTH_PASSWORD.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        # The Web API's token call authenticates with HTTP Basic: client id and OAuth password.
        return method == "client_secret_basic"

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class SelectionGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def save_authorization_code(self, code, request):
        registry.save_selection(
            code,
            Selection(
                session=request.user,
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope or "",
            ),
        )

    def query_authorization_code(self, code, client):
        return registry.selection(code)

    def delete_authorization_code(self, authorization_code):
        registry.forget_selection(authorization_code)

    def authenticate_user(self, authorization_code):
        session = authorization_code.session
        return None if session.is_expired() else session


class StandInAuthorizationServer(AuthorizationServer):
    def __init__(self):
        super().__init__(client_model=None, token_model=None)
        self.register_grant(SelectionGrant)

    def query_client(self, client_id):
        return WebApiClient() if client_id == settings.CLIENT_ID else None

    def save_token(self, token, request):
        registry.save_token(
            token["access_token"], AccessToken(session=request.user, scope=token.get("scope", ""))
        )


class SessionTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        return registry.token(token_string)


server = StandInAuthorizationServer()
resource_protector = ResourceProtector()
resource_protector.register_token_validator(SessionTokenValidator())
