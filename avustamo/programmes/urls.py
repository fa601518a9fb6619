from django.urls import path

from avustamo.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
]
