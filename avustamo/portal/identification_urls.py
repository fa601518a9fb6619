"""The return addresses of Suomi.fi e-Identification and e-Authorizations, and our keys: registered with the provider, so without a language
prefix. The page for a first identification is in `front_urls` (it has one)."""

from django.urls import path

from avustamo.accounts.suomifi_views import jwks
from avustamo.organisations import authority_views
from avustamo.portal import identification

app_name = "identification"

urlpatterns = [
    path("start/", identification.identification_start, name="start"),
    path("return/", identification.identification_return, name="return"),
    path("jwks.json", jwks, name="jwks"),
    path("authorizations/return/", authority_views.act_for_return, name="authorizations_return"),
]
