"""Reports of joint projects (issue 19, section 1): a report asks for the actual eligible costs and own funding of
the lead and of each co-implementer, its totals are their sum, and the review and the settlement show each
co-implementer's figures beside the share the decision passes on to it. A co-implementer's representative, invited
by email, acts for their own organisation and enters only that co-implementer's part of the one report, until the
lead sends it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from avustamo.applications.models import CoImplementer
from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import CoImplementerShare
from avustamo.grants.services import onward_transfer_agreement_record
from avustamo.hearings.models import HearingSubject
from avustamo.reports import services
from avustamo.reports.co_implementers import joint_report, part_notes
from avustamo.reports.models import CoImplementerInvitation, CoImplementerReportPart, ReportStatus
from tests.access import LOGIN, assert_access, sign_in
from tests.conftest import PLACEHOLDER_PDF
from tests.documents import pdf_text
from tests.factories import (
    AgencyFactory,
    CallAssignmentFactory,
    CallFactory,
    GrantFactory,
    MembershipFactory,
    OrganisationFactory,
    PaymentBatchFactory,
    ProgrammeFactory,
    ReportFactory,
    UserFactory,
    heard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785", payment_bic="NDEAFIHH")
    return CallFactory(
        closed=True,
        programme=ProgrammeFactory(agency=agency),
        appropriation=Decimal("90000.00"),
        min_grant=Decimal("10000.00"),
        co_implementers_allowed=True,
        own_funding_min_percent=Decimal("20.00"),  # the lead applied with 20 %
        own_funding_min_per_co_implementer=True,
    )


def _co_implementer(application, organisation, *, costs, own_funding, email=""):
    return CoImplementer.objects.create(
        application=application,
        business_id=organisation.business_id,
        name=organisation.name,
        costs=costs,
        own_funding=Decimal(own_funding),
        contact_name="Yhteys Henkilö",
        contact_email=email or f"contact-{organisation.business_id}@example.org",
    )


class Joint:
    """A final report of a grant to two co-implementers, each an organisation registered in the service with one
    member (its representative): A planned personnel 4 000 € and own funding 1 200 €, B travel 1 000 € and own
    funding 300 €; the lead's report gives personnel 10 000 € and rents 2 000 € (`report_answers`)."""

    def __init__(self, call):
        self.grant = GrantFactory.to_report_on(call)
        application = self.grant.application
        self.organisation_a = OrganisationFactory(name="Osatoteuttaja A ry")
        self.organisation_b = OrganisationFactory(name="Osatoteuttaja B oy")
        self.representative_a = MembershipFactory(organisation=self.organisation_a).person
        self.representative_b = MembershipFactory(organisation=self.organisation_b).person
        self.a = _co_implementer(
            application,
            self.organisation_a,
            costs={"personnel": "4000.00"},
            own_funding="1200.00",
            email=self.representative_a.email,
        )
        self.b = _co_implementer(
            application,
            self.organisation_b,
            costs={"travel": "1000.00"},
            own_funding="300.00",
            email=self.representative_b.email,
        )
        self.report = ReportFactory.draft(grant=self.grant)
        self.lead = self.report.created_by

    def save(self, co_implementer, costs, own_funding, acting_user=None):
        return services.co_implementer_part_save(
            report=self.report,
            co_implementer=co_implementer,
            costs=costs,
            own_funding=own_funding,
            acting_user=acting_user or self.lead,
        )

    def invited(self, co_implementer, representative, django_capture_on_commit_callbacks):
        """The representative invited by the lead and having accepted: the invitation in use."""
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.co_implementer_invite(
                report=self.report,
                co_implementer=co_implementer,
                email=representative.email,
                acting_user=self.lead,
            )
        token = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        return services.co_implementer_invitation_accept(token=token, acting_user=representative)


@pytest.fixture
def joint(call):
    return Joint(call)


class TestFigures:
    def test_the_reports_totals_are_the_lead_and_every_co_implementer_together(self, joint):
        joint.save(joint.a, {"personnel": "3000.00", "rents": "500.00"}, "1050.00")
        joint.save(joint.b, {"travel": "800.00"}, "240.00")
        figures = joint_report(joint.report)
        assert figures.whole.costs["personnel"] == Decimal("13000.00")
        assert figures.whole.costs["rents"] == Decimal("2500.00")
        assert figures.whole.costs["travel"] == Decimal("800.00")
        assert figures.whole.own_funding == Decimal("1290.00")
        # 12 000 € of the lead, 3 500 € of A, 800 € of B: the most the finance review can accept.
        assert services.reported_costs(joint.report) == Decimal("16300.00")

    def test_a_part_not_entered_counts_as_nothing_and_is_noted(self, joint):
        joint.save(joint.a, {"personnel": "4000.00"}, "1200.00")
        assert services.reported_costs(joint.report) == Decimal("16000.00")
        with translation.override("en"):
            notes = part_notes(joint.grant.application.call, joint_report(joint.report))
        assert [(note["co_implementer"], note["code"]) for note in notes] == [
            (joint.b.pk, "co_implementer_part_missing")
        ]
        assert notes[0]["message"] == "The part of Osatoteuttaja B oy has not been entered."

    def test_a_report_without_co_implementers_is_the_leads_alone(self, call):
        report = ReportFactory.draft(grant=GrantFactory.to_report_on(call))
        figures = joint_report(report)
        assert not figures.is_joint
        assert services.reported_costs(report) == Decimal("12000.00")


class TestOwnFundingPerCoImplementer:
    def test_a_co_implementer_below_the_calls_minimum_is_flagged_by_name(self, joint):
        joint.save(joint.a, {"personnel": "4000.00"}, "799.99")  # 19.99975 %: 20.00 % rounded, not below
        joint.save(joint.b, {"travel": "1000.00"}, "199.00")  # 19.90 %
        with translation.override("en"):
            notes = part_notes(joint.grant.application.call, joint_report(joint.report))
        assert [note["code"] for note in notes] == ["co_implementer_own_funding_below_minimum"]
        assert notes[0]["message"] == (
            "The own funding of Osatoteuttaja B oy is 19.9 % of its actual eligible costs, below the call's "
            "minimum of 20 % for each co-implementer."
        )

    def test_at_the_minimum_nothing_is_flagged(self, joint):
        joint.save(joint.a, {"personnel": "4000.00"}, "800.00")
        joint.save(joint.b, {"travel": "1000.00"}, "200.00")
        assert part_notes(joint.grant.application.call, joint_report(joint.report)) == []

    def test_a_call_that_applies_the_minimum_to_the_whole_only_flags_no_co_implementer(self, joint):
        call = joint.grant.application.call
        call.own_funding_min_per_co_implementer = False
        call.save(update_fields=["own_funding_min_per_co_implementer"])
        joint.save(joint.a, {"personnel": "4000.00"}, "0")
        joint.save(joint.b, {"travel": "1000.00"}, "0")
        assert part_notes(call, joint_report(joint.report)) == []

    def test_the_flag_does_not_stop_the_lead_from_sending(self, joint):
        joint.save(joint.a, {"personnel": "4000.00"}, "0")
        joint.save(joint.b, {"travel": "1000.00"}, "300.00")
        report = services.report_submit(report=joint.report, acting_user=joint.lead)
        assert report.status == ReportStatus.SUBMITTED


class TestShares:
    def test_what_a_co_implementer_spent_is_compared_with_its_share(self, joint):
        CoImplementerShare.objects.create(
            decision=joint.grant.decision, co_implementer=joint.a, amount="2500.00"
        )
        CoImplementerShare.objects.create(
            decision=joint.grant.decision, co_implementer=joint.b, amount="700.00"
        )
        joint.save(joint.a, {"personnel": "3000.00"}, "900.00")  # 2 100 € of the grant's money: 400 € less
        joint.save(joint.b, {"travel": "1000.00"}, "300.00")  # 700 €: all of it
        figures = joint_report(joint.report)
        a, b = figures.parts
        assert (a.costs_less_own_funding, a.share, a.share_difference) == (
            Decimal("2100.00"),
            Decimal("2500.00"),
            Decimal("-400.00"),
        )
        assert b.share_difference == Decimal("0.00")
        with translation.override("en"):
            notes = part_notes(joint.grant.application.call, figures)
        assert [(note["co_implementer"], note["code"]) for note in notes] == [
            (joint.a.pk, "co_implementer_used_less_than_share")
        ]
        assert notes[0]["message"] == (
            "The actual costs of Osatoteuttaja A ry less its own funding, €2,100, are less than the share of the "
            "grant the decision passes on to it, €2,500."
        )

    def test_without_a_share_in_the_decision_there_is_nothing_to_compare(self, joint):
        joint.save(joint.a, {"personnel": "3000.00"}, "900.00")
        part = joint_report(joint.report).parts[0]
        assert part.share is None and part.share_difference is None


class TestSaving:
    def test_the_lead_enters_a_part_and_it_is_audited(self, joint):
        part = joint.save(joint.a, {"personnel": Decimal("3000"), "rents": ""}, Decimal("900"))
        assert (part.costs, part.own_funding, part.saved_by) == (
            {"personnel": "3000.00"},
            Decimal("900.00"),
            joint.lead,
        )
        entry = AuditEntry.objects.get(action="report.co_implementer_part_saved")
        assert entry.details["co_implementer"] == joint.a.business_id and entry.actor == joint.lead

    def test_own_funding_above_the_costs_is_refused_by_name_and_nothing_is_saved(self, joint):
        with pytest.raises(ValidationError) as error, translation.override("en"):
            joint.save(joint.a, {"personnel": "1000.00"}, "1500.00")
        assert error.value.message_dict == {
            "own_funding": [
                "The actual own funding of Osatoteuttaja A ry, €1,500, is more than its actual eligible costs, €1,000."
            ]
        }
        assert error.value.error_dict["own_funding"][0].code == "co_implementer_own_funding_above_costs"
        assert not CoImplementerReportPart.objects.exists()

    @pytest.mark.parametrize("amount", ["-1", "abc", "1e15", "NaN"])
    def test_an_amount_that_is_no_amount_is_refused_and_nothing_is_saved(self, joint, amount):
        with pytest.raises(ValidationError) as error:
            joint.save(joint.a, {"personnel": amount}, "0")
        assert list(error.value.message_dict) == ["personnel"]
        assert not CoImplementerReportPart.objects.exists()

    def test_a_co_implementer_of_another_project_is_refused(self, joint, call):
        other = Joint(call)
        with pytest.raises(ValidationError) as error:
            joint.save(other.a, {"personnel": "1000.00"}, "300.00")
        assert error.value.code == "unknown_co_implementer"
        assert not CoImplementerReportPart.objects.exists()

    def test_after_the_lead_sends_no_part_changes(self, joint, django_capture_on_commit_callbacks):
        joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        services.report_submit(report=joint.report, acting_user=joint.lead)
        for person in (joint.lead, joint.representative_a):
            with pytest.raises(ValidationError) as error:
                joint.save(joint.a, {"personnel": "1000.00"}, "300.00", acting_user=person)
            assert error.value.code == "sent"
        assert not CoImplementerReportPart.objects.exists()


class TestInvitation:
    def test_the_invited_representative_enters_their_own_part_for_their_own_organisation(
        self, joint, django_capture_on_commit_callbacks
    ):
        invitation = joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        assert invitation.accepted_by == joint.representative_a and invitation.authority_check is not None
        assert invitation.authority_check.organisation == joint.organisation_a
        part = joint.save(joint.a, {"personnel": "3800.00"}, "1140.00", acting_user=joint.representative_a)
        assert part.authority_check.organisation == joint.organisation_a
        actions = list(
            AuditEntry.objects.filter(action__startswith="report.co_implementer")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "report.co_implementer_invited",
            "report.co_implementer_invitation_accepted",
            "report.co_implementer_part_saved",
        ]
        saved = AuditEntry.objects.get(action="report.co_implementer_part_saved")
        assert saved.details["authority_check"] == part.authority_check_id

    def test_the_email_goes_to_the_address_given_with_a_link_and_no_token_is_stored(
        self, joint, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
            invitation = services.co_implementer_invite(
                report=joint.report,
                co_implementer=joint.a,
                email="Edustaja@Example.org",
                acting_user=joint.lead,
            )
        assert invitation.email == "edustaja@example.org"
        message = mail.outbox[-1]
        assert message.to == ["edustaja@example.org"] and "Osatoteuttaja A ry" in message.subject
        token = message.body.split("/co-implementer-invitations/")[1].split("/")[0]
        assert CoImplementerInvitation.hash_token(token) == invitation.token_hash

    def test_the_representative_cannot_enter_another_co_implementers_part(
        self, joint, django_capture_on_commit_callbacks
    ):
        joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        with pytest.raises(PermissionDenied):
            joint.save(joint.b, {"travel": "1.00"}, "0", acting_user=joint.representative_a)
        assert not CoImplementerReportPart.objects.exists()

    def test_the_representative_cannot_change_the_leads_answers(
        self, joint, django_capture_on_commit_callbacks
    ):
        joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        with pytest.raises(PermissionDenied):
            services.report_save(
                report=joint.report,
                answers={},
                version=joint.report.version,
                acting_user=joint.representative_a,
            )
        with pytest.raises(PermissionDenied):
            services.report_submit(report=joint.report, acting_user=joint.representative_a)

    def test_accepting_needs_the_address_it_was_sent_to(self, joint, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.co_implementer_invite(
                report=joint.report,
                co_implementer=joint.a,
                email="edustaja@example.org",
                acting_user=joint.lead,
            )
        token = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.co_implementer_invitation_accept(token=token, acting_user=joint.representative_a)
        assert error.value.messages == [
            "This invitation was sent to edustaja@example.org. Sign in with that address to accept it."
        ]
        assert not CoImplementerInvitation.objects.filter(accepted_at__isnull=False).exists()

    def test_accepting_needs_acting_for_the_co_implementers_organisation(
        self, joint, django_capture_on_commit_callbacks
    ):
        newcomer = UserFactory(email="uusi@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            services.co_implementer_invite(
                report=joint.report, co_implementer=joint.a, email=newcomer.email, acting_user=joint.lead
            )
        token = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        # A member of another organisation is no representative of A.
        MembershipFactory(person=newcomer, organisation=joint.organisation_b)
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.co_implementer_invitation_accept(token=token, acting_user=newcomer)
        assert error.value.code == "not_acting_for_co_implementer"
        assert (
            "Osatoteuttaja A ry" in error.value.messages[0] and joint.a.business_id in error.value.messages[0]
        )
        assert not CoImplementerInvitation.objects.filter(accepted_at__isnull=False).exists()

    def test_accepting_needs_the_right_to_act_for_it(self, joint, django_capture_on_commit_callbacks):
        collaborator = MembershipFactory(organisation=joint.organisation_a, right_to_act=False).person
        with django_capture_on_commit_callbacks(execute=True):
            services.co_implementer_invite(
                report=joint.report, co_implementer=joint.a, email=collaborator.email, acting_user=joint.lead
            )
        token = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        with pytest.raises(ValidationError) as error:
            services.co_implementer_invitation_accept(token=token, acting_user=collaborator)
        assert error.value.code == "not_identified"
        assert not CoImplementerInvitation.objects.filter(accepted_at__isnull=False).exists()

    def test_an_expired_or_replaced_invitation_is_refused(self, joint, django_capture_on_commit_callbacks):
        email = joint.representative_a.email
        with django_capture_on_commit_callbacks(execute=True):
            services.co_implementer_invite(
                report=joint.report, co_implementer=joint.a, email=email, acting_user=joint.lead
            )
        first = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        with django_capture_on_commit_callbacks(execute=True):
            second_invitation = services.co_implementer_invite(
                report=joint.report, co_implementer=joint.a, email=email, acting_user=joint.lead
            )
        second = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
        with pytest.raises(ValidationError) as error:
            services.co_implementer_invitation_accept(token=first, acting_user=joint.representative_a)
        assert error.value.code == "invitation_invalid"
        CoImplementerInvitation.objects.filter(pk=second_invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        with pytest.raises(ValidationError) as error:
            services.co_implementer_invitation_accept(token=second, acting_user=joint.representative_a)
        assert error.value.code == "invitation_invalid"

    def test_a_revoked_invitation_no_longer_lets_them_in(self, joint, django_capture_on_commit_callbacks):
        invitation = joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        services.co_implementer_invitation_revoke(invitation=invitation, acting_user=joint.lead)
        with pytest.raises(PermissionDenied):
            joint.save(joint.a, {"personnel": "1.00"}, "0", acting_user=joint.representative_a)
        assert AuditEntry.objects.filter(action="report.co_implementer_invitation_revoked").count() == 1

    def test_leaving_the_organisation_ends_the_right_to_enter(
        self, joint, django_capture_on_commit_callbacks
    ):
        joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
        joint.organisation_a.memberships.filter(person=joint.representative_a).delete()
        with pytest.raises(PermissionDenied):
            joint.save(joint.a, {"personnel": "1.00"}, "0", acting_user=joint.representative_a)

    def test_the_presenter_may_invite_another_organisation_and_other_officials_may_not(self, joint):
        presenter = CallAssignmentFactory.presenter_of(joint.grant)
        services.co_implementer_invite(
            report=joint.report, co_implementer=joint.a, email="a@example.org", acting_user=presenter
        )
        for person in (
            MembershipFactory().person,
            UserFactory(roles=["finance_officer"]),
            joint.representative_a,
        ):
            with pytest.raises(PermissionDenied):
                services.co_implementer_invite(
                    report=joint.report, co_implementer=joint.a, email="b@example.org", acting_user=person
                )
        assert CoImplementerInvitation.objects.count() == 1

    def test_an_address_that_is_none_is_refused(self, joint):
        with pytest.raises(ValidationError) as error:
            services.co_implementer_invite(
                report=joint.report, co_implementer=joint.a, email="ei osoite", acting_user=joint.lead
            )
        assert list(error.value.message_dict) == ["email"]
        assert not CoImplementerInvitation.objects.exists() and not mail.outbox


def _share_on_agreement(joint, co_implementer, amount: str) -> None:
    """The decision passes `amount` on to the co-implementer, and the written agreement on it is on file, so the
    grant is paid (688/2001 section 7(3))."""
    CoImplementerShare.objects.create(
        decision=joint.grant.decision, co_implementer=co_implementer, amount=amount
    )
    onward_transfer_agreement_record(
        grant=joint.grant,
        co_implementer=co_implementer,
        signed_on=helsinki_today(),
        document=SimpleUploadedFile("sopimus.pdf", PLACEHOLDER_PDF, content_type="application/pdf"),
        acting_user=UserFactory(roles=["finance_officer"]),
    )


class TestSettlement:
    def test_the_finance_review_accepts_at_most_the_whole_and_the_settlement_keeps_each_part(self, joint):
        _share_on_agreement(joint, joint.a, "2800.00")
        joint.save(joint.a, {"personnel": "4000.00"}, "1200.00")
        joint.save(joint.b, {"travel": "1000.00"}, "300.00")
        PaymentBatchFactory.paid(agency=joint.grant.application.call.programme.agency)
        services.report_submit(report=joint.report, acting_user=joint.lead)
        services.report_approve_content(
            report=joint.report, notes="", acting_user=UserFactory(roles=["programme_manager"])
        )
        finance_officer = UserFactory(roles=["finance_officer"])
        with pytest.raises(ValidationError) as error:
            services.report_approve_finances(
                report=joint.report,
                accepted_costs=Decimal("17000.01"),
                notes="x",
                acting_user=finance_officer,
            )
        assert list(error.value.message_dict) == ["accepted_costs"]
        heard(joint.grant, HearingSubject.SETTLEMENT)
        settlement = services.report_approve_finances(
            report=joint.report, accepted_costs=Decimal("17000.00"), notes="", acting_user=finance_officer
        )
        # 17 000 € x 80 % = 13 600 €, above the award: all 12 000 € earned.
        assert settlement.earned == Decimal("12000.00")
        joint.report.refresh_from_db()
        assert joint.report.settlement["co_implementers"] == [
            {
                "co_implementer": joint.a.pk,
                "business_id": joint.a.business_id,
                "name": "Osatoteuttaja A ry",
                "eligible_costs": "4000.00",
                "own_funding": "1200.00",
                "costs_less_own_funding": "2800.00",
                "share": "2800.00",
            },
            {
                "co_implementer": joint.b.pk,
                "business_id": joint.b.business_id,
                "name": "Osatoteuttaja B oy",
                "eligible_costs": "1000.00",
                "own_funding": "300.00",
                "costs_less_own_funding": "700.00",
                "share": None,
            },
        ]

    @pytest.mark.reads_pdf
    def test_the_settlement_decision_lists_each_co_implementer(
        self, joint, django_capture_on_commit_callbacks
    ):
        _share_on_agreement(joint, joint.a, "2800.00")
        joint.save(joint.a, {"personnel": "4000.00"}, "1200.00")
        joint.save(joint.b, {"travel": "1000.00"}, "300.00")
        PaymentBatchFactory.paid(agency=joint.grant.application.call.programme.agency)
        services.report_submit(report=joint.report, acting_user=joint.lead)
        services.report_approve_content(
            report=joint.report, notes="", acting_user=UserFactory(roles=["programme_manager"])
        )
        heard(joint.grant, HearingSubject.SETTLEMENT)
        # 11 000 € x 80 % = 8 800 €, less than the 12 000 € awarded: a settlement decision is made.
        with django_capture_on_commit_callbacks(execute=True):
            services.report_approve_finances(
                report=joint.report,
                accepted_costs=Decimal("11000.00"),
                notes="Osa matkakuluista ei ollut hyväksyttäviä.",
                acting_user=UserFactory(roles=["finance_officer"]),
            )
        joint.report.refresh_from_db()
        with joint.report.settlement_document.open("rb") as stored:
            text = " ".join(pdf_text(stored.read()).split())
        assert "Toteutuneet kustannukset toteuttajittain" in text
        assert f"Osatoteuttaja A ry ({joint.a.business_id})" in text
        assert f"Osatoteuttaja B oy ({joint.b.business_id})" in text
        assert "Ansaittu: näistä pienempi 8 800 €" in text


# --- Pages ------------------------------------------------------------------------------------------------------


def _lead_part_path(joint, co_implementer):
    return f"/applications/{joint.grant.application_id}/reports/{joint.report.pk}/co-implementers/{co_implementer.pk}/"


ROLES = {
    "anonymous": lambda joint: AnonymousUser(),
    "lead": lambda joint: joint.lead,
    "representative_a": lambda joint: joint.representative_a,
    "representative_b": lambda joint: joint.representative_b,
    "other_organisation": lambda joint: MembershipFactory().person,
    "presenter": lambda joint: CallAssignmentFactory.presenter_of(joint.grant),
    "programme_manager": lambda joint: UserFactory(roles=["programme_manager"]),
    "finance_officer": lambda joint: UserFactory(roles=["finance_officer"]),
    "auditor": lambda joint: UserFactory(roles=["auditor"]),
}
PAGES = [
    # (path, who sees it) with representative A's invitation accepted and B's sent to B but not accepted
    (lambda joint: _lead_part_path(joint, joint.a), {"lead"}),
    (lambda joint: f"/applications/co-implementer-parts/{joint.invitation_a.pk}/", {"representative_a"}),
    (lambda joint: f"/applications/{joint.grant.application_id}/reports/{joint.report.pk}/", {"lead"}),
]


@pytest.fixture
def invited(joint, django_capture_on_commit_callbacks):
    joint.invitation_a = joint.invited(joint.a, joint.representative_a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.co_implementer_invite(
            report=joint.report,
            co_implementer=joint.b,
            email=joint.representative_b.email,
            acting_user=joint.lead,
        )
    return joint


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_who_may_see_a_co_implementers_part(client, invited, role, page):
    path, allowed = PAGES[page]
    user = ROLES[role](invited)
    expected = LOGIN if role == "anonymous" else (200 if role in allowed else 404)
    assert_access(client, user, "GET", path(invited), expected)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_save_a_co_implementers_part(client, invited, role):
    user = ROLES[role](invited)
    expected = LOGIN if role == "anonymous" else (302 if role == "representative_a" else 404)
    path = f"/applications/co-implementer-parts/{invited.invitation_a.pk}/"
    assert_access(client, user, "POST", path, expected, data={"personnel": "3 000,00", "own_funding": "900"})
    saved = CoImplementerReportPart.objects.filter(co_implementer=invited.a).first()
    assert (saved is not None) == (role == "representative_a")


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_invite_through_the_pages(client, invited, role):
    user = ROLES[role](invited)
    before = CoImplementerInvitation.objects.count()
    lead_path = f"/applications/{invited.grant.application_id}/reports/{invited.report.pk}/co-implementers/{invited.a.pk}/invite/"
    expected = LOGIN if role == "anonymous" else (302 if role == "lead" else 404)
    assert_access(client, user, "POST", lead_path, expected, data={"email": "uusi@example.org"})
    assert CoImplementerInvitation.objects.count() == before + (role == "lead")


def test_officials_invite_from_the_review_page_of_a_report_asked_to_be_completed(client, invited):
    presenter = CallAssignmentFactory.presenter_of(invited.grant)
    path = f"/official/reports/{invited.report.pk}/co-implementers/{invited.a.pk}/invite/"
    services.report_submit(report=invited.report, acting_user=invited.lead)
    for role, expected in (("finance_officer", 403), ("auditor", 403), ("other_organisation", 404)):
        assert_access(
            client, ROLES[role](invited), "POST", path, expected, data={"email": "uusi@example.org"}
        )
    sign_in(client, presenter)
    review = client.get(f"/official/reports/{invited.report.pk}/").content.decode()
    assert path not in review  # sent and waiting for review: the lead's part can no longer change
    services.report_request_completion(
        report=invited.report,
        message="Täydentäkää osatoteuttajan kulut.",
        due_date=datetime.date.today() + datetime.timedelta(days=14),
        acting_user=presenter,
    )
    assert path in client.get(f"/official/reports/{invited.report.pk}/").content.decode()
    response = client.post(path, {"email": "uusi@example.org"})
    assert response.status_code == 302
    assert CoImplementerInvitation.objects.filter(email="uusi@example.org", invited_by=presenter).exists()


def test_the_representative_sees_only_their_part(client, invited):
    services.report_save(
        report=invited.report,
        answers={**invited.report.answers, "results": "Johtajan salainen vastaus."},
        version=invited.report.version,
        acting_user=invited.lead,
    )
    invited.save(invited.b, {"travel": "987.65"}, "300.00")
    sign_in(client, invited.representative_a)
    page = client.get(f"/applications/co-implementer-parts/{invited.invitation_a.pk}/").content.decode()
    assert "Osatoteuttaja A ry" in page
    assert "Johtajan salainen vastaus." not in page
    assert "Osatoteuttaja B oy" not in page and "987,65" not in page


def test_a_refused_part_is_shown_again_with_its_message_and_nothing_is_saved(client, invited):
    sign_in(client, invited.representative_a)
    response = client.post(
        f"/applications/co-implementer-parts/{invited.invitation_a.pk}/",
        {"personnel": "1000", "own_funding": "2000"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Osatoteuttajan Osatoteuttaja A ry toteutunut omarahoitus" in page
    assert "on suurempi kuin sen toteutuneet hyväksyttävät kustannukset" in page
    assert not CoImplementerReportPart.objects.exists()


def test_the_invitation_page_accepts_for_the_address_it_was_sent_to(
    client, joint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.co_implementer_invite(
            report=joint.report,
            co_implementer=joint.a,
            email=joint.representative_a.email,
            acting_user=joint.lead,
        )
    token = mail.outbox[-1].body.split("/co-implementer-invitations/")[1].split("/")[0]
    path = f"/applications/co-implementer-invitations/{token}/"
    sign_in(client, joint.representative_b)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    sign_in(client, joint.representative_a)
    assert "Osatoteuttaja A ry" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/co-implementer-parts/{invitation.pk}/"
    invitation.refresh_from_db()
    assert invitation.accepted_by == joint.representative_a


def _page_statements(client, django_assert_num_queries, path, count):
    with django_assert_num_queries(count):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("extra_co_implementers", [0, 3])
def test_the_pages_make_a_fixed_number_of_statements(
    client, invited, django_assert_num_queries, extra_co_implementers
):
    for number in range(extra_co_implementers):
        co_implementer = _co_implementer(
            invited.grant.application,
            OrganisationFactory(),
            costs={"other": "100.00"},
            own_funding="30.00",
        )
        invited.save(co_implementer, {"other": f"{number + 1}00.00"}, "30.00")
        services.co_implementer_invite(
            report=invited.report,
            co_implementer=co_implementer,
            email=f"x{number}@example.org",
            acting_user=invited.lead,
        )
    sign_in(client, invited.lead)
    _page_statements(
        client,
        django_assert_num_queries,
        f"/applications/{invited.grant.application_id}/reports/{invited.report.pk}/",
        17,
    )
    _page_statements(client, django_assert_num_queries, _lead_part_path(invited, invited.a), 10)
    sign_in(client, invited.representative_a)
    _page_statements(
        client, django_assert_num_queries, f"/applications/co-implementer-parts/{invited.invitation_a.pk}/", 6
    )
    services.report_submit(report=invited.report, acting_user=invited.lead)
    sign_in(client, CallAssignmentFactory.presenter_of(invited.grant))
    _page_statements(client, django_assert_num_queries, f"/official/reports/{invited.report.pk}/", 15)


def test_the_lead_enters_a_part_and_sees_the_breakdown_and_the_invitations(client, invited):
    sign_in(client, invited.lead)
    response = client.post(_lead_part_path(invited, invited.b), {"travel": "1 000,00", "own_funding": "150"})
    report_path = f"/applications/{invited.grant.application_id}/reports/{invited.report.pk}/"
    assert response.status_code == 302 and response["Location"] == report_path
    part = CoImplementerReportPart.objects.get(co_implementer=invited.b)
    assert (part.costs, part.own_funding, part.authority_check) == (
        {"travel": "1000.00"},
        Decimal("150.00"),
        None,
    )
    page = client.get(report_path).content.decode()
    # B's own funding, 15 % of its costs, is below the call's 20 %; A's part has not been entered.
    assert "Osatoteuttajan Osatoteuttaja B oy omarahoitus on 15" in page
    assert "Osatoteuttajan Osatoteuttaja A ry osuutta ei ole syötetty." in page
    assert f"{invited.representative_a.email} hyväksyi kutsun" in page
    assert f"Kutsu lähetetty osoitteeseen {invited.representative_b.email}" in page


def test_the_lead_ends_an_invitation_through_the_page(client, invited):
    sign_in(client, invited.lead)
    path = (
        f"/applications/{invited.grant.application_id}/reports/{invited.report.pk}/co-implementer-invitations/"
        f"{invited.invitation_a.pk}/revoke/"
    )
    assert client.post(path).status_code == 302
    invited.invitation_a.refresh_from_db()
    assert invited.invitation_a.revoked_at is not None
    sign_in(client, invited.representative_a)
    assert client.get(f"/applications/co-implementer-parts/{invited.invitation_a.pk}/").status_code == 404


def test_after_the_lead_sends_the_representative_reads_their_part_only(client, invited):
    invited.save(invited.a, {"personnel": "3800.00"}, "1140.00", acting_user=invited.representative_a)
    services.report_submit(report=invited.report, acting_user=invited.lead)
    sign_in(client, invited.representative_a)
    path = f"/applications/co-implementer-parts/{invited.invitation_a.pk}/"
    page = client.get(path).content.decode()
    assert "Selvitys on lähetetty: osuutta ei voi enää muuttaa." in page
    assert "3\xa0800\xa0€" in page and "<form" not in page.split("<main")[1].split("</main>")[0]
    response = client.post(path, {"personnel": "1", "own_funding": "0"})
    assert response.status_code == 200
    assert CoImplementerReportPart.objects.get(co_implementer=invited.a).costs == {"personnel": "3800.00"}
