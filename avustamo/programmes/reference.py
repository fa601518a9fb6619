"""The reference data the service ships with: the code lists (`avustamo.reference`), agencies and the
integration programmes."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from avustamo.organisations.models import OrganisationType
from avustamo.programmes.models import Agency, GrantType, Programme
from avustamo.reference.code_lists import load_code_lists

DATA_DIR = Path(__file__).resolve().parent / "data"
# The Integration Act (laki kotoutumisen edistämisestä 681/2023, in force from 1 January 2025) is the special act of
# the integration programmes; each decision names it beside the general act (GENERAL_ACT in programmes.models).
INTEGRATION_ACT = {
    "special_act_fi": "Laki kotoutumisen edistämisestä (681/2023)",
    "special_act_sv": "Lag om främjande av integration (681/2023)",
    "special_act_en": "Act on the Promotion of Immigrant Integration (681/2023)",
}
# The State budget item (momentti) of TEM's integration grants to associations and municipalities, 32.50.30
# "Kotouttaminen", is not verified against a budget; Talent Hub's 32.30.40 is (TEM decision of 2021). Administrators
# correct them per programme or per call.
INTEGRATION_BUDGET_ITEM = "32.50.30"

AGENCIES = [
    {
        "code": "TEM",
        "name_fi": "Työ- ja elinkeinoministeriö",
        "name_sv": "Arbets- och näringsministeriet",
        "name_en": "Ministry of Economic Affairs and Employment",
        "website": "https://tem.fi",
        "registry_postal_address": "PL 32 / PB 32\n00023 Valtioneuvosto / Statsrådet",
        "registry_email": "kirjaamo.tem@gov.fi",
        "registry_visiting_address": "Aleksanterinkatu 4, Helsinki",
    },
    {
        # TEM decides the guidance and counselling grants; KEHA-keskus pays them (GRANTS_FI.md). Its names in Swedish
        # and English are as on its website; the names and its successor after the 2025 reform are not verified.
        "code": "KEHA",
        "name_fi": "Kehittämis- ja hallintokeskus (KEHA-keskus)",
        "name_sv": "Utvecklings- och förvaltningscentret (KEHA-centret)",
        "name_en": "Development and Administrative Services Centre (KEHA Centre)",
        "website": "https://www.keha-keskus.fi",
    },
    {
        "code": "OKM",
        "name_fi": "Opetus- ja kulttuuriministeriö",
        "name_sv": "Undervisnings- och kulturministeriet",
        "name_en": "Ministry of Education and Culture",
        "website": "https://okm.fi",
    },
]

NGO_PROGRAMME = "tem-kotoutuminen-jarjestoavustus"

PROGRAMMES = [
    {
        "agency": "TEM",
        "code": NGO_PROGRAMME,
        "name_fi": "Järjestöavustus kotoutumista edistävään toimintaan",
        "name_sv": "Organisationsstöd för verksamhet som främjar integration",
        "name_en": "Grant to organisations for integration work",
        "description_fi": (
            "Valtionavustus rekisteröityneille yhdistyksille ja säätiöille hankkeisiin, jotka tukevat "
            "maahanmuuttaneiden kotoutumista. Haun painopiste vaihtuu vuosittain. Uskonnolliset yhdyskunnat "
            "voivat hakea, jos haku sen sallii."
        ),
        "description_sv": (
            "Statsunderstöd till registrerade föreningar och stiftelser för projekt som stöder invandrares "
            "integration. Tyngdpunkten byts varje år. Religiösa samfund kan söka när ansökan tillåter det."
        ),
        "description_en": (
            "A state grant to registered associations and foundations for projects that support the integration "
            "of immigrants. The theme changes every year. Religious communities may apply where a call allows it."
        ),
        "grant_type": GrantType.SPECIAL,
        "eligible_organisation_types": [
            OrganisationType.REGISTERED_ASSOCIATION,
            OrganisationType.FOUNDATION,
            OrganisationType.RELIGIOUS_COMMUNITY,
        ],
        "default_max_share_percent": None,
        "default_own_funding_percent": None,
        "budget_line": INTEGRATION_BUDGET_ITEM,
        **INTEGRATION_ACT,
    },
    {
        "agency": "TEM",
        "code": "tem-maahanmuuttajien-osaamiskeskukset",
        "name_fi": "Maahanmuuttajien osaamiskeskukset",
        "name_sv": "Kompetenscentrum för invandrare",
        "name_en": "Competence centres for immigrants",
        "description_fi": (
            "Valtionavustus kunnille maahanmuuttajien osaamiskeskusten toimintaan: osaamisen tunnistaminen, "
            "koulutus- ja työllistymispolut samasta paikasta."
        ),
        "description_sv": (
            "Statsunderstöd till kommuner för kompetenscentrum för invandrare: kartläggning av kompetens, "
            "utbildnings- och sysselsättningsvägar på ett och samma ställe."
        ),
        "description_en": (
            "A state grant to municipalities for competence centres for immigrants: recognising skills and "
            "paths to training and work from one place."
        ),
        "grant_type": GrantType.SPECIAL,
        "eligible_organisation_types": [OrganisationType.MUNICIPALITY],
        "default_max_share_percent": None,
        "default_own_funding_percent": None,
        "budget_line": INTEGRATION_BUDGET_ITEM,
        **INTEGRATION_ACT,
    },
    {
        "agency": "TEM",
        "code": "tem-ohjaus-ja-neuvontapalvelut",
        "name_fi": "Maahanmuuttajien ohjaus- ja neuvontapalvelut",
        "name_sv": "Vägledning och rådgivning för invandrare",
        "name_en": "Guidance and counselling services for immigrants",
        "description_fi": (
            "Valtionavustus kunnille ja kuntayhtymille matalan kynnyksen ohjaus- ja neuvontapalveluihin. "
            "Avustus maksetaan jälkikäteen maksatushakemuksen perusteella."
        ),
        "description_sv": (
            "Statsunderstöd till kommuner och samkommuner för lättillgänglig vägledning och rådgivning. "
            "Understödet betalas i efterskott på basis av en utbetalningsansökan."
        ),
        "description_en": (
            "A state grant to municipalities and joint municipal authorities for low-threshold guidance and "
            "counselling. The grant is paid in arrears against a payment application."
        ),
        "grant_type": GrantType.SPECIAL,
        "eligible_organisation_types": [
            OrganisationType.MUNICIPALITY,
            OrganisationType.JOINT_MUNICIPAL_AUTHORITY,
        ],
        "default_max_share_percent": Decimal("70.00"),
        "default_own_funding_percent": None,
        "budget_line": INTEGRATION_BUDGET_ITEM,
        "paying_agency": "KEHA",
        **INTEGRATION_ACT,
    },
    {
        "agency": "TEM",
        "code": "tem-talent-hub",
        "name_fi": "Talent Hub -toiminta (Talent Boost -ohjelma)",
        "name_sv": "Talent Hub-verksamhet (programmet Talent Boost)",
        "name_en": "Talent Hub (Talent Boost programme)",
        "description_fi": (
            "Valtionavustus suurille kunnille kansainvälisten osaajien ja heidän perheidensä houkutteluun ja "
            "kotoutumiseen. Avustus kattaa enintään 70 % kustannuksista; 30 % on omaa rahoitusta."
        ),
        "description_sv": (
            "Statsunderstöd till stora kommuner för att locka och integrera internationella experter och deras "
            "familjer. Understödet täcker högst 70 % av kostnaderna; 30 % är egen finansiering."
        ),
        "description_en": (
            "A state grant to large municipalities for attracting and integrating international talent and their "
            "families. The grant covers at most 70 % of costs; 30 % is own funding."
        ),
        "grant_type": GrantType.SPECIAL,
        "eligible_organisation_types": [OrganisationType.MUNICIPALITY],
        "default_max_share_percent": Decimal("70.00"),
        "default_own_funding_percent": Decimal("30.00"),
        "budget_line": "32.30.40",
    },
]


@transaction.atomic
def load_reference_data() -> Counter:
    """Bring the code lists up to date and create missing agencies and programmes; returns outcome counts.

    Agencies and programmes are only created, never overwritten: administrators edit them afterwards.
    """
    outcomes = load_code_lists()
    agencies = {}
    for row in AGENCIES:
        agencies[row["code"]], created = Agency.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        outcomes["created" if created else "unchanged"] += 1
    for row in PROGRAMMES:
        values = {k: v for k, v in row.items() if k not in ("code", "agency", "paying_agency")}
        values["agency"] = agencies[row["agency"]]
        values["paying_agency"] = agencies[row["paying_agency"]] if "paying_agency" in row else None
        values["eligible_organisation_types"] = [str(code) for code in row["eligible_organisation_types"]]
        _, created = Programme.objects.get_or_create(code=row["code"], defaults=values)
        outcomes["created" if created else "unchanged"] += 1
    return outcomes
