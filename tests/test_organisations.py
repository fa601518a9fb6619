import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from avustamo.core.models import AuditEntry
from avustamo.organisations import services
from avustamo.organisations.identifiers import clean_business_id, clean_iban
from avustamo.organisations.models import (
    AuthoritySource,
    Invitation,
    Membership,
    Organisation,
    OrganisationType,
)
from tests.access import sign_in
from tests.factories import (
    AuthorityCheckFactory,
    MunicipalityFactory,
    OrganisationFactory,
    StrongIdentityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def organisation_fields(**overrides):
    fields = {
        "name": "Monikulttuurinen perheyhdistys Kotipiha ry",
        "business_id": "1618033-3",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality": MunicipalityFactory(),
        "street_address": "Hämeenkatu 10",
        "postal_code": "33100",
        "post_office": "Tampere",
        "iban": "FI21 1234 5600 0007 85",
        "email": "hallitus@kotipiha.example.org",
    }
    return fields | overrides


class TestIdentifiers:
    @pytest.mark.parametrize("given", ["1618033-3", " 1618033-3 ", "16180333", "FI16180333"])
    def test_business_id__stored_in_canonical_form(self, given):
        assert clean_business_id(given) == "1618033-3"

    def test_business_id__wrong_check_digit_says_so(self):
        with pytest.raises(ValidationError) as error:
            clean_business_id("1618033-4")
        assert error.value.code == "business_id_checksum"
        assert "1618033-4" in error.value.messages[0]

    @pytest.mark.parametrize("given", ["123", "abcdefg-h", "1618033-33"])
    def test_business_id__malformed_is_refused(self, given):
        with pytest.raises(ValidationError) as error:
            clean_business_id(given)
        assert error.value.code == "business_id_format"

    def test_iban__stored_compact(self):
        assert clean_iban("fi21 1234 5600 0007 85") == "FI2112345600000785"

    def test_iban__wrong_check_digits_say_so(self):
        with pytest.raises(ValidationError) as error:
            clean_iban("FI22 1234 5600 0007 85")
        assert error.value.code == "iban_checksum"

    def test_iban__not_an_iban(self):
        with pytest.raises(ValidationError) as error:
            clean_iban("12345")
        assert error.value.code in {"iban_format", "iban_country"}


class TestRegisterOrganisation:
    def test_register__person_becomes_administrator_and_audited(self):
        person = UserFactory()
        organisation = services.organisation_register(acting_user=person, **organisation_fields())
        assert organisation.business_id == "1618033-3"
        assert organisation.iban == "FI2112345600000785"
        assert organisation.iban_display == "FI21 1234 5600 0007 85"
        membership = Membership.objects.get(organisation=organisation)
        assert (membership.person, membership.role) == (person, Membership.Role.ADMINISTRATOR)
        entry = AuditEntry.objects.get(action="organisation.registered")
        assert (entry.actor, entry.target_id) == (person, str(organisation.pk))

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("business_id", "1618033-4", "business_id_checksum"),
            ("iban", "FI22 1234 5600 0007 85", "iban_checksum"),
            ("postal_code", "3310", "invalid"),
            ("email", "not an address", "invalid"),
        ],
    )
    def test_register__invalid_field_is_refused_and_nothing_saved(self, field, value, code):
        with pytest.raises(ValidationError) as error:
            services.organisation_register(acting_user=UserFactory(), **organisation_fields(**{field: value}))
        assert error.value.error_dict[field][0].code == code
        assert not Organisation.objects.exists()
        assert not Membership.objects.exists()

    def test_register__taken_business_id_tells_to_ask_for_invitation(self):
        OrganisationFactory(business_id="1618033-3")
        with pytest.raises(ValidationError) as error:
            services.organisation_register(
                acting_user=UserFactory(), **organisation_fields(business_id="16180333")
            )
        assert error.value.error_dict["business_id"][0].code == "business_id_taken"
        assert "1618033-3" in error.value.messages[0]
        assert Organisation.objects.count() == 1

    def test_register_page__wrong_check_digit_shows_message_and_saves_nothing(self, client):
        sign_in(client, UserFactory())
        data = organisation_fields(business_id="1618033-4")
        data["home_municipality"] = data["home_municipality"].pk
        response = client.post(reverse("organisations:register"), data)
        page = response.content.decode()
        assert response.status_code == 200
        assert 'class="error-summary"' in page
        assert 'href="#id_business_id"' in page
        assert "1618033-4" in page
        assert not Organisation.objects.exists()

    def test_update__by_member_without_administrator_role_is_refused(self, organisation, organisation_member):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                organisation=organisation, acting_user=organisation_member, name="Uusi nimi ry"
            )
        organisation.refresh_from_db()
        assert organisation.name == "Kotipiha ry"

    @pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
    def test_update__a_name_of_only_spaces_is_refused_and_nothing_saved(
        self, organisation, organisation_admin, blank
    ):
        with pytest.raises(ValidationError) as error:
            services.organisation_update(
                organisation=organisation, acting_user=organisation_admin, name=blank
            )
        assert list(error.value.error_dict) == ["name"]
        organisation.refresh_from_db()
        assert organisation.name == "Kotipiha ry"
        assert not AuditEntry.objects.filter(action="organisation.updated").exists()

    def test_update__records_what_changed(self, organisation, organisation_admin):
        services.organisation_update(
            organisation=organisation, acting_user=organisation_admin, post_office="Espoo"
        )
        entry = AuditEntry.objects.get(action="organisation.updated")
        assert entry.details["changed"] == {"post_office": ["Helsinki", "Espoo"]}


class TestInvitations:
    def test_invite_and_accept(self, organisation, organisation_admin, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                organisation=organisation,
                email="Newcomer@Example.org",
                role=Membership.Role.MEMBER,
                acting_user=organisation_admin,
            )
        assert invitation.email == "newcomer@example.org"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["newcomer@example.org"]
        assert "Kotipiha ry" in message.subject
        token = message.body.split("/organisations/invitations/")[1].split("/")[0]
        newcomer = UserFactory(email="newcomer@example.org")
        membership = services.invitation_accept(token=token, acting_user=newcomer)
        assert (membership.organisation, membership.role) == (organisation, Membership.Role.MEMBER)
        invitation.refresh_from_db()
        assert invitation.accepted_by == newcomer
        assert Invitation.hash_token(token) == invitation.token_hash
        assert token not in invitation.token_hash

    def test_accept__with_another_address_is_refused(
        self, organisation, organisation_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_create(
                organisation=organisation,
                email="newcomer@example.org",
                role="member",
                acting_user=organisation_admin,
            )
        token = mail.outbox[0].body.split("/organisations/invitations/")[1].split("/")[0]
        stranger = UserFactory(email="stranger@example.org")
        with pytest.raises(ValidationError) as error:
            services.invitation_accept(token=token, acting_user=stranger)
        assert error.value.code == "invitation_other_email"
        assert not Membership.objects.filter(person=stranger).exists()

    def test_accept__expired_is_refused(
        self, organisation, organisation_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                organisation=organisation,
                email="late@example.org",
                role="member",
                acting_user=organisation_admin,
            )
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        token = mail.outbox[0].body.split("/organisations/invitations/")[1].split("/")[0]
        with pytest.raises(ValidationError) as error:
            services.invitation_accept(token=token, acting_user=UserFactory(email="late@example.org"))
        assert error.value.code == "invitation_invalid"
        assert organisation.memberships.count() == 1

    def test_invite__by_plain_member_is_refused(self, organisation, organisation_member):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                organisation=organisation,
                email="x@example.org",
                role="member",
                acting_user=organisation_member,
            )
        assert not Invitation.objects.exists()

    def test_invite__existing_member_is_refused(self, organisation, organisation_admin, organisation_member):
        with pytest.raises(ValidationError) as error:
            services.invitation_create(
                organisation=organisation,
                email=organisation_member.email.upper(),
                role="member",
                acting_user=organisation_admin,
            )
        assert error.value.error_dict["email"][0].code == "already_member"
        assert not Invitation.objects.exists()

    def test_invite__again_replaces_the_pending_invitation(self, organisation, organisation_admin):
        first = services.invitation_create(
            organisation=organisation, email="a@example.org", role="member", acting_user=organisation_admin
        )
        second = services.invitation_create(
            organisation=organisation,
            email="a@example.org",
            role="administrator",
            acting_user=organisation_admin,
        )
        first.refresh_from_db()
        assert first.revoked_at is not None
        assert second.is_pending

    def test_remove__last_administrator_is_refused(self, organisation, organisation_admin):
        membership = Membership.objects.get(person=organisation_admin)
        with pytest.raises(ValidationError) as error:
            services.membership_remove(membership=membership, acting_user=organisation_admin)
        assert error.value.code == "last_administrator"
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_remove__member_by_administrator(self, organisation, organisation_admin, organisation_member):
        membership = Membership.objects.get(person=organisation_member)
        services.membership_remove(membership=membership, acting_user=organisation_admin)
        assert not Membership.objects.filter(pk=membership.pk).exists()
        assert AuditEntry.objects.filter(action="membership.removed").exists()


def test_other_organisations_page_is_not_found(client, organisation, other_organisation_admin):
    sign_in(client, other_organisation_admin)
    assert client.get(reverse("organisations:detail", args=[organisation.pk])).status_code == 404


def test_members_see_their_organisation_but_cannot_edit(client, organisation, organisation_member):
    sign_in(client, organisation_member)
    page = client.get(reverse("organisations:detail", args=[organisation.pk]))
    assert page.status_code == 200
    assert organisation.business_id in page.content.decode()
    assert client.get(reverse("organisations:edit", args=[organisation.pk])).status_code == 403


def test_the_page_shows_the_last_answer_of_e_authorizations_not_an_earlier_officials_verification(
    client, organisation, organisation_admin, settings
):
    # e-Authorizations answers for associations once the deployment is configured for it; the page calls nothing.
    settings.SUOMIFI_AUTHORIZATIONS_URL = "http://127.0.0.1:9"
    settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID = "avust001"
    settings.SUOMIFI_AUTHORIZATIONS_API_KEY = "key"
    settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD = "password"
    StrongIdentityFactory(user=organisation_admin)
    now = timezone.now()
    AuthorityCheckFactory(
        person=organisation_admin,
        organisation=organisation,
        source=AuthoritySource.OFFICIAL_VERIFICATION,
        basis="vahvistanut Virkailija",
        checked_at=now,
    )
    AuthorityCheckFactory(
        person=organisation_admin,
        organisation=organisation,
        allowed=False,
        basis="ei roolia eikä valtuutta",
        checked_at=now - datetime.timedelta(hours=1),
    )
    sign_in(client, organisation_admin)

    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()

    assert "Suomi.fi-valtuudet ei antanut sinulle oikeutta asioida organisaation puolesta" in page
    assert "vahvistanut Virkailija" not in page


class TestRoles:
    def test_member_made_administrator_then_first_administrator_can_step_down(
        self, organisation, organisation_admin, organisation_member
    ):
        member = Membership.objects.get(person=organisation_member)
        services.membership_change_role(
            membership=member, role="administrator", acting_user=organisation_admin
        )
        own = Membership.objects.get(person=organisation_admin)
        services.membership_change_role(membership=own, role="member", acting_user=organisation_admin)
        own.refresh_from_db()
        assert own.role == Membership.Role.MEMBER
        assert AuditEntry.objects.filter(action="membership.role_changed").count() == 2

    def test_last_administrator_cannot_step_down(self, organisation, organisation_admin):
        own = Membership.objects.get(person=organisation_admin)
        with pytest.raises(ValidationError) as error:
            services.membership_change_role(membership=own, role="member", acting_user=organisation_admin)
        assert error.value.code == "last_administrator"
        own.refresh_from_db()
        assert own.role == Membership.Role.ADMINISTRATOR

    def test_unknown_role_is_refused(self, organisation, organisation_admin, organisation_member):
        member = Membership.objects.get(person=organisation_member)
        with pytest.raises(ValidationError) as error:
            services.membership_change_role(membership=member, role="owner", acting_user=organisation_admin)
        assert error.value.code == "invalid_role"
        member.refresh_from_db()
        assert member.role == Membership.Role.MEMBER
