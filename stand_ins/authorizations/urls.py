from django.urls import path

from stand_ins.authorizations import views

urlpatterns = [
    path("service/ypa/user/register/<str:client_id>/<str:identity_code>", views.register),
    path("oauth/authorize", views.authorize),
    path("oauth/token", views.token),
    path("service/ypa/api/organizationRoles/<str:session_id>", views.organisation_roles),
    path("service/ypa/api/authorization/<str:session_id>/<str:principal_id>", views.authorization),
    path("_stand_in/end-role", views.end_role),
    path("_stand_in/end-mandate", views.end_mandate),
    path("_stand_in/behaviour", views.behaviour),
    path("_stand_in/expire-sessions", views.expire_sessions),
    path("_stand_in/reset", views.reset),
]
