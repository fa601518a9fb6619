from django.urls import path

from avustamo.applications import views
from avustamo.decisions import views as decision_views
from avustamo.payments import views as payment_views

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("start/<int:call_pk>/", views.start, name="start"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/", views.remove_attachment, name="remove_attachment"
    ),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/decision/", decision_views.my_decision, name="decision"),
    path("<int:pk>/decision/accept/", payment_views.grant_accept, name="grant_accept"),
    path("<int:pk>/decision/decline/", payment_views.grant_decline, name="grant_decline"),
    path(
        "<int:pk>/decision/payment-application/",
        payment_views.payment_application_submit,
        name="payment_application_submit",
    ),
    path(
        "<int:pk>/decision/voluntary-return/",
        payment_views.voluntary_return_announce,
        name="voluntary_return_announce",
    ),
    path(
        "<int:pk>/returns/<int:claim_pk>/decision.pdf",
        payment_views.my_return_decision_document,
        name="return_decision_document",
    ),
    path(
        "<int:pk>/decision-<str:language>.pdf", decision_views.my_decision_document, name="decision_document"
    ),
]
