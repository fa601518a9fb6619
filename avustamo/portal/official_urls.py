"""The officials' pages under /official/: every app's pages for officials, in one table."""

from django.urls import path

from avustamo.applications import views as application_views
from avustamo.core import notice_views
from avustamo.decisions import views as decision_views
from avustamo.grants import views as grant_views
from avustamo.hearings import views as hearing_views
from avustamo.organisations import views as organisation_views
from avustamo.payments import views as payment_views
from avustamo.portal import views as portal_views
from avustamo.programmes import views as programme_views
from avustamo.reference import views as reference_views
from avustamo.reports import views as report_views
from avustamo.review_requests import views as review_request_views
from avustamo.reviews import views as review_views
from avustamo.treasury import views as treasury_views

app_name = "official"

urlpatterns = [
    path("", portal_views.official_home, name="home"),
    path("calls/", programme_views.official_call_list, name="calls"),
    path("calls/new/", programme_views.official_call_create, name="call_create"),
    path("calls/<int:pk>/", programme_views.official_call_detail, name="call"),
    path("calls/<int:pk>/edit/", programme_views.official_call_edit, name="call_edit"),
    path("calls/<int:pk>/copy/", programme_views.official_call_copy, name="call_copy"),
    path("calls/<int:pk>/publish/", programme_views.official_call_publish, name="call_publish"),
    path("calls/<int:pk>/unpublish/", programme_views.official_call_unpublish, name="call_unpublish"),
    path("calls/<int:pk>/form/", programme_views.official_call_form, name="call_form"),
    path(
        "calls/<int:pk>/form/preview/", programme_views.official_call_form_preview, name="call_form_preview"
    ),
    path("calls/<int:pk>/form.json", programme_views.official_call_form_export, name="call_form_export"),
    path(
        "calls/<int:pk>/form/builder/", programme_views.official_call_form_builder, name="call_form_builder"
    ),
    path(
        "calls/<int:pk>/form/draft.json",
        programme_views.official_call_form_draft_export,
        name="call_form_draft_export",
    ),
    path("calls/<int:pk>/applications/", portal_views.handling_list, name="handling_list"),
    path("calls/<int:pk>/applications.xlsx", portal_views.handling_export, name="handling_export"),
    path("calls/<int:pk>/team/", review_views.call_team, name="call_team"),
    path("calls/<int:pk>/team/<int:assignment_pk>/remove/", review_views.call_unassign, name="call_unassign"),
    path(
        "calls/<int:pk>/team/assign-all/", review_views.call_assign_reviewers_to_all, name="call_assign_all"
    ),
    path("calls/<int:pk>/allocation/", decision_views.call_allocation, name="call_allocation"),
    path("calls/<int:pk>/publish-decisions/", grant_views.call_publish, name="call_publish_decisions"),
    path(
        "calls/<int:pk>/publication/",
        grant_views.call_publication_progress,
        name="call_publication_progress",
    ),
    path(
        "calls/<int:pk>/publication/resume/",
        grant_views.call_publication_resume,
        name="call_publication_resume",
    ),
    path("applications/<int:pk>/", review_views.application_detail, name="application"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        review_views.application_attachment,
        name="application_attachment",
    ),
    path("applications/<int:pk>/history/", review_views.application_history, name="application_history"),
    path(
        "applications/<int:pk>/public-version/",
        application_views.public_version,
        name="application_public_version",
    ),
    path(
        "applications/<int:pk>/screening/", review_views.application_screening, name="application_screening"
    ),
    path(
        "applications/<int:pk>/completion-request/",
        review_views.application_completion_request,
        name="application_completion_request",
    ),
    path(
        "applications/<int:pk>/reviewers/", review_views.application_reviewers, name="application_reviewers"
    ),
    path(
        "applications/<int:pk>/reviewers/<int:assignment_pk>/remove/",
        review_views.application_reviewer_remove,
        name="application_reviewer_remove",
    ),
    path(
        "applications/<int:pk>/presenter/", review_views.application_presenter, name="application_presenter"
    ),
    path("applications/<int:pk>/review/", review_views.application_review, name="application_review"),
    path("applications/<int:pk>/decision/", portal_views.application_decision, name="application_decision"),
    path("decisions/for-signing/", decision_views.decisions_for_signing, name="decisions_for_signing"),
    path("decisions/<int:pk>/send/", decision_views.decision_send, name="decision_send"),
    path("decisions/<int:pk>/return/", decision_views.decision_return, name="decision_return"),
    path("decisions/<int:pk>/sign/", decision_views.decision_sign, name="decision_sign"),
    path("decisions/<int:pk>/correct/", decision_views.decision_correct, name="decision_correct"),
    path(
        "decisions/<int:pk>/document-<str:language>.pdf",
        decision_views.decision_document,
        name="decision_document",
    ),
    path("change-requests/<int:pk>/", grant_views.change_request_detail, name="change_request"),
    path(
        "applications/<int:pk>/onward-transfer-agreements/<int:co_implementer_pk>/",
        grant_views.onward_transfer_agreement_record,
        name="onward_transfer_agreement_record",
    ),
    path(
        "onward-transfer-agreements/<int:pk>/document/",
        grant_views.onward_transfer_agreement_document,
        name="onward_transfer_agreement_document",
    ),
    path(
        "change-requests/<int:pk>/decision.pdf",
        grant_views.change_decision_document,
        name="change_decision_document",
    ),
    path("reviews/", review_views.my_reviews, name="my_reviews"),
    path("organisations/", organisation_views.official_list, name="organisations"),
    path(
        "organisations/verifications/",
        organisation_views.official_verifications,
        name="representation_verifications",
    ),
    path(
        "organisations/verifications/<int:pk>/verify/",
        organisation_views.verify_representation,
        name="verify_representation",
    ),
    path(
        "organisations/verifications/<int:pk>/refuse/",
        organisation_views.refuse_representation,
        name="refuse_representation",
    ),
    path("treasury-export/", treasury_views.treasury_export, name="treasury_export"),
    path("treasury-deliveries/", treasury_views.deliveries, name="treasury_deliveries"),
    path("treasury-deliveries/<int:pk>/file/", treasury_views.delivery_file, name="treasury_delivery_file"),
    path(
        "treasury-deliveries/<int:pk>/correct/",
        treasury_views.delivery_correct,
        name="treasury_delivery_correct",
    ),
    path("payments/", payment_views.payments_overview, name="payments"),
    path("reports/", report_views.reports_for_review, name="reports"),
    path("calls/<int:pk>/report-forms/<str:kind>/", report_views.official_report_form, name="report_form"),
    path(
        "calls/<int:pk>/report-forms/<str:kind>/preview/",
        report_views.official_report_form_preview,
        name="report_form_preview",
    ),
    path(
        "calls/<int:pk>/report-forms/<str:kind>.json",
        report_views.official_report_form_export,
        name="report_form_export",
    ),
    path(
        "calls/<int:pk>/report-forms/<str:kind>/builder/",
        report_views.official_report_form_builder,
        name="report_form_builder",
    ),
    path(
        "calls/<int:pk>/report-forms/<str:kind>/draft.json",
        report_views.official_report_form_draft_export,
        name="report_form_draft_export",
    ),
    path("reports/<int:pk>/", report_views.report_review, name="report_review"),
    path(
        "reports/<int:pk>/co-implementers/<int:co_implementer_pk>/invite/",
        report_views.official_report_co_implementer_invite,
        name="report_co_implementer_invite",
    ),
    path(
        "reports/<int:pk>/settlement-decision.pdf",
        report_views.settlement_decision_document,
        name="settlement_decision_document",
    ),
    path("payments/batches/<int:pk>/", payment_views.payment_batch, name="payment_batch"),
    path("payments/batches/<int:pk>/send/", payment_views.payment_batch_send, name="payment_batch_send"),
    path(
        "payments/batches/<int:pk>/deliver/",
        payment_views.payment_batch_deliver,
        name="payment_batch_deliver",
    ),
    path("payments/reconciliation/", payment_views.payments_reconciliation, name="payments_reconciliation"),
    path(
        "payments/reconciliation/fetch/",
        payment_views.payments_fetch_confirmations,
        name="payments_fetch_confirmations",
    ),
    path(
        "payments/reconciliation/invoices.csv",
        payment_views.payments_reconciliation_csv,
        name="payments_reconciliation_csv",
    ),
    path(
        "payments/batches/<int:pk>/approve/",
        payment_views.payment_batch_approve,
        name="payment_batch_approve",
    ),
    path("payments/batches/<int:pk>/paid/", payment_views.payment_batch_paid, name="payment_batch_paid"),
    path(
        "payments/batches/<int:pk>/credit-transfer.xml",
        payment_views.payment_batch_credit_transfer,
        name="payment_batch_credit_transfer",
    ),
    path("payments/batches/<int:pk>/payments.csv", payment_views.payment_batch_csv, name="payment_batch_csv"),
    path(
        "payment-applications/<int:pk>/decide/",
        payment_views.payment_application_decide,
        name="payment_application_decide",
    ),
    path("applications/<int:pk>/returns/", payment_views.return_claim_create, name="return_claim_create"),
    path("returns/<int:pk>/received/", payment_views.return_claim_received, name="return_claim_received"),
    path(
        "returns/<int:pk>/decision.pdf",
        payment_views.return_decision_document,
        name="return_decision_document",
    ),
    path(
        "applications/<int:pk>/recovery-grounds/",
        payment_views.recovery_grounds_note,
        name="recovery_grounds_note",
    ),
    path(
        "recovery-grounds/<int:pk>/claim/",
        payment_views.recovery_grounds_claim,
        name="recovery_grounds_claim",
    ),
    path(
        "recovery-grounds/<int:pk>/close/",
        payment_views.recovery_grounds_close,
        name="recovery_grounds_close",
    ),
    path(
        "voluntary-returns/<int:pk>/record/",
        payment_views.voluntary_return_record,
        name="voluntary_return_record",
    ),
    path("hearings/", hearing_views.official_hearings, name="hearings"),
    path("hearings/<int:pk>/", hearing_views.official_hearing, name="hearing"),
    path("applications/<int:pk>/hearings/new/", hearing_views.hearing_create, name="hearing_create"),
    path("decisions/to-post/", notice_views.notices_to_post, name="notices_to_post"),
    path("decisions/to-post/<int:pk>/posted/", notice_views.notice_posted, name="notice_posted"),
    path("decisions/to-post/<int:pk>/document.pdf", notice_views.notice_document, name="notice_document"),
    path("review-requests/", review_request_views.review_request_list, name="review_requests"),
    path("review-requests/<int:pk>/", review_request_views.review_request_detail, name="review_request"),
    path(
        "review-requests/<int:pk>/decision.pdf",
        review_request_views.review_decision_document,
        name="review_decision_document",
    ),
    path(
        "applications/<int:pk>/review-requests/new/",
        review_request_views.review_request_register,
        name="review_request_register",
    ),
    path("applications/<int:pk>/suspensions/", payment_views.payment_suspend, name="payment_suspend"),
    path("suspensions/<int:pk>/end/", payment_views.payment_suspension_end, name="payment_suspension_end"),
    path("returns/<int:pk>/waive/", payment_views.claim_waive, name="claim_waive"),
    path("returns/<int:pk>/offset/", payment_views.claim_offset, name="claim_offset"),
    path(
        "money-decisions/<str:kind>/<int:pk>.pdf",
        payment_views.money_decision_document,
        name="money_decision_document",
    ),
    path("interest/", payment_views.interest_calculator, name="interest_calculator"),
    path("reference-rates/", payment_views.reference_rates, name="reference_rates"),
    path("municipality-population/", reference_views.population, name="population"),
]
