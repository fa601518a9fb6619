from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from avustamo.api.api import api
from avustamo.core.views import health, set_language
from avustamo.register.downloads import register_360giving

# The admin site signs in through the service's own sign-in page, with its throttling and second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("health", health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("auth/suomifi/", include("avustamo.portal.identification_urls")),
    path("open-data/360giving.json", register_360giving, name="open_data_360giving"),
]

urlpatterns += i18n_patterns(
    path("", include("avustamo.portal.front_urls")),
    path("accounts/", include("avustamo.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("avustamo.organisations.urls")),
    path("applications/", include("avustamo.portal.applicant_urls")),
    path("calls/", include("avustamo.portal.call_urls")),
    path("register/", include("avustamo.register.urls")),
    path("official/", include("avustamo.portal.official_urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
