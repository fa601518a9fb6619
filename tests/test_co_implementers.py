"""Joint projects with co-implementers (issue 19 §1): the call's rules, the co-implementers an application names,
the joint budget and its rules, and what the copies show."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.applications import services
from avustamo.applications.documents import application_pdf
from avustamo.applications.models import CoImplementer
from avustamo.core.models import AuditEntry
from avustamo.programmes import services as call_services
from avustamo.programmes.models import Call
from tests.access import sign_in
from tests.factories import (
    CallFactory,
    CallFormFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
    complete_answers,
    valid_business_id,
)

pytestmark = pytest.mark.django_db

PARTNER_ID = valid_business_id(7101)
SECOND_PARTNER_ID = valid_business_id(7102)


def joint_call(**fields) -> Call:
    """A Talent Hub-like call: co-implementers allowed, the grant at most 70 %, own funding at least 30 % of the
    whole and of each co-implementer's part."""
    call = CallFactory(
        **{
            "co_implementers_allowed": True,
            "own_funding_min_per_co_implementer": True,
            "max_share_percent": Decimal("70.00"),
            "own_funding_min_percent": Decimal("30.00"),
            "max_grant": Decimal("200000.00"),
        }
        | fields
    )
    CallFormFactory(call=call)
    RegionFactory()
    return call


def partner(
    business_id=PARTNER_ID, name="Tampereen yliopisto", *, personnel="35000.00", own="20000.00", **more
):
    return {
        "business_id": business_id,
        "name": name,
        "costs": {"personnel": personnel},
        "own_funding": own,
        "contact_name": "Maija Mallikas",
        "contact_email": "maija@example.org",
        "contact_phone": "+358 40 123 4567",
    } | more


@pytest.fixture
def applicant(organisation):
    return MembershipFactory(organisation=organisation).person


@pytest.fixture
def call():
    return joint_call()


@pytest.fixture
def draft(call, organisation, applicant):
    """The lead's own part: costs 65 000 €, income 5 000 €, own funding 10 000 € (complete_answers)."""
    draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
    return services.application_save(
        application=draft, answers=complete_answers(call), version=draft.version, acting_user=applicant
    )


def add(draft, applicant, *, personnel="35000.00", own="20000.00", **fields):
    return services.co_implementer_add(
        application=draft, acting_user=applicant, **(partner(personnel=personnel, own=own) | fields)
    )


def codes(problems) -> dict[str, str]:
    return {problem["code"]: problem["message"] for problem in problems}


def sending_problems(draft):
    draft.refresh_from_db()
    with translation.override("en"):
        return codes(services.sending_problems(draft, []))


class TestCallSettings:
    def test_the_rule_for_each_co_implementer_needs_co_implementers_and_a_minimum(self):
        call = CallFactory.build(co_implementers_allowed=False, own_funding_min_per_co_implementer=True)
        with pytest.raises(ValidationError) as error:
            call.clean()
        assert (
            error.value.error_dict["own_funding_min_per_co_implementer"][0].code
            == "co_implementers_not_allowed"
        )
        call = CallFactory.build(
            co_implementers_allowed=True,
            own_funding_min_per_co_implementer=True,
            own_funding_min_percent=None,
        )
        with pytest.raises(ValidationError) as error:
            call.clean()
        assert (
            error.value.error_dict["own_funding_min_per_co_implementer"][0].code == "no_own_funding_minimum"
        )

    def test_a_call_cannot_stop_allowing_co_implementers_an_application_names(self, draft, applicant, call):
        manager = UserFactory(roles=["programme_manager"])
        add(draft, applicant)
        with pytest.raises(ValidationError) as error:
            call_services.call_update(
                call=call,
                acting_user=manager,
                co_implementers_allowed=False,
                own_funding_min_per_co_implementer=False,
            )
        assert error.value.error_dict["co_implementers_allowed"][0].code == "co_implementers_in_use"
        call.refresh_from_db()
        assert call.co_implementers_allowed

    def test_the_officials_call_editor_sets_the_rules(self, client):
        manager = UserFactory(roles=["programme_manager"])
        call = CallFactory(draft=True, own_funding_min_percent=Decimal("30.00"))
        CallFormFactory(call=call)
        sign_in(client, manager)
        page = client.get(reverse("official:call_edit", args=[call.pk]))
        assert b'name="co_implementers_allowed"' in page.content
        assert b'name="own_funding_min_per_co_implementer"' in page.content

    def test_a_copy_keeps_the_rules(self, call):
        manager = UserFactory(roles=["programme_manager"])
        copy = call_services.call_copy(
            source=call,
            acting_user=manager,
            reference="TEM-COPY",
            opens_at=call.opens_at,
            closes_at=call.closes_at,
        )
        assert copy.co_implementers_allowed and copy.own_funding_min_per_co_implementer

    def test_the_public_call_page_tells_the_rules(self, client, call):
        page = client.get(f"/en/calls/{call.pk}/").content.decode()
        assert "own funding is at least 30 % of its part" in page

    def test_the_api_tells_the_rules(self, client, call):
        body = client.get(f"/api/v1/calls/{call.pk}").json()
        assert body["co_implementers_allowed"] is True
        assert body["own_funding_min_per_co_implementer"] is True


class TestNamingCoImplementers:
    def test_added_with_its_part_and_contact_audited_and_the_version_grows(self, draft, applicant):
        version = draft.version
        co_implementer = add(draft, applicant)
        assert co_implementer.business_id == PARTNER_ID
        assert co_implementer.costs == {"personnel": "35000.00"}
        assert co_implementer.own_funding == Decimal("20000.00")
        draft.refresh_from_db()
        assert draft.version == version + 1
        entry = AuditEntry.objects.get(action="application.co_implementer_added")
        assert entry.details["co_implementer"] == PARTNER_ID

    @pytest.mark.parametrize(
        ("fields", "field", "code"),
        [
            ({"business_id": "1234567-8"}, "business_id", "business_id_checksum"),
            ({"business_id": "Y-tunnus"}, "business_id", "business_id_format"),
            ({"name": " "}, "name", "required"),
            ({"contact_name": ""}, "contact_name", "required"),
            ({"contact_email": "maija"}, "contact_email", "email"),
            ({"contact_phone": "soita"}, "contact_phone", "phone"),
            ({"costs": {"personnel": "-1"}}, "cost_personnel", "not_an_amount"),
            ({"costs": {"personnel": "10.001"}}, "cost_personnel", "not_an_amount"),
            ({"costs": {"catering": "10"}}, "costs", "unknown_cost_category"),
            ({"own_funding": "kymppi"}, "own_funding", "not_an_amount"),
        ],
    )
    def test_refused_field_by_field_and_nothing_saved(self, draft, applicant, fields, field, code):
        version = draft.version
        with pytest.raises(ValidationError) as error:
            add(draft, applicant, **fields)
        assert error.value.error_dict[field][0].code == code
        assert not CoImplementer.objects.exists()
        draft.refresh_from_db()
        assert draft.version == version

    def test_the_applicant_itself_or_the_same_one_twice_is_refused(self, draft, applicant, organisation):
        with pytest.raises(ValidationError) as error:
            add(draft, applicant, business_id=organisation.business_id)
        assert error.value.error_dict["business_id"][0].code == "co_implementer_is_applicant"
        add(draft, applicant)
        with pytest.raises(ValidationError) as error, translation.override("en"):
            add(draft, applicant, name="Sama uudestaan")
        assert error.value.message_dict["business_id"] == [
            f"{PARTNER_ID} is already a co-implementer of this application."
        ]
        assert CoImplementer.objects.count() == 1

    def test_refused_when_the_call_does_not_allow_co_implementers(self, organisation, applicant):
        call = CallFactory()
        CallFormFactory(call=call)
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        with pytest.raises(ValidationError) as error, translation.override("en"):
            add(draft, applicant)
        assert error.value.code == "co_implementers_not_allowed"
        assert error.value.messages == ["This call does not allow co-implementers."]
        assert not CoImplementer.objects.exists()

    def test_only_a_member_of_the_applicant_names_them(self, draft):
        with pytest.raises(PermissionDenied):
            add(draft, MembershipFactory().person)
        assert not CoImplementer.objects.exists()

    def test_not_after_sending(self, draft, applicant):
        add(draft, applicant)
        services.application_submit(application=draft, acting_user=applicant)
        with pytest.raises(ValidationError) as error:
            add(draft, applicant, business_id=SECOND_PARTNER_ID)
        assert error.value.code == "not_a_draft"
        assert CoImplementer.objects.count() == 1

    def test_changed_and_removed(self, draft, applicant):
        co_implementer = add(draft, applicant)
        changed = services.co_implementer_change(
            co_implementer=co_implementer, acting_user=applicant, own_funding="25000.00", name="TAU"
        )
        assert (changed.name, changed.own_funding, changed.costs) == (
            "TAU",
            Decimal("25000.00"),
            {"personnel": "35000.00"},
        )
        with pytest.raises(ValidationError):
            services.co_implementer_change(
                co_implementer=co_implementer, acting_user=applicant, contact_email="x"
            )
        co_implementer.refresh_from_db()
        assert co_implementer.contact_email == "maija@example.org"
        services.co_implementer_remove(co_implementer=co_implementer, acting_user=applicant)
        assert not CoImplementer.objects.exists()
        assert AuditEntry.objects.filter(action="application.co_implementer_removed").count() == 1


class TestJointBudgetRules:
    """The lead: costs 65 000, income 5 000, own 10 000. With the partner (costs 35 000, own 20 000) the whole is
    costs 100 000, own funding 30 000 (30 %), grant 65 000 (65 %)."""

    def test_the_whole_meets_the_rules_and_is_what_is_sent(self, draft, applicant):
        add(draft, applicant)
        assert sending_problems(draft) == {}
        submitted = services.application_submit(application=draft, acting_user=applicant)
        assert submitted.total_eligible_costs == Decimal("100000.00")
        assert submitted.own_funding == Decimal("30000.00")
        assert submitted.requested_amount == Decimal("65000.00")
        kept = submitted.submitted_versions.get().co_implementers
        assert [(row["business_id"], row["costs"], row["own_funding"]) for row in kept] == [
            (PARTNER_ID, {"personnel": "35000.00"}, "20000.00")
        ]

    def test_the_lead_alone_misses_the_own_funding_minimum(self, draft):
        problems = sending_problems(draft)
        assert "own_funding_too_small" in problems
        assert "co-implementers" not in problems["own_funding_too_small"]

    def test_the_whole_is_refused_with_a_message_that_says_so(self, draft, applicant):
        # Own funding 29 990 of 100 000: 29.99 %, just under the 30 % of the whole.
        add(draft, applicant, own="19990.00")
        problems = sending_problems(draft)
        assert problems["own_funding_too_small"].startswith("The whole project with its co-implementers:")
        assert "29.99" in problems["own_funding_too_small"]
        with pytest.raises(services.SubmissionRefused):
            services.application_submit(application=draft, acting_user=applicant)
        draft.refresh_from_db()
        assert draft.status == "draft" and draft.register_number is None

    def test_the_whole_grant_above_the_maximum_share(self, applicant, organisation):
        call = joint_call(own_funding_min_percent=Decimal("10.00"), max_share_percent=Decimal("60.00"))
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        draft = services.application_save(
            application=draft, answers=complete_answers(call), version=draft.version, acting_user=applicant
        )
        add(draft, applicant)  # grant 65 % of the whole
        assert "share_too_large" in sending_problems(draft)

    def test_each_co_implementer_reaches_the_minimum_at_its_edge(self, draft, applicant):
        # A second partner with costs 10 000: own funding 3 000 is exactly 30 %, 2 999 is not.
        add(draft, applicant, own="23000.00")
        second = add(
            draft,
            applicant,
            business_id=SECOND_PARTNER_ID,
            name="Pirkan Opisto",
            personnel="10000.00",
            own="3000.00",
        )
        assert sending_problems(draft) == {}
        services.co_implementer_change(co_implementer=second, acting_user=applicant, own_funding="2999.00")
        problems = sending_problems(draft)
        assert set(problems) == {"co_implementer_own_funding_too_small"}
        assert "Pirkan Opisto" in problems["co_implementer_own_funding_too_small"]
        assert "29.99" in problems["co_implementer_own_funding_too_small"]

    def test_each_co_implementer_is_free_where_the_call_says_only_the_whole(self, applicant, organisation):
        call = joint_call(own_funding_min_per_co_implementer=False)
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        draft = services.application_save(
            application=draft,
            answers=complete_answers(call)
            | {
                "budget": {
                    "costs": {"personnel": "60000.00", "rents": "5000.00"},
                    "income": "5000.00",
                    "own_funding": "27000.00",
                }
            },
            version=draft.version,
            acting_user=applicant,
        )
        add(
            draft, applicant, own="3000.00"
        )  # 3 000 of 35 000 for the partner; the whole has 30 000 of 100 000
        assert sending_problems(draft) == {}

    def test_a_co_implementer_without_costs_or_with_more_own_funding_than_costs(self, draft, applicant):
        co_implementer = add(draft, applicant, personnel="0", own="0")
        assert "Tampereen yliopisto" in sending_problems(draft)["co_implementer_costs_missing"]
        services.co_implementer_change(
            co_implementer=co_implementer,
            acting_user=applicant,
            costs={"rents": "100.00"},
            own_funding="200.00",
        )
        assert "co_implementer_own_funding_above_costs" in sending_problems(draft)


class TestPages:
    def test_added_on_its_own_page_without_javascript_and_shown_with_the_breakdown(
        self, client, draft, applicant
    ):
        sign_in(client, applicant)
        page = client.get(reverse("applications:edit", args=[draft.pk]))
        assert reverse("applications:co_implementer_add", args=[draft.pk]).encode() in page.content
        posted = {
            "business_id": PARTNER_ID,
            "name": "Tampereen yliopisto",
            "cost_personnel": "35 000,00",
            "own_funding": "20 000",
            "contact_name": "Maija Mallikas",
            "contact_email": "maija@example.org",
        }
        response = client.post(reverse("applications:co_implementer_add", args=[draft.pk]), posted)
        assert response.status_code == 302
        page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
        assert "Tampereen yliopisto" in page and PARTNER_ID in page
        assert "100\xa0000\xa0€" in page  # the whole project's costs
        check = client.get(reverse("applications:check", args=[draft.pk])).content.decode()
        assert "Tampereen yliopisto" in check and "65\xa0000\xa0€" in check
        assert reverse("applications:edit", args=[draft.pk]) + "#co-implementers-heading" in check

    def test_a_refused_co_implementer_shows_the_form_again_with_the_reason(self, client, draft, applicant):
        sign_in(client, applicant)
        response = client.post(
            reverse("applications:co_implementer_add", args=[draft.pk]),
            {
                "business_id": "1234567-8",
                "name": "Väärä",
                "contact_name": "X",
                "contact_email": "x@example.org",
            },
        )
        assert response.status_code == 422
        content = response.content.decode()
        assert 'class="field form-field field-text has-error"' in content and "1234567-8" in content
        assert not CoImplementer.objects.exists()

    def test_removal_asks_first(self, client, draft, applicant):
        co_implementer = add(draft, applicant)
        sign_in(client, applicant)
        url = reverse("applications:co_implementer_remove", args=[draft.pk, co_implementer.pk])
        asking = client.post(url)
        assert asking.status_code == 200 and "Tampereen yliopisto" in asking.content.decode()
        assert CoImplementer.objects.exists()
        client.post(url, {"confirmed": "yes"})
        assert not CoImplementer.objects.exists()

    def test_no_page_for_a_call_without_co_implementers(self, client, organisation, applicant):
        call = CallFactory()
        CallFormFactory(call=call)
        draft = services.application_start(call=call, organisation=organisation, acting_user=applicant)
        sign_in(client, applicant)
        assert client.get(reverse("applications:co_implementer_add", args=[draft.pk])).status_code == 404
        assert (
            b"co-implementers-heading"
            not in client.get(reverse("applications:edit", args=[draft.pk])).content
        )

    def test_the_pages_make_as_many_statements_for_three_co_implementers_as_for_one(
        self, client, draft, applicant
    ):
        sign_in(client, applicant)
        add(draft, applicant)
        counts = []
        for number in (1, 3):
            while draft.co_implementers.count() < number:
                add(
                    draft,
                    applicant,
                    business_id=valid_business_id(7200 + draft.co_implementers.count()),
                    own="0",
                )
            with CaptureQueriesContext(connection) as edit, CaptureQueriesContext(connection):
                client.get(reverse("applications:edit", args=[draft.pk]))
            with CaptureQueriesContext(connection) as check:
                client.get(reverse("applications:check", args=[draft.pk]))
            counts.append((len(edit), len(check)))
        assert counts[0] == counts[1]

    @pytest.mark.reads_pdf
    def test_the_pdf_copy_lists_the_co_implementers_as_sent(self, draft, applicant):
        add(draft, applicant)
        submitted = services.application_submit(application=draft, acting_user=applicant)
        sent = submitted.submitted_versions.get()
        CoImplementer.objects.update(name="Muutettu myöhemmin")
        with translation.override("fi"):
            content = application_pdf(submitted, "fi", sent=sent)
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Tampereen yliopisto" in text and PARTNER_ID in text
        assert "Osatoteuttajat" in text


ROLES = ["anonymous", "member", "org_admin", "other_org_admin", "official", "administrator"]


class TestPermissions:
    @pytest.fixture
    def people(self, organisation, applicant):
        return {
            "anonymous": None,
            "member": applicant,
            "org_admin": MembershipFactory(organisation=organisation, administrator=True).person,
            "other_org_admin": MembershipFactory(administrator=True).person,
            "official": UserFactory(roles=["programme_manager"]),
            "administrator": UserFactory(administrator=True),
        }

    def _status(self, person, method, path, data=None):
        client = Client()
        if person is not None:
            sign_in(client, person)
        response = client.get(path) if method == "GET" else client.post(path, data or {})
        if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
            return "login"
        return response.status_code

    def test_only_the_applicants_people_see_and_change_the_co_implementers(self, draft, applicant, people):
        co_implementer = add(draft, applicant)
        pages = {
            ("GET", reverse("applications:co_implementer_add", args=[draft.pk])): 200,
            ("GET", reverse("applications:co_implementer_change", args=[draft.pk, co_implementer.pk])): 200,
            ("POST", reverse("applications:co_implementer_remove", args=[draft.pk, co_implementer.pk])): 200,
        }
        for (method, path), allowed in pages.items():
            got = {role: self._status(person, method, path) for role, person in people.items()}
            assert got == {
                "anonymous": "login",
                "member": allowed,
                "org_admin": allowed,
                "other_org_admin": 404,
                "official": 404,
                "administrator": 404,
            }, path
        assert CoImplementer.objects.count() == 1  # the removal only asked, for those allowed

    def test_the_api_for_the_applicants_token_only(self, client, draft, applicant, people):
        def headers(person):
            token = api_token_create(name="t", scope=ApiToken.Scope.READ_WRITE, acting_user=person)[1]
            return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        path = f"/api/v1/applications/{draft.pk}/co-implementers"
        body = json.dumps(partner())
        stranger = client.post(
            path, body, content_type="application/json", **headers(people["other_org_admin"])
        )
        assert stranger.status_code == 404
        assert not CoImplementer.objects.exists()
        created = client.post(path, body, content_type="application/json", **headers(applicant))
        assert created.status_code == 201, created.content
        assert created.json()["costs"] == {"personnel": "35000.00"}
        own = headers(applicant)
        detail = client.get(f"/api/v1/applications/{draft.pk}", **own).json()
        assert [item["business_id"] for item in detail["co_implementers"]] == [PARTNER_ID]
        item = f"{path}/{created.json()['id']}"
        refused = client.patch(
            item, json.dumps({"contact_email": "x"}), content_type="application/json", **own
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "contact_email"
        changed = client.patch(
            item, json.dumps({"own_funding": "21000"}), content_type="application/json", **own
        )
        assert changed.json()["own_funding"] == "21000.00"
        assert client.delete(item, **headers(people["other_org_admin"])).status_code == 404
        assert client.delete(item, **own).status_code == 204
        assert not CoImplementer.objects.exists()
