from django.urls import path

from avustamo.register import views

app_name = "register"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("organisations/<str:business_id>/", views.organisation_detail, name="organisation_detail"),
    path("recipients/", views.recipient_detail, name="recipient_detail"),
]
