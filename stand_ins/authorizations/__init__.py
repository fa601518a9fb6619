"""A local stand-in for the Suomi.fi e-Authorizations Web API, for the demo and the tests only.

It answers the calls of the real Web API in their documented form: the session registration, the selection of
the organisation one acts for (an OAuth 2.0 authorization endpoint, done by Authlib), the token call, and the
OrganizationalRoles and Authorization queries, each checked for its `X-AsiointivaltuudetAuthorization` header.
The roles and mandates are those of `stand_ins/test_persons.json`, held in memory and lost when it stops.

    python -m stand_ins.authorizations --port 8102

Environment (all read at start):

- `AUTHORIZATIONS_STAND_IN_CLIENT_ID`, `AUTHORIZATIONS_STAND_IN_API_KEY`, `AUTHORIZATIONS_STAND_IN_OAUTH_PASSWORD`:
  the credentials the service must present (required);
- `AUTHORIZATIONS_STAND_IN_REDIRECT_URIS`: the return addresses allowed, separated by commas; an entry ending in
  `*` allows every address it begins (default: any address on 127.0.0.1 or localhost);
- `AUTHORIZATIONS_STAND_IN_SESSION_SECONDS`: how long a Web API session lasts before it answers 401 (600);
- `AUTHORIZATIONS_STAND_IN_CONTROL_TOKEN`: enables the test controls under `/_stand_in/` for whoever sends it in
  `X-Stand-In-Control-Token`; without it they do not exist.
"""
