from django.urls import path

from avustamo.register import downloads, statistics, views

app_name = "register"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("organisations/<str:business_id>/", views.organisation_detail, name="organisation_detail"),
    path("recipients/", views.recipient_detail, name="recipient_detail"),
    path("grants.csv", downloads.grants_csv, name="grants_csv"),
    path("grants.xlsx", downloads.grants_xlsx, name="grants_xlsx"),
    path("grants.json", downloads.grants_json, name="grants_json"),
    path("grants-360giving.json", downloads.grants_360giving, name="grants_360giving"),
    path("open-data/", downloads.open_data, name="open_data"),
    path("statistics/", statistics.statistics, name="statistics"),
]
