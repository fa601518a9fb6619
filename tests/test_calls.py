import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from avustamo.core.dates import HELSINKI, helsinki_datetime
from avustamo.core.models import AuditEntry
from avustamo.programmes import services
from avustamo.programmes.models import Call, CallStatus
from avustamo.programmes.selectors import public_calls
from tests.access import sign_in
from tests.factories import (
    CallDeclarationFactory,
    CallFactory,
    CallThemeFactory,
    EvaluationCriterionFactory,
    ProgrammeFactory,
    RequiredAttachmentFactory,
    UserFactory,
    next_year,
)

pytestmark = pytest.mark.django_db


def call_fields(**overrides):
    fields = {
        "reference": "TEM-KOTO-2027",
        "title_fi": "Järjestöavustus 2027",
        "title_sv": "Organisationsstöd 2027",
        "description_fi": "Kuvaus",
        "description_sv": "Beskrivning",
        "opens_at": helsinki_datetime(datetime.date(2026, 12, 1), datetime.time(8, 0)),
        "closes_at": helsinki_datetime(datetime.date(2027, 1, 15), datetime.time(16, 15)),
        "appropriation": Decimal("600000.00"),
        "min_grant": Decimal("20000.00"),
        "max_grant": Decimal("100000.00"),
        "period_earliest_start": datetime.date(2027, 1, 1),
        "period_latest_end": datetime.date(2028, 3, 31),
        "eligible_organisation_types": ["registered_association", "foundation"],
    }
    return fields | overrides


class TestStatusFollowsTheClock:
    def test_status_changes_at_the_second_of_opening_and_closing(self):
        call = CallFactory()
        assert call.status(now=call.opens_at - datetime.timedelta(seconds=1)) == CallStatus.UPCOMING
        assert call.status(now=call.opens_at) == CallStatus.OPEN
        assert call.status(now=call.closes_at - datetime.timedelta(seconds=1)) == CallStatus.OPEN
        assert call.status(now=call.closes_at) == CallStatus.CLOSED

    def test_unpublished_call_is_a_draft_whatever_the_time(self):
        assert CallFactory(draft=True).status() == CallStatus.DRAFT

    def test_public_lists_agree_with_status_and_hide_drafts(self):
        open_call, upcoming, closed = CallFactory(), CallFactory(upcoming=True), CallFactory(closed=True)
        CallFactory(draft=True)
        assert list(public_calls(status=CallStatus.OPEN)) == [open_call]
        assert list(public_calls(status=CallStatus.UPCOMING)) == [upcoming]
        assert list(public_calls(status=CallStatus.CLOSED)) == [closed]

    def test_closing_moment_is_helsinki_wall_clock_time_across_daylight_saving(self):
        summer = helsinki_datetime(datetime.date(2027, 6, 1), datetime.time(16, 15))
        winter = helsinki_datetime(datetime.date(2027, 1, 15), datetime.time(16, 15))
        assert summer.astimezone(datetime.UTC).hour == 13
        assert winter.astimezone(datetime.UTC).hour == 14


class TestCreateAndValidate:
    def test_create__fills_programme_defaults_and_audits(self, official):
        programme = ProgrammeFactory(talent_hub=True)
        call = services.call_create(
            programme=programme,
            acting_user=official,
            **call_fields(eligible_organisation_types=["municipality"]),
        )
        assert call.max_share_percent == Decimal("70.00")
        assert call.own_funding_min_percent == Decimal("30.00")
        assert call.published_at is None
        assert AuditEntry.objects.filter(
            action="call.created", target_id=str(call.pk), actor=official
        ).exists()

    def test_create__by_applicant_is_refused(self):
        with pytest.raises(PermissionDenied):
            services.call_create(programme=ProgrammeFactory(), acting_user=UserFactory(), **call_fields())
        assert not Call.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field", "code"),
        [
            (
                {"closes_at": helsinki_datetime(datetime.date(2026, 11, 30), datetime.time(16, 15))},
                "closes_at",
                "closes_before_opening",
            ),
            ({"min_grant": Decimal("200000.00")}, "min_grant", "min_above_max"),
            ({"max_grant": Decimal("700000.00"), "min_grant": None}, "max_grant", "max_above_appropriation"),
            (
                {"period_latest_end": datetime.date(2026, 12, 31)},
                "period_latest_end",
                "period_ends_before_start",
            ),
            (
                {"eligible_organisation_types": ["municipality"]},
                "eligible_organisation_types",
                "type_outside_programme",
            ),
            (
                {"eligible_organisation_types": ["guild"]},
                "eligible_organisation_types",
                "unknown_organisation_type",
            ),
        ],
    )
    def test_create__refuses_inconsistent_call_and_saves_nothing(self, official, overrides, field, code):
        with pytest.raises(ValidationError) as error:
            services.call_create(
                programme=ProgrammeFactory(), acting_user=official, **call_fields(**overrides)
            )
        assert code in [item.code for item in error.value.error_dict[field]]
        assert not Call.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_create__negative_amount_is_refused(self, official):
        with pytest.raises(ValidationError) as error:
            services.call_create(
                programme=ProgrammeFactory(), acting_user=official, **call_fields(appropriation=Decimal("-1"))
            )
        assert "appropriation" in error.value.error_dict
        assert not Call.objects.exists()

    def test_form__reports_rule_on_its_field(self, client, official):
        programme = ProgrammeFactory()
        sign_in(client, official)
        data = {
            "reference": "TEM-KOTO-2027",
            "title_fi": "Haku",
            "opens_at_0": "2027-01-15",
            "opens_at_1": "08:00",
            "closes_at_0": "2027-01-01",
            "closes_at_1": "16:15",
            "eligible_organisation_types": ["registered_association"],
            "min_reviewers": "2",
            "extension_notice_days": "30",
        }
        for name in ("themes", "declarations", "criteria", "required_attachments"):
            data |= {f"{name}-TOTAL_FORMS": "1", f"{name}-INITIAL_FORMS": "0"}
        data["criteria-0-weight"] = "1"  # the empty row's initial weight, as a browser posts it
        response = client.post(reverse("official:call_create") + f"?programme={programme.code}", data)
        assert response.status_code == 422
        assert 'href="#id_closes_at_0"' in response.content.decode()
        assert not Call.objects.exists()

    def test_form__times_are_entered_in_helsinki_time(self, client, official):
        programme = ProgrammeFactory()
        sign_in(client, official)
        data = {
            "reference": "TEM-KOTO-2027",
            "title_fi": "Haku",
            "opens_at_0": "2027-01-02",
            "opens_at_1": "08:00",
            "closes_at_0": "2027-06-15",
            "closes_at_1": "16:15",
            "eligible_organisation_types": ["registered_association"],
            "min_reviewers": "2",
            "extension_notice_days": "30",
            "themes-TOTAL_FORMS": "2",
            "themes-INITIAL_FORMS": "0",
            "themes-0-name_fi": "Perheet",
            "themes-1-name_fi": "",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-name_fi": "Vaikuttavuus",
            "criteria-0-weight": "2",
        }
        for name in ("declarations", "required_attachments"):
            data |= {f"{name}-TOTAL_FORMS": "1", f"{name}-INITIAL_FORMS": "0"}
        response = client.post(reverse("official:call_create") + f"?programme={programme.code}", data)
        call = Call.objects.get()
        assert response.status_code == 302
        assert call.closes_at == datetime.datetime(2027, 6, 15, 16, 15, tzinfo=HELSINKI)
        assert call.closes_at.astimezone(datetime.UTC).hour == 13
        assert [theme.name_fi for theme in call.themes.all()] == ["Perheet"]
        assert [(criterion.name_fi, criterion.weight) for criterion in call.criteria.all()] == [
            ("Vaikuttavuus", 2)
        ]


class TestEditCopyPublish:
    def test_edit__closed_call_is_refused(self, official):
        call = CallFactory(closed=True)
        with pytest.raises(ValidationError) as error:
            services.call_update(call=call, acting_user=official, title_fi="Muutettu")
        assert error.value.code == "call_closed"
        call.refresh_from_db()
        assert call.title_fi != "Muutettu"

    def test_copy__keeps_parts_moves_period_and_stays_unpublished(self, official):
        source = CallFactory(closed=True, reference="TEM-KOTO-2026")
        CallThemeFactory(call=source)
        CallDeclarationFactory(call=source)
        EvaluationCriterionFactory(call=source)
        RequiredAttachmentFactory(call=source)
        opens_at = source.opens_at.replace(year=source.opens_at.year + 1)
        closes_at = source.closes_at.replace(year=source.closes_at.year + 1)
        copy = services.call_copy(
            source=source,
            acting_user=official,
            reference=services.suggested_copy_reference(source),
            opens_at=opens_at,
            closes_at=closes_at,
        )
        assert copy.reference == "TEM-KOTO-2027"
        assert copy.published_at is None and copy.copied_from == source
        year_after_next = next_year()[0].year + 1  # the source's period is next year, as CallFactory's
        assert copy.period_earliest_start == datetime.date(year_after_next, 1, 1)
        assert copy.period_latest_end == datetime.date(year_after_next, 12, 31)
        for name in ("themes", "declarations", "criteria", "required_attachments"):
            assert getattr(copy, name).count() == 1, name
        assert copy.criteria.get().weight == Decimal("2")
        assert source.themes.count() == 1

    def test_copy__reference_must_be_unique(self, official):
        source = CallFactory(reference="TEM-KOTO-2026")
        with pytest.raises(ValidationError) as error:
            services.call_copy(
                source=source,
                acting_user=official,
                reference="TEM-KOTO-2026",
                opens_at=source.opens_at,
                closes_at=source.closes_at,
            )
        assert "reference" in error.value.error_dict
        assert Call.objects.count() == 1

    def test_publish__lists_what_is_missing_and_publishes_nothing(self, official):
        call = CallFactory(draft=True, title_sv="", eligible_organisation_types=[])
        with pytest.raises(ValidationError) as error:
            services.call_publish(call=call, acting_user=official)
        codes = {item.code for item in error.value.error_list}
        assert codes == {"title_sv_missing", "no_eligible_types", "no_criteria"}
        call.refresh_from_db()
        assert call.published_at is None

    def test_publish__complete_call_becomes_public(self, official, client):
        call = CallFactory(draft=True)
        EvaluationCriterionFactory(call=call)
        assert client.get(reverse("programmes:call_detail", args=[call.pk])).status_code == 404
        services.call_publish(call=call, acting_user=official)
        assert client.get(reverse("programmes:call_detail", args=[call.pk])).status_code == 200
        assert AuditEntry.objects.filter(action="call.published", target_id=str(call.pk)).exists()

    def test_unpublish__open_call_is_refused(self, official):
        call = CallFactory()
        with pytest.raises(ValidationError) as error:
            services.call_unpublish(call=call, acting_user=official)
        assert error.value.code == "call_not_upcoming"
        call.refresh_from_db()
        assert call.published_at is not None


class TestPublicCallPage:
    def test_open_call_shows_deadline_in_helsinki_time_and_eligibility(self, client):
        closes_at = timezone.now() + datetime.timedelta(days=3)
        closes_at = closes_at.astimezone(HELSINKI).replace(hour=16, minute=15, second=0, microsecond=0)
        call = CallFactory(
            closes_at=closes_at, eligible_organisation_types=["registered_association", "foundation"]
        )
        CallDeclarationFactory(call=call)
        page = client.get(reverse("programmes:call_detail", args=[call.pk])).content.decode()
        assert f"{closes_at.day}.{closes_at.month}.{closes_at.year} klo 16.15" in page
        assert "Hakijalla on vähintään kahden vuoden kokemus" in page
        assert "600\xa0000\xa0€" in page

    def test_swedish_page_uses_swedish_texts(self, client):
        call = CallFactory()
        page = client.get(f"/sv/calls/{call.pk}/").content.decode()
        assert '<html lang="sv">' in page
        assert call.title_sv in page

    def test_theme_in_finnish_only_is_marked_as_finnish_on_swedish_page(self, client):
        call = CallFactory()
        CallThemeFactory(call=call, name_sv="", name_en="", name_fi="Pienet yhdistykset")
        page = client.get(f"/sv/calls/{call.pk}/").content.decode()
        assert '<li lang="fi">Pienet yhdistykset</li>' in page
