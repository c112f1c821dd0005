"""Authlib wired up the way Mastodon (Doorkeeper) behaves."""

from __future__ import annotations

import secrets
import time

import flask
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError, UnsupportedResponseTypeError
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from .store import Grant, Store, Token


JSON = [("Content-Type", "application/json")]
NOT_YOURS = {
    "error": "unauthorized_client",
    "error_description":  # Doorkeeper's words, as Mastodon sends them
        "You are not authorized to revoke this token",
}


class MastodonCodeChallenge(CodeChallenge):
    """PKCE as Mastodon configures it: optional, S256 only, and a method must be named."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def __init__(self, ignore: bool = False):
        super().__init__(required=False)
        self.ignore = ignore  # older servers: PKCE parameters are accepted and then ignored

    def validate_code_challenge(self, grant, redirect_uri):
        if self.ignore:
            return
        data = grant.request.payload.data
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            raise InvalidRequestError("Missing 'code_challenge_method': Mastodon accepts only S256")
        return super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result=None):
        if self.ignore:
            return
        return super().validate_code_verifier(grant, result)

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.code_challenge_method


class JsonOrFormPayload(FlaskOAuth2Payload):
    def __init__(self, request, form):
        super().__init__(request)
        self._form = form

    @property
    def data(self):
        return CombinedMultiDict([self._request.args, self._form])


def body_params(request) -> MultiDict:
    """The body's parameters as Rails reads them: a form, or a JSON object (Rails' params parser
    turns `{"grant_type": "client_credentials"}` into the same params, and Doorkeeper reads those).
    Only string values: a number or a list is no credential or grant name."""
    body = flask.g.get("json")
    if isinstance(body, dict):
        return MultiDict([(key, value) for key, value in body.items() if isinstance(value, str)])
    return request.form


class LoopbackRequest(FlaskOAuth2Request):
    """Authlib takes plain http only on a URL that names a loopback host. The sandbox listens on
    loopback only, so a Host header with another name (a hosts-file alias, a forwarded port) must
    not turn each OAuth request into a 500. The body may be a form or JSON, as with Doorkeeper."""

    def __init__(self, request):
        OAuth2Request.__init__(self, method=request.method, uri="http://127.0.0.1" + request.full_path,
                               headers=request.headers)
        self._request, self._form = request, body_params(request)
        self.payload = JsonOrFormPayload(request, self._form)

    @property
    def form(self):
        return self._form


class MastodonServer(AuthorizationServer):
    def create_oauth2_request(self, request):
        return LoopbackRequest(flask.request)

    def get_authorization_grant(self, request):
        try:
            return super().get_authorization_grant(request)
        except ValueError:
            # Authlib puts an unsupported response_type into the error description and then refuses
            # to build the error if the value holds characters RFC 6749 forbids there; so build it
            # without one, redirecting as Authlib would.
            client = self.query_client(request.payload.client_id or "")
            asked, back = request.payload.redirect_uri, None
            if client and asked:
                back = asked if client.check_redirect_uri(asked) else None
            elif client:
                back = client.get_default_redirect_uri()
            raise UnsupportedResponseTypeError(request.payload.response_type, redirect_uri=back) from None


def lenient_basic(query_client, request):
    """Authlib's HTTP Basic client authentication, except that a malformed header (`Basic` alone,
    bytes that are not UTF-8) is no credentials instead of an exception, as with Doorkeeper."""
    try:
        return authenticate_client_secret_basic(query_client, request)
    except ValueError:
        return None


PLACEHOLDER = "placeholder-app-token"  # what some non-Mastodon servers hand out for client credentials


def build_oauth(app, store: Store, *, legacy: bool, code_lifetime: float, placeholder_app_token: bool = False):
    class AuthorizationCode(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, request):
            data = request.payload.data
            store.grants[code] = Grant(
                code, request.client, request.user, request.payload.redirect_uri or "", request.scope,
                None if legacy else data.get("code_challenge"), None if legacy else data.get("code_challenge_method"),
                time.time() + code_lifetime,
            )

        def query_authorization_code(self, code, client):
            grant = store.grants.get(code)
            if grant and grant.app.client_id == client.client_id and grant.expires_at > time.time():
                return grant
            return None

        def delete_authorization_code(self, authorization_code):
            store.grants.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class ClientCredentials(grants.ClientCredentialsGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_client(client_id):
        return next((a for a in store.apps.values() if a.client_id == client_id), None)

    def generate_token(grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        scope = client.get_allowed_scope(scope)  # within the app's scopes, `read` by default
        if scope is None:
            raise InvalidScopeError()
        if placeholder_app_token and grant_type == "client_credentials":
            return {"access_token": PLACEHOLDER, "token_type": "Bearer", "scope": scope, "created_at": 0}
        # Doorkeeper reuses a live token of the same app, user and scopes.
        with store.lock:
            for token in store.tokens.values():
                if (token.app is client and token.user is user and token.scope == scope and not token.revoked):
                    return token.response()
            token = Token(secrets.token_urlsafe(32), client, user, scope or "")
            store.tokens[token.access_token] = token
            return token.response()

    def save_token(token_data, request):
        pass  # generate_token already stored it (so that reuse can find it)

    server = MastodonServer(app, query_client=query_client, save_token=save_token)
    server.register_token_generator("default", generate_token)
    server.register_client_auth_method("client_secret_basic", lenient_basic)
    server.register_grant(AuthorizationCode, [MastodonCodeChallenge(ignore=legacy)])
    server.register_grant(ClientCredentials)

    class Revocation(RevocationEndpoint):
        CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def query_token(self, token_string, token_type_hint):
            return store.tokens.get(token_string)

        def revoke_token(self, token, request):
            token.revoked = True

        def create_endpoint_response(self, request):
            # Doorkeeper: 403 without client authentication or for another app's token,
            # 200 {} for an unknown token.
            try:
                client = self.authenticate_endpoint_client(request)
            except OAuth2Error:
                return 403, NOT_YOURS, JSON
            token = self.query_token(request.form.get("token", ""), None)
            if token and not token.check_client(client):
                return 403, NOT_YOURS, JSON
            if token:
                self.revoke_token(token, request)
            return 200, {}, [("Content-Type", "application/json")]

    server.register_endpoint(Revocation)

    class Validator(BearerTokenValidator):
        def authenticate_token(self, token_string):
            return store.tokens.get(token_string)

    protector = ResourceProtector()
    protector.register_token_validator(Validator(realm="Doorkeeper"))
    return server, protector
