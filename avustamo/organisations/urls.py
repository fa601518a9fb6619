from django.urls import path

from avustamo.organisations import views

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
]
