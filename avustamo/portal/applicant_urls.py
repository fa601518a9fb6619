"""The applicant's pages under /applications/: the application, its decision, grant, payments and reports."""

from django.urls import path

from avustamo.applications import views
from avustamo.decisions import views as decision_views
from avustamo.grants import views as grant_views
from avustamo.hearings import views as hearing_views
from avustamo.payments import views as payment_views
from avustamo.portal import views as portal_views
from avustamo.reports import views as report_views
from avustamo.review_requests import views as review_request_views

app_name = "applications"

urlpatterns = [
    path("", portal_views.my_applications, name="mine"),
    path("start/<int:call_pk>/", views.start, name="start"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/business-secrets/", views.business_secrets, name="business_secrets"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/receipt.pdf", views.receipt_document, name="receipt_document"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/", views.remove_attachment, name="remove_attachment"
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/replace/",
        views.replace_attachment,
        name="replace_attachment",
    ),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/co-implementers/add/", views.co_implementer_add, name="co_implementer_add"),
    path(
        "<int:pk>/co-implementers/<int:co_implementer_pk>/",
        views.co_implementer_change,
        name="co_implementer_change",
    ),
    path(
        "<int:pk>/co-implementers/<int:co_implementer_pk>/remove/",
        views.co_implementer_remove,
        name="co_implementer_remove",
    ),
    path("<int:pk>/decision/", portal_views.my_decision, name="decision"),
    path("<int:pk>/decision/accept/", portal_views.grant_accept, name="grant_accept"),
    path("<int:pk>/decision/decline/", portal_views.grant_decline, name="grant_decline"),
    path(
        "<int:pk>/decision/payment-application/",
        portal_views.payment_application_submit,
        name="payment_application_submit",
    ),
    path("<int:pk>/reports/start/", report_views.report_start, name="report_start"),
    path("<int:pk>/reports/<int:report_pk>/", report_views.report_edit, name="report"),
    path(
        "<int:pk>/reports/<int:report_pk>/attachments/<int:attachment_pk>/remove/",
        report_views.report_attachment_remove,
        name="report_attachment_remove",
    ),
    path(
        "<int:pk>/reports/<int:report_pk>/settlement-decision.pdf",
        report_views.my_settlement_decision_document,
        name="settlement_decision_document",
    ),
    path("report-attachments/<int:attachment_pk>/", report_views.report_attachment, name="report_attachment"),
    path(
        "<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/",
        report_views.report_co_implementer_part,
        name="report_co_implementer_part",
    ),
    path(
        "<int:pk>/reports/<int:report_pk>/co-implementers/<int:co_implementer_pk>/invite/",
        report_views.report_co_implementer_invite,
        name="report_co_implementer_invite",
    ),
    path(
        "<int:pk>/reports/<int:report_pk>/co-implementer-invitations/<int:invitation_pk>/revoke/",
        report_views.report_co_implementer_invitation_revoke,
        name="report_co_implementer_invitation_revoke",
    ),
    path(
        "co-implementer-invitations/<str:token>/",
        report_views.co_implementer_invitation,
        name="co_implementer_invitation",
    ),
    path(
        "co-implementer-parts/<int:invitation_pk>/",
        report_views.co_implementer_part,
        name="co_implementer_part",
    ),
    path(
        "<int:pk>/decision/voluntary-return/",
        portal_views.voluntary_return_announce,
        name="voluntary_return_announce",
    ),
    path(
        "<int:pk>/returns/<int:claim_pk>/decision.pdf",
        payment_views.my_return_decision_document,
        name="return_decision_document",
    ),
    path(
        "<int:pk>/money-decisions/<str:kind>/<int:decision_pk>.pdf",
        payment_views.my_money_decision_document,
        name="money_decision_document",
    ),
    path(
        "<int:pk>/decision-<str:language>.pdf", decision_views.my_decision_document, name="decision_document"
    ),
    path("<int:pk>/hearings/<int:hearing_pk>/", hearing_views.my_hearing, name="hearing"),
    path(
        "hearing-attachments/<int:attachment_pk>/",
        hearing_views.hearing_attachment,
        name="hearing_attachment",
    ),
    path("<int:pk>/decision/change-request/", grant_views.change_request_new, name="change_request"),
    path(
        "<int:pk>/change-decisions/<int:request_pk>.pdf",
        grant_views.my_change_decision_document,
        name="change_decision_document",
    ),
    path("<int:pk>/review-requests/new/", review_request_views.review_request_new, name="review_request_new"),
    path(
        "<int:pk>/review-requests/<int:request_pk>/",
        review_request_views.my_review_request,
        name="review_request",
    ),
    path(
        "<int:pk>/review-requests/<int:request_pk>/decision.pdf",
        review_request_views.my_review_decision_document,
        name="review_decision_document",
    ),
]
