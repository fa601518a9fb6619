from django.urls import path

from avustamo.core import views as core_views
from avustamo.organisations import views as organisation_views
from avustamo.programmes import views as programme_views

app_name = "official"

urlpatterns = [
    path("", core_views.official_home, name="home"),
    path("calls/", programme_views.official_call_list, name="calls"),
    path("calls/new/", programme_views.official_call_create, name="call_create"),
    path("calls/<int:pk>/", programme_views.official_call_detail, name="call"),
    path("calls/<int:pk>/edit/", programme_views.official_call_edit, name="call_edit"),
    path("calls/<int:pk>/copy/", programme_views.official_call_copy, name="call_copy"),
    path("calls/<int:pk>/publish/", programme_views.official_call_publish, name="call_publish"),
    path("calls/<int:pk>/unpublish/", programme_views.official_call_unpublish, name="call_unpublish"),
    path("calls/<int:pk>/form/", programme_views.official_call_form, name="call_form"),
    path(
        "calls/<int:pk>/form/preview/", programme_views.official_call_form_preview, name="call_form_preview"
    ),
    path("calls/<int:pk>/form.json", programme_views.official_call_form_export, name="call_form_export"),
    path("organisations/", organisation_views.official_list, name="organisations"),
]
