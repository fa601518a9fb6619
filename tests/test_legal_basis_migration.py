"""The migration that gives each programme its legal basis per language keeps what the single field said."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0008_agency_registry_addresses")]
AFTER = [("programmes", "0009_legal_basis_per_language_and_budget_item_per_call")]


@pytest.mark.django_db(transaction=True)
def test_the_single_legal_basis_becomes_the_finnish_one_and_the_default_is_translated():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    agency = old.get_model("programmes", "Agency").objects.create(
        code="TEM",
        name_fi="Työ- ja elinkeinoministeriö",
        name_sv="Arbets- och näringsministeriet",
        name_en="TEM",
    )
    Programme = old.get_model("programmes", "Programme")
    Programme.objects.create(agency=agency, code="default", name_fi="A", name_sv="A", name_en="A")
    Programme.objects.create(
        agency=agency,
        code="own",
        name_fi="B",
        name_sv="B",
        name_en="B",
        legal_basis="Valtionavustuslaki (688/2001); valtioneuvoston asetus (1234/2026)",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("programmes", "Programme")

    default = new.objects.get(code="default")
    assert default.legal_basis_fi == "Valtionavustuslaki (688/2001) 5–7 ja 11 §"
    assert default.legal_basis_sv == "Statsunderstödslagen (688/2001) 5–7 och 11 §"
    own = new.objects.get(code="own")
    assert own.legal_basis_fi == "Valtionavustuslaki (688/2001); valtioneuvoston asetus (1234/2026)"
    # A Swedish text is not invented: a Swedish decision waits until the administrator writes it.
    assert (own.legal_basis_sv, own.legal_basis_en) == ("", "")


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Later migrations of any app, unapplied on the way back, are applied again for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
