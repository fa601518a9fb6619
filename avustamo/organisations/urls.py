from django.urls import path

from avustamo.organisations import authority_views, views

app_name = "organisations"

urlpatterns = [
    path("", views.my_organisations, name="mine"),
    path("new/", views.register_organisation, name="register"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_organisation, name="edit"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/", views.revoke_invitation, name="revoke_invitation"
    ),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.change_role, name="change_role"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<int:pk>/right-to-act/", views.ask_verification, name="ask_verification"),
    path("<int:pk>/electronic-notification/", views.notification_consent, name="notification_consent"),
    path("act-for/", authority_views.act_for, name="act_for"),
    path("verifications/<int:pk>/document/", views.verification_document, name="verification_document"),
]
