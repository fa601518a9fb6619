"""Local stand-ins for the Suomi.fi services, for the demo and the tests only; never used in production.

Each runs as its own small process from its own folder and shares nothing with the service but
`test_persons.json`: the same test persons identify at the identification stand-in and hold roles and mandates
at the e-Authorizations stand-in. Their personal identity codes use individual numbers 900–999, which the
population information system reserves for temporary and test codes.
"""
