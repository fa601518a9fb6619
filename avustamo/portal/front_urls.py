from django.urls import path

from avustamo.core import views as core_views
from avustamo.portal import identification, privacy
from avustamo.portal import views as portal_views

# The namespace keeps the name it had when these pages were in core, so that URL names stay.
app_name = "core"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accessibility/", core_views.accessibility_statement, name="accessibility"),
    path("privacy/", privacy.privacy_notice, name="privacy"),
    path("identified/new-account/", identification.identified_sign_up, name="identified_sign_up"),
]
