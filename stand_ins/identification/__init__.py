"""A local stand-in of Suomi.fi e-Identification's OpenID Connect interface, for the demo and the tests only.

It is its own small Django project (settings in `settings.py`, no database: codes, tokens and used assertion ids
live in the process's memory) built on Authlib's authorization server, with joserfc doing every signature and
encryption. It plays the strictest profile we know of (the Finnish Trust Network's OpenID Connect profile,
Traficom recommendation 213/2023 S): PKCE S256, signed request objects, private_key_jwt at the token endpoint,
and an ID token and userinfo signed and then encrypted to the client's key. Run it with
`python -m stand_ins.identification --port N`; `README.md` beside this file lists its settings.
"""
