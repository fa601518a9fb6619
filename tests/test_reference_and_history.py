import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from avustamo.accounts.models import User
from avustamo.applications.models import Application, Attachment
from avustamo.core.models import AuditEntry
from avustamo.demo.loader import load_demo
from avustamo.organisations.models import Membership, Organisation
from avustamo.programmes.models import Agency, Call, CallStatus, CallTheme, Municipality, Programme, Region
from avustamo.programmes.reference import DATA_DIR, load_reference_data
from avustamo.register.imports import CALLS_FILE, GRANTS_FILE
from avustamo.register.models import PublishedGrant

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Agency,
            Programme,
            Region,
            Municipality,
            Call,
            CallTheme,
            PublishedGrant,
            User,
            Organisation,
            Membership,
            AuditEntry,
            Application,
            Attachment,
        )
    }


class TestReferenceData:
    def test_regions_are_statistics_finland_codes(self, reference_data):
        codes = list(Region.objects.values_list("code", flat=True))
        assert codes == [
            f"{n:02d}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21)
        ]
        assert Region.objects.get(code="21").name_sv == "Åland"

    def test_municipalities_by_kuntanumero_with_validity_years(self, reference_data):
        assert Municipality.objects.get(code="091").name_sv == "Helsingfors"
        assert Municipality.objects.get(code="837").region_id == "06"
        assert Municipality.objects.valid_in(2016).filter(code="174").exists()
        assert not Municipality.objects.valid_in(2017).filter(code="174").exists()
        assert Municipality.objects.valid_in(2026).count() == 309

    def test_programmes_carry_their_rules(self, reference_data):
        talent_hub = Programme.objects.get(code="tem-talent-hub")
        assert talent_hub.agency.code == "TEM"
        assert talent_hub.legal_basis == "Valtionavustuslaki 688/2001"
        assert (talent_hub.default_max_share_percent, talent_hub.default_own_funding_percent) == (
            Decimal("70"),
            Decimal("30"),
        )
        assert talent_hub.eligible_organisation_types == ["municipality"]
        guidance = Programme.objects.get(code="tem-ohjaus-ja-neuvontapalvelut")
        assert set(guidance.eligible_organisation_types) == {"municipality", "joint_municipal_authority"}
        assert guidance.default_max_share_percent == Decimal("70")
        ngo = Programme.objects.get(code="tem-kotoutuminen-jarjestoavustus")
        assert "religious_community" in ngo.eligible_organisation_types
        assert {agency.code for agency in Agency.objects.all()} == {"TEM", "OKM"}

    def test_loading_again_changes_nothing(self, reference_data):
        outcomes = load_reference_data()
        assert outcomes["created"] == outcomes["updated"] == 0


class TestTemHistory:
    def test_import__calls_and_grants_as_published(self):
        call_command("import_tem_history")
        assert Call.objects.count() == 7
        assert PublishedGrant.objects.count() == 53
        assert all(call.status() == CallStatus.CLOSED for call in Call.objects.all())
        call_2016 = Call.objects.get(reference="TEM-KOTO-2016")
        assert call_2016.appropriation == Decimal("800000")
        assert call_2016.history_applications_received == 76
        assert call_2016.grants.count() == call_2016.history_grants_awarded == 11
        assert call_2016.source_url_list[0] == "https://kotouttaminen.fi/rahoitetut-hankkeet-2016"

    def test_import__keeps_names_as_published_and_invents_no_business_ids(self):
        call_command("import_tem_history")
        rädda = PublishedGrant.objects.get(recipient_name="Rädda Barnen rf")
        assert rädda.source_language == "sv"
        assert rädda.amount_awarded == Decimal("92000")
        assert PublishedGrant.objects.filter(recipient_name="Suomen Kylätoiminta ry").exists()
        assert PublishedGrant.objects.filter(recipient_name="Suomen Kylätoimikunta ry").exists()
        assert not PublishedGrant.objects.exclude(recipient_business_id="").exists()
        assert not PublishedGrant.objects.filter(organisation__isnull=False).exists()
        assert PublishedGrant.objects.get(
            recipient_name="Vantaan Monikulttuurinen Liikunta ry"
        ).amount_awarded == Decimal("16900")

    def test_import__totals_per_year_match_the_published_lists(self):
        call_command("import_tem_history")
        totals = dict(
            PublishedGrant.objects.values_list("funding_year")
            .annotate(total=Sum("amount_awarded"))
            .order_by("funding_year")
        )
        counts = {year: PublishedGrant.objects.filter(funding_year=year).count() for year in totals}
        assert counts == {2016: 11, 2017: 10, 2018: 9, 2020: 10, 2021: 13}
        assert totals[2020] == Decimal("590000")

    def test_import__running_again_changes_nothing(self, capsys):
        call_command("import_tem_history")
        before = _counts()
        call_command("import_tem_history")
        assert _counts() == before
        assert "0 created, 0 updated, 7 unchanged" in capsys.readouterr().out

    def test_import__from_another_directory(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        shutil.copy(DATA_DIR / GRANTS_FILE, tmp_path)
        call_command("import_tem_history", str(tmp_path))
        assert PublishedGrant.objects.count() == 53

    def test_import__missing_file_imports_nothing(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import_tem_history", str(tmp_path))
        assert not Call.objects.exists()

    def test_import__grant_of_unknown_call_imports_nothing(self, tmp_path):
        shutil.copy(DATA_DIR / CALLS_FILE, tmp_path)
        text = (DATA_DIR / GRANTS_FILE).read_text(encoding="utf-8")
        (tmp_path / GRANTS_FILE).write_text(
            text + "TEM-KOTO-1999,1999,TEM,Tuntematon ry,fi,,1000,https://example.org,\n", encoding="utf-8"
        )
        with pytest.raises(CommandError, match="TEM-KOTO-1999"):
            call_command("import_tem_history", str(tmp_path))
        assert not Call.objects.exists()
        assert not PublishedGrant.objects.exists()


def test_demo__loading_twice_changes_nothing():
    load_demo()
    before = _counts()
    load_demo()
    assert _counts() == before
    assert before["Call"] == 13
    open_programmes = {call.programme.code for call in Call.objects.with_status(CallStatus.OPEN)}
    assert len(open_programmes) == 4
    assert Call.objects.with_status(CallStatus.UPCOMING).exists()
    applicant_a = Organisation.objects.get(memberships__person__email="applicant-a@example.org")
    applicant_b = Organisation.objects.get(memberships__person__email="applicant-b@example.org")
    assert applicant_a != applicant_b
    assert User.objects.get(email="official@example.org").is_staff
    submitted = Application.objects.get(organisation=applicant_a)
    assert submitted.status == "submitted" and submitted.register_number.startswith("TEM/")
    assert submitted.attachments.count() == submitted.call.required_attachments.count() == 3
    assert Application.objects.get(organisation=applicant_b).status == "draft"
