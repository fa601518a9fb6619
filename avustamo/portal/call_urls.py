"""The public pages of calls under /calls/: the list (programmes) and one call with who may apply and what was
awarded (portal)."""

from django.urls import path

from avustamo.portal import views as portal_views
from avustamo.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("<int:pk>/", portal_views.call_detail, name="call_detail"),
]
