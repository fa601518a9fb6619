"""Who may act for an organisation: a strongly identified person whose right to act has been checked, in Suomi.fi
e-Authorizations or by an official from a document; the check is kept with what they send."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from avustamo.accounts.identities import (
    Identification,
    identified_person_sign_up,
    identity_link,
    person_key,
)
from avustamo.accounts.models import StrongIdentity
from avustamo.applications import services as application_services
from avustamo.applications.models import ApplicationStatus
from avustamo.core.models import AuditEntry
from avustamo.demo.documents import one_page_pdf
from avustamo.grants import services as grant_services
from avustamo.organisations import authority
from avustamo.organisations import services as organisation_services
from avustamo.organisations.models import (
    AuthorityCheck,
    AuthoritySource,
    Membership,
    Organisation,
    RepresentationVerification,
    VerificationStatus,
)
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    ApplicationFactory,
    AuthorityCheckFactory,
    CallFactory,
    CallFormFactory,
    GrantFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegionFactory,
    RepresentationVerificationFactory,
    StrongIdentityFactory,
    UserFactory,
    complete_answers,
    valid_business_id,
    valid_iban,
)

pytestmark = pytest.mark.django_db

E_AUTHORIZATIONS = {
    "SUOMIFI_AUTHORIZATIONS_URL": "http://127.0.0.1:9/",
    "SUOMIFI_AUTHORIZATIONS_CLIENT_ID": "avustamo",
    "SUOMIFI_AUTHORIZATIONS_API_KEY": "key",
    "SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD": "password",
    "SUOMIFI_AUTHORIZATIONS_ISSUE": "valtionavustus",
}


def _document(name="paatos.pdf"):
    return SimpleUploadedFile(name, one_page_pdf("Delegointipäätös", ["7 §"]), content_type="application/pdf")


@pytest.fixture
def e_authorizations(settings):
    """A deployment that uses Suomi.fi e-Authorizations (nothing is asked of it in these tests)."""
    for name, value in E_AUTHORIZATIONS.items():
        setattr(settings, name, value)


@pytest.fixture
def call():
    call = CallFactory(eligible_organisation_types=["registered_association", "municipality"])
    CallFormFactory(call=call)
    RegionFactory()
    return call


def _answered_draft(call, organisation, person):
    draft = application_services.application_start(call=call, organisation=organisation, acting_user=person)
    return application_services.application_save(
        application=draft, answers=complete_answers(call), version=draft.version, acting_user=person
    )


def _refused_submission(draft, person) -> ValidationError:
    answers = dict(draft.answers)
    with pytest.raises(ValidationError) as refusal:
        application_services.application_submit(application=draft, acting_user=person)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.answers == answers
    assert draft.authority_check is None
    assert not AuditEntry.objects.filter(action="application.submitted").exists()
    return refusal.value


class TestSubmittingNeedsTheRightToAct:
    def test_a_person_not_strongly_identified_is_refused_and_the_draft_kept(self, call):
        member = MembershipFactory(right_to_act=False)
        RepresentationVerificationFactory(person=member.person, organisation=member.organisation)
        draft = _answered_draft(call, member.organisation, member.person)

        refusal = _refused_submission(draft, member.person)

        assert refusal.code == "not_identified"
        assert "Suomi.fi-tunnistuksella" in refusal.messages[0] and "on tallessa" in refusal.messages[0]

    def test_a_person_neither_identified_nor_verified_is_first_asked_to_identify(self, call):
        member = MembershipFactory(right_to_act=False)
        draft = _answered_draft(call, member.organisation, member.person)

        assert _refused_submission(draft, member.person).code == "not_identified"

    def test_an_invited_member_without_a_verified_right_is_refused(self, call):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        draft = _answered_draft(call, member.organisation, member.person)

        refusal = _refused_submission(draft, member.person)

        assert refusal.code == "not_verified"
        assert member.organisation.name in refusal.messages[0]
        assert "Lähetä palveluun asiakirja" in refusal.messages[0]

    def test_while_an_official_has_not_yet_verified_the_person_is_told_so(self, call):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        draft = _answered_draft(call, member.organisation, member.person)

        refusal = _refused_submission(draft, member.person)

        assert refusal.code == "not_verified"
        assert "ei ole vielä vahvistanut" in refusal.messages[0]

    def test_a_verified_right_is_recorded_with_the_submission_and_in_its_audit_entry(self, call):
        member = MembershipFactory()
        draft = _answered_draft(call, member.organisation, member.person)

        submitted = application_services.application_submit(application=draft, acting_user=member.person)

        check = submitted.authority_check
        assert (check.person, check.organisation) == (member.person, member.organisation)
        assert check.source == AuthoritySource.OFFICIAL_VERIFICATION and check.allowed
        verification = RepresentationVerification.objects.get(person=member.person)
        assert check.answer["verification"] == verification.pk
        entry = AuditEntry.objects.get(action="application.submitted")
        assert entry.details["authority_check"] == check.pk
        assert entry.details["authority_source"] == "official_verification"

    def test_accepting_a_grant_is_refused_without_the_right_and_recorded_with_it(self):
        grant = GrantFactory.awaiting_acceptance()
        organisation = grant.application.organisation
        outsider_member = MembershipFactory(organisation=organisation, right_to_act=False)
        StrongIdentityFactory(user=outsider_member.person)

        with pytest.raises(ValidationError) as refusal:
            grant_services.grant_accept(grant=grant, acting_user=outsider_member.person)
        assert refusal.value.code == "not_verified"
        grant.refresh_from_db()
        assert grant.status == "awaiting_acceptance" and grant.authority_check is None

        representative = organisation.memberships.exclude(pk=outsider_member.pk).first().person
        accepted = grant_services.grant_accept(grant=grant, acting_user=representative)
        assert accepted.authority_check.person == representative
        assert AuditEntry.objects.get(action="grant.accepted").details["authority_check"] == (
            accepted.authority_check.pk
        )


@pytest.mark.usefixtures("e_authorizations")
class TestSubmittingWhereEAuthorizationsAnswers:
    def test_without_a_recent_answer_the_person_is_sent_to_confirm_it(self, call):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        draft = _answered_draft(call, member.organisation, member.person)

        refusal = _refused_submission(draft, member.person)

        assert refusal.code == "authority_not_checked"
        assert "Suomi.fi-valtuuksissa" in refusal.messages[0]

    def test_an_allowing_answer_does_not_stand_for_the_persons_identification(self, call):
        member = MembershipFactory(right_to_act=False)
        AuthorityCheckFactory(person=member.person, organisation=member.organisation)
        draft = _answered_draft(call, member.organisation, member.person)

        assert _refused_submission(draft, member.person).code == "not_identified"

    def test_an_answer_older_than_the_validity_is_not_relied_on(self, call, settings):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        AuthorityCheckFactory(
            person=member.person,
            organisation=member.organisation,
            checked_at=timezone.now()
            - datetime.timedelta(minutes=settings.AUTHORITY_CHECK_VALID_MINUTES, seconds=1),
        )
        draft = _answered_draft(call, member.organisation, member.person)

        assert _refused_submission(draft, member.person).code == "authority_not_checked"

    def test_an_ended_right_refuses_the_next_act_with_a_clear_message(self, call):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        AuthorityCheckFactory(
            person=member.person, organisation=member.organisation, checked_at=timezone.now()
        )
        AuthorityCheckFactory(
            person=member.person, organisation=member.organisation, allowed=False, basis="no role or mandate"
        )
        draft = _answered_draft(call, member.organisation, member.person)

        refusal = _refused_submission(draft, member.person)

        assert refusal.code == "authority_ended"
        assert "et voi asioida" in refusal.messages[0] and "on tallessa" in refusal.messages[0]

    def test_a_recent_allowing_answer_is_the_one_the_submission_is_made_under(self, call):
        member = MembershipFactory(right_to_act=False)
        StrongIdentityFactory(user=member.person)
        check = AuthorityCheckFactory(person=member.person, organisation=member.organisation)
        draft = _answered_draft(call, member.organisation, member.person)

        submitted = application_services.application_submit(application=draft, acting_user=member.person)

        assert submitted.authority_check == check
        assert (
            AuditEntry.objects.get(action="application.submitted").details["authority_basis"] == "PJ, NIMKO"
        )

    def test_a_municipality_is_still_verified_by_an_official(self, call):
        municipality = OrganisationFactory(organisation_type="municipality")
        member = MembershipFactory(organisation=municipality)
        draft = _answered_draft(call, municipality, member.person)

        submitted = application_services.application_submit(application=draft, acting_user=member.person)

        assert submitted.authority_check.source == AuthoritySource.OFFICIAL_VERIFICATION


def _organisation_fields(n: int, organisation_type: str) -> dict:
    return {
        "name": f"Rekisteröitävä {n}",
        "business_id": valid_business_id(9000 + n),
        "organisation_type": organisation_type,
        "home_municipality": MunicipalityFactory(),
        "street_address": "Katu 1",
        "postal_code": "00100",
        "post_office": "Helsinki",
        "iban": valid_iban(9000 + n),
        "email": f"kirjaamo{n}@example.org",
    }


@pytest.mark.usefixtures("e_authorizations")
class TestRegisteringWhereEAuthorizationsAnswers:
    def test_an_association_not_chosen_in_e_authorizations_is_refused(self):
        person = UserFactory()
        with pytest.raises(ValidationError) as refusal:
            organisation_services.organisation_register(
                acting_user=person, **_organisation_fields(1, "registered_association")
            )
        assert refusal.value.error_dict["business_id"][0].code == "choose_in_e_authorizations"
        assert not Organisation.objects.filter(name="Rekisteröitävä 1").exists()

    def test_the_association_chosen_there_is_registered(self):
        fields = _organisation_fields(2, "registered_association")
        organisation = organisation_services.organisation_register(
            acting_user=UserFactory(), chosen_in_e_authorizations=fields["business_id"], **fields
        )
        assert organisation.memberships.get().role == Membership.Role.ADMINISTRATOR

    def test_a_municipality_is_registered_and_then_verified_by_an_official(self):
        organisation = organisation_services.organisation_register(
            acting_user=UserFactory(), **_organisation_fields(3, "municipality")
        )
        assert authority.authority_source(organisation) == AuthoritySource.OFFICIAL_VERIFICATION


class TestVerificationByAnOfficial:
    @pytest.fixture
    def member(self):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        StrongIdentityFactory(user=member.person)
        return member

    def test_a_member_sends_a_document_and_a_programme_manager_verifies_it(self, member):
        verification = authority.representation_verification_request(
            organisation=member.organisation,
            explanation="Kaupunginhallituksen päätös 12.1., 7 §.",
            proof=_document(),
            acting_user=member.person,
        )
        assert verification.status == VerificationStatus.PENDING and verification.proof_kind == "pdf"

        manager = UserFactory(roles=["programme_manager"])
        authority.representation_verify(verification=verification, acting_user=manager)

        verification.refresh_from_db()
        assert (verification.status, verification.decided_by) == (VerificationStatus.VERIFIED, manager)
        entry = AuditEntry.objects.get(action="representation.verified")
        assert (entry.details["from"], entry.details["to"]) == ("pending", "verified")
        check = authority.require_authority(person=member.person, organisation=member.organisation)
        assert check.allowed and manager.full_name in check.basis

    @pytest.mark.parametrize(
        ("explanation", "proof", "field", "code"),
        [
            ("", _document, "explanation", "required"),
            ("Päätös 7 §.", None, "proof", "required"),
            (
                "Päätös 7 §.",
                lambda: SimpleUploadedFile(
                    "paatos.pdf", b"MZ\x90\x00 not a document", content_type="application/pdf"
                ),
                "proof",
                "unaccepted_type",
            ),
        ],
    )
    def test_a_request_without_what_an_official_needs_is_refused(
        self, member, explanation, proof, field, code
    ):
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verification_request(
                organisation=member.organisation,
                explanation=explanation,
                proof=proof() if proof else None,
                acting_user=member.person,
            )
        assert refusal.value.error_dict[field][0].code == code
        assert not RepresentationVerification.objects.exists()

    def test_asking_twice_is_refused(self, member):
        RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verification_request(
                organisation=member.organisation,
                explanation="Uudelleen.",
                proof=_document(),
                acting_user=member.person,
            )
        assert refusal.value.code == "already_asked"
        assert RepresentationVerification.objects.count() == 1

    def test_someone_outside_the_organisation_cannot_ask(self, member):
        outsider = UserFactory()
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verification_request(
                organisation=member.organisation,
                explanation="Päätös.",
                proof=_document(),
                acting_user=outsider,
            )
        assert refusal.value.code == "not_member"
        assert not RepresentationVerification.objects.exists()

    def test_a_refusal_needs_a_reason_and_the_person_sees_it(self, member):
        verification = RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        manager = UserFactory(roles=["programme_manager"])
        with pytest.raises(ValidationError) as refusal:
            authority.representation_refuse(verification=verification, reason=" ", acting_user=manager)
        assert "reason" in refusal.value.error_dict
        verification.refresh_from_db()
        assert verification.status == VerificationStatus.PENDING

        authority.representation_refuse(
            verification=verification, reason="Päätös ei nimeä hakijaa.", acting_user=manager
        )
        verification.refresh_from_db()
        assert verification.status == VerificationStatus.REFUSED
        assert verification.reason == "Päätös ei nimeä hakijaa."

    @pytest.mark.parametrize(
        "role", ["reviewer", "presenter", "decision_maker", "finance_officer", "auditor"]
    )
    def test_only_programme_managers_and_administrators_verify(self, member, role):
        verification = RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verify(verification=verification, acting_user=UserFactory(roles=[role]))
        assert refusal.value.code == "not_verifier"
        verification.refresh_from_db()
        assert verification.status == VerificationStatus.PENDING

    def test_nobody_verifies_their_own_right(self, member):
        manager = UserFactory(roles=["programme_manager"])
        MembershipFactory(person=manager, organisation=member.organisation, right_to_act=False)
        verification = RepresentationVerificationFactory(
            person=manager, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verify(verification=verification, acting_user=manager)
        assert refusal.value.code == "own_verification"

    def test_leaving_the_organisation_ends_the_verified_right(self):
        organisation = OrganisationFactory(organisation_type="municipality")
        administrator = MembershipFactory(organisation=organisation, administrator=True)
        leaving = MembershipFactory(organisation=organisation)

        organisation_services.membership_remove(membership=leaving, acting_user=administrator.person)

        verification = RepresentationVerification.objects.get(person=leaving.person)
        assert verification.status == VerificationStatus.ENDED
        with pytest.raises(ValidationError) as refusal:
            authority.require_authority(person=leaving.person, organisation=organisation)
        assert refusal.value.code == "not_verified"


class TestStrongIdentities:
    def _identification(self, code="150385-9068", **changes) -> Identification:
        values = {
            "person_key": person_key(code),
            "given_name": "Aino",
            "family_name": "Rahastonhoitaja",
            "birth_date": datetime.date(1985, 3, 15),
            "level_of_assurance": "http://ftn.ficora.fi/2017/loa2",
            "identified_at": timezone.now(),
        }
        return Identification(**(values | changes))

    def test_the_identity_code_is_kept_only_as_a_keyed_hash(self, settings):
        key = person_key("150385-9068")
        assert "150385" not in key and len(key) == 64
        assert person_key(" 150385-9068 ") == key
        settings.PERSON_KEY_SECRET = "another-deployment"
        assert person_key("150385-9068") != key

    def test_a_new_person_gets_an_account_without_a_password(self):
        user = identified_person_sign_up(
            identification=self._identification(), email="Aino@Example.org", preferred_language="fi"
        )
        assert (user.email, user.full_name) == ("aino@example.org", "Aino Rahastonhoitaja")
        assert not user.has_usable_password()
        identity = StrongIdentity.objects.get(user=user)
        assert identity.person_key == person_key("150385-9068")
        assert identity.birth_date == datetime.date(1985, 3, 15)

    def test_one_person_is_linked_to_one_account(self):
        first = UserFactory()
        identity_link(identification=self._identification(), acting_user=first)

        with pytest.raises(ValidationError) as refusal:
            identity_link(identification=self._identification(), acting_user=UserFactory())
        assert refusal.value.code == "identity_linked_elsewhere"

        with pytest.raises(ValidationError) as refusal:
            identity_link(identification=self._identification(code="070772-9136"), acting_user=first)
        assert refusal.value.code == "account_of_another_person"
        assert StrongIdentity.objects.count() == 1

    def test_an_address_of_another_account_is_refused_and_nothing_created(self):
        UserFactory(email="aino@example.org")
        with pytest.raises(ValidationError) as refusal:
            identified_person_sign_up(
                identification=self._identification(), email="aino@example.org", preferred_language="fi"
            )
        assert refusal.value.error_dict["email"][0].code == "email_in_use"
        assert not StrongIdentity.objects.exists()


class TestPages:
    @pytest.fixture
    def pending(self):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        StrongIdentityFactory(user=member.person)
        return RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )

    @pytest.mark.parametrize(
        ("who", "want"),
        [
            ("anonymous", LOGIN),
            ("applicant", 403),
            ("programme_manager", 200),
            ("administrator", 200),
            ("reviewer", 403),
            ("presenter", 403),
            ("decision_maker", 403),
            ("finance_officer", 403),
            ("auditor", 403),
        ],
    )
    def test_the_officials_list_of_verifications(self, client, pending, who, want):
        from django.contrib.auth.models import AnonymousUser

        user = (
            AnonymousUser()
            if who == "anonymous"
            else MembershipFactory().person
            if who == "applicant"
            else UserFactory(roles=[who])
        )
        assert_access(client, user, "GET", reverse("official:representation_verifications"), want)

    @pytest.mark.parametrize(
        ("who", "want"), [("owner", 200), ("other_applicant", 404), ("programme_manager", 200)]
    )
    def test_the_document_is_shown_only_to_its_sender_and_the_verifiers(self, client, pending, who, want):
        pending.proof.save("paatos.pdf", _document(), save=True)
        user = {
            "owner": lambda: pending.person,
            "other_applicant": lambda: MembershipFactory().person,
            "programme_manager": lambda: UserFactory(roles=["programme_manager"]),
        }[who]()
        assert_access(
            client, user, "GET", reverse("organisations:verification_document", args=[pending.pk]), want
        )

    def test_a_member_sends_the_document_on_the_organisation_page(self, client):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        StrongIdentityFactory(user=member.person)
        sign_in(client, member.person)
        page = client.get(reverse("organisations:detail", args=[member.organisation.pk]))
        assert "Lähetä vahvistettavaksi" in page.content.decode()

        response = client.post(
            reverse("organisations:ask_verification", args=[member.organisation.pk]),
            {"explanation": "Kaupunginhallituksen päätös 7 §.", "proof": _document()},
        )

        assert response.status_code == 302
        assert RepresentationVerification.objects.get().status == VerificationStatus.PENDING

    def test_a_request_without_a_document_shows_the_form_again_with_its_error(self, client):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        StrongIdentityFactory(user=member.person)
        sign_in(client, member.person)
        response = client.post(
            reverse("organisations:ask_verification", args=[member.organisation.pk]),
            {"explanation": "Päätös."},
        )
        assert response.status_code == 422
        assert 'id="id_proof"' in response.content.decode()
        assert not RepresentationVerification.objects.exists()

    def test_accepting_on_the_decision_page_without_the_right_says_why(self, client):
        grant = GrantFactory.awaiting_acceptance()
        member = MembershipFactory(organisation=grant.application.organisation, right_to_act=False)
        StrongIdentityFactory(user=member.person)
        sign_in(client, member.person)

        response = client.post(
            reverse("applications:grant_accept", args=[grant.application.pk]), {"confirm": "on"}
        )

        assert response.status_code == 400
        assert "ei ole vahvistettu" in response.content.decode()
        grant.refresh_from_db()
        assert grant.status == "awaiting_acceptance"

    def test_accepting_for_an_association_without_an_answer_goes_to_e_authorizations(self, client, settings):
        grant = GrantFactory.awaiting_acceptance()
        for name, value in E_AUTHORIZATIONS.items():
            setattr(settings, name, value)
        member = MembershipFactory(organisation=grant.application.organisation, right_to_act=False)
        StrongIdentityFactory(user=member.person)
        sign_in(client, member.person)

        response = client.post(
            reverse("applications:grant_accept", args=[grant.application.pk]), {"confirm": "on"}
        )

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("organisations:act_for"))
        grant.refresh_from_db()
        assert grant.status == "awaiting_acceptance"


def test_applications_made_by_the_factories_are_sent_under_a_recorded_check():
    application = ApplicationFactory.submitted()
    assert application.authority_check is not None
    assert application.authority_check.person == application.submitted_by


def test_the_officials_list_asks_the_database_as_often_for_many_requests_as_for_one(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = UserFactory(roles=["programme_manager"])
    sign_in(client, manager)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("official:representation_verifications")).status_code == 200
        return len(queries)

    RepresentationVerificationFactory(status=VerificationStatus.PENDING)
    one = statements()
    for _ in range(5):
        RepresentationVerificationFactory(status=VerificationStatus.PENDING)
    assert statements() == one


class TestWhatTheReviewFound:
    def test_a_person_not_identified_cannot_ask_an_official_to_verify(self):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verification_request(
                organisation=member.organisation,
                explanation="Päätös 7 §.",
                proof=_document(),
                acting_user=member.person,
            )
        assert refusal.value.code == "not_identified"
        assert not RepresentationVerification.objects.exists()

    def test_an_official_does_not_verify_a_person_not_identified(self):
        member = MembershipFactory(organisation__organisation_type="municipality", right_to_act=False)
        verification = RepresentationVerificationFactory(
            person=member.person, organisation=member.organisation, status=VerificationStatus.PENDING
        )
        with pytest.raises(ValidationError) as refusal:
            authority.representation_verify(
                verification=verification, acting_user=UserFactory(roles=["programme_manager"])
            )
        assert refusal.value.code == "not_identified"
        verification.refresh_from_db()
        assert verification.status == VerificationStatus.PENDING

    def test_the_business_id_and_type_are_fixed_at_registration(self):
        administrator = MembershipFactory(administrator=True)
        organisation = administrator.organisation
        with pytest.raises(ValidationError) as refusal:
            organisation_services.organisation_update(
                organisation=organisation, acting_user=administrator.person, organisation_type="other"
            )
        assert refusal.value.error_dict["organisation_type"][0].code == "fixed_at_registration"
        organisation.refresh_from_db()
        assert organisation.organisation_type == "registered_association"

    def test_changing_the_account_grants_are_paid_to_needs_the_right_to_act(self):
        organisation = OrganisationFactory()
        invited = MembershipFactory(organisation=organisation, administrator=True, right_to_act=False)
        StrongIdentityFactory(user=invited.person)
        old_iban = organisation.iban
        with pytest.raises(ValidationError) as refusal:
            organisation_services.organisation_update(
                organisation=organisation, acting_user=invited.person, iban=valid_iban(8000)
            )
        assert refusal.value.code == "not_verified"
        organisation.refresh_from_db()
        assert organisation.iban == old_iban

        representative = MembershipFactory(organisation=organisation, administrator=True)
        organisation_services.organisation_update(
            organisation=organisation, acting_user=representative.person, iban=valid_iban(8000)
        )
        entry = AuditEntry.objects.get(action="organisation.updated")
        assert entry.details["authority_source"] == "official_verification"

    def test_withdrawing_a_submitted_application_needs_the_right_to_act(self, call):
        application = ApplicationFactory.submitted(call)
        invited = MembershipFactory(organisation=application.organisation, right_to_act=False)
        StrongIdentityFactory(user=invited.person)
        with pytest.raises(ValidationError) as refusal:
            application_services.application_withdraw(application=application, acting_user=invited.person)
        assert refusal.value.code == "not_verified"
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED

    def test_a_web_api_session_opened_by_another_person_is_not_used(self, client, settings):
        from avustamo.organisations import authority_views

        organisation = OrganisationFactory()
        member = MembershipFactory(organisation=organisation, right_to_act=False)
        StrongIdentityFactory(user=member.person)
        for name, value in E_AUTHORIZATIONS.items():
            setattr(settings, name, value)
        sign_in(client, member.person)
        session = client.session
        session[authority_views.WEB_API_SESSION] = {
            "session": {"session_id": "s", "user_id": "u", "request_id": "r", "state": "x"},
            "person_key": person_key("070772-9136"),
        }
        session[authority_views.ACCESS_TOKEN] = "token-of-another-person"
        session.save()

        response = client.post(reverse("organisations:act_for"), {"next": ""})

        # Not sent to the selection with the other person's session: asked to identify first.
        assert response.status_code == 200
        assert authority_views.WEB_API_SESSION not in client.session
        assert not AuthorityCheck.objects.exists()


def test_no_refusal_is_recorded_for_an_organisation_not_chosen_in_e_authorizations(rf, settings):
    """e-Authorizations answers about the organisation chosen there; asking about another would only ever say no."""
    from django.contrib.sessions.backends.db import SessionStore

    from avustamo.organisations import authority_views

    for name, value in E_AUTHORIZATIONS.items():
        setattr(settings, name, value)
    member = MembershipFactory(right_to_act=False)
    identity = StrongIdentityFactory(user=member.person)
    request = rf.post("/")
    request.user = member.person
    request.session = SessionStore()
    request.session[authority_views.WEB_API_SESSION] = {
        "session": {"session_id": "s", "user_id": "u", "request_id": "r", "state": "x"},
        "person_key": identity.person_key,
    }
    request.session[authority_views.ACCESS_TOKEN] = "token"
    request.session[authority_views.CHOSEN] = [valid_business_id(7777)]

    assert authority_views.refresh_authority(request, member.organisation) is None
    assert not AuthorityCheck.objects.exists()


def test_the_deployment_check_refuses_identification_without_the_person_key_secret(settings):
    from avustamo.accounts.checks import person_key_secret_with_identification

    settings.SUOMIFI_OIDC_ISSUER = "https://tunnistus.example.fi"
    settings.SUOMIFI_OIDC_CLIENT_ID = "avustamo"
    settings.SUOMIFI_OIDC_SIGNING_KEY = "signing"
    settings.SUOMIFI_OIDC_ENCRYPTION_KEY = "encryption"
    assert person_key_secret_with_identification(None) == []
    settings.PERSON_KEY_SECRET = ""
    assert [error.id for error in person_key_secret_with_identification(None)] == ["avustamo.E001"]
