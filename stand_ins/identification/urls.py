from django.urls import path

from . import views

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery),
    path("oidc/jwks", views.jwks),
    path("oidc/authorize", views.authorize),
    path("oidc/token", views.token),
    path("oidc/userinfo", views.userinfo),
    path("control/delay", views.control_delay),
]
