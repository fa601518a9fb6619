"""Our own account pages. Signing in and out, signup, password reset, email verification and the second factor
are django-allauth's (`allauth.urls`, under the same /accounts/ prefix, names such as `account_login`)."""

from django.urls import path

from avustamo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
