"""Realistic demo content: organisations, people and this season's calls of the four integration programmes."""

from decimal import Decimal

from avustamo.organisations.models import OrganisationType

DEMO_PASSWORD = "avustamo-demo-2026"

PEOPLE = [
    {
        "email": "official@example.org",
        "full_name": "Olli Virkamies",
        "is_staff": True,
        "preferred_language": "fi",
    },
    {
        "email": "admin@example.org",
        "full_name": "Anna Ylläpitäjä",
        "is_staff": True,
        "is_superuser": True,
        "preferred_language": "fi",
    },
    {"email": "applicant-a@example.org", "full_name": "Aino Rahastonhoitaja", "preferred_language": "fi"},
    {"email": "applicant-b@example.org", "full_name": "Bertil Projektchef", "preferred_language": "sv"},
]

ORGANISATIONS = [
    {
        "name": "Monikulttuurinen perheyhdistys Kotipiha ry",
        "business_id": "1618033-3",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "837",
        "street_address": "Hämeenkatu 10 B 12",
        "postal_code": "33100",
        "post_office": "Tampere",
        "iban": "FI6240060012345671",
        "email": "hallitus@kotipiha.example.org",
        "administrators": ["applicant-a@example.org"],
    },
    {
        "name": "Vantaan kaupunki",
        "business_id": "0124610-9",
        "organisation_type": OrganisationType.MUNICIPALITY,
        "home_municipality_id": "092",
        "street_address": "Asematie 7",
        "postal_code": "01300",
        "post_office": "Vantaa",
        "iban": "FI8557901120123456",
        "email": "kirjaamo@vantaa.example.org",
        "administrators": ["applicant-b@example.org"],
    },
    {
        "name": "Yhdessä-säätiö sr",
        "business_id": "1414213-0",
        "organisation_type": OrganisationType.FOUNDATION,
        "home_municipality_id": "853",
        "street_address": "Aurakatu 5",
        "postal_code": "20100",
        "post_office": "Turku",
        "iban": "FI9010253000654321",
        "email": "toimisto@yhdessa.example.org",
        "administrators": [],
    },
    {
        "name": "Pohjoisen kotoutumisyhdistys ry",
        "business_id": "1732050-2",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "564",
        "street_address": "Isokatu 20",
        "postal_code": "90100",
        "post_office": "Oulu",
        "iban": "FI7680001470258369",
        "email": "info@pohjoisenkoto.example.org",
        "administrators": [],
    },
    {
        "name": "Integrationsföreningen i Vasa rf",
        "business_id": "2236067-2",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "905",
        "street_address": "Handelsesplanaden 3",
        "postal_code": "65100",
        "post_office": "Vasa",
        "iban": "FI1547100010012345",
        "email": "styrelsen@integration-vasa.example.org",
        "administrators": [],
    },
    {
        "name": "Espoon kaupunki",
        "business_id": "0101263-6",
        "organisation_type": OrganisationType.MUNICIPALITY,
        "home_municipality_id": "049",
        "street_address": "Espoonkatu 5",
        "postal_code": "02770",
        "post_office": "Espoo",
        "iban": "FI9612345600007777",
        "email": "kirjaamo@espoo.example.org",
        "administrators": [],
    },
    {
        "name": "Tampereen kaupunki",
        "business_id": "0211675-2",
        "organisation_type": OrganisationType.MUNICIPALITY,
        "home_municipality_id": "837",
        "street_address": "Aleksis Kiven katu 14–16",
        "postal_code": "33210",
        "post_office": "Tampere",
        "iban": "FI9680001234567894",
        "email": "kirjaamo@tampere.example.org",
        "administrators": [],
    },
]

TEM_CRITERIA = [
    (
        "Hankkeen sopivuus haun tavoitteisiin",
        "Projektets förenlighet med ansökans mål",
        "Fit with the call's objectives",
        "2",
    ),
    (
        "Määrällinen ja laadullinen vaikuttavuus",
        "Kvantitativ och kvalitativ verkan",
        "Quantitative and qualitative impact",
        "2",
    ),
    (
        "Hakijan kokemus ja osaaminen",
        "Sökandens erfarenhet och kunnande",
        "The applicant's relevant experience",
        "1",
    ),
    ("Suunniteltu yhteistyö", "Planerat samarbete", "Planned cooperation", "1"),
    ("Alueellinen kattavuus", "Geografisk täckning", "Geographical spread", "1"),
    ("Ikä- ja sukupuolinäkökulma", "Ålders- och könsperspektiv", "Age and gender coverage", "1"),
]

MUNICIPAL_CRITERIA = [
    (
        "Toiminnan tarve ja kohderyhmä",
        "Behovet av verksamheten och målgruppen",
        "Need for the service and its target group",
        "2",
    ),
    (
        "Toteutussuunnitelman laatu ja realistisuus",
        "Genomförandeplanens kvalitet och realism",
        "Quality and realism of the plan",
        "2",
    ),
    ("Yhteistyö ja verkostot", "Samarbete och nätverk", "Cooperation and networks", "1"),
    ("Kustannustehokkuus", "Kostnadseffektivitet", "Cost-effectiveness", "1"),
]

ASSOCIATION_ATTACHMENTS = [
    ("Yhdistyksen säännöt", "Föreningens stadgar", "The association's rules"),
    (
        "Viimeisin tilinpäätös ja tilintarkastuskertomus",
        "Senaste bokslut och revisionsberättelse",
        "Latest financial statements and auditor's report",
    ),
    ("Viimeisin toimintakertomus", "Senaste verksamhetsberättelse", "Latest annual report"),
]

MUNICIPAL_ATTACHMENTS = [
    (
        "Toimielimen päätös hakemuksen jättämisestä",
        "Organets beslut om att lämna in ansökan",
        "The decision of the municipal body to apply",
    ),
]

HOW_TO_APPLY = {
    "how_to_apply_fi": (
        "Kirjaudu palveluun, valitse organisaatiosi ja täytä hakemus. Voit tallentaa keskeneräisen hakemuksen ja "
        "jatkaa myöhemmin. Hakemuksen on oltava perillä ennen haun päättymistä; myöhässä saapuneita hakemuksia ei "
        "käsitellä."
    ),
    "how_to_apply_sv": (
        "Logga in i tjänsten, välj din organisation och fyll i ansökan. Du kan spara en ofärdig ansökan och "
        "fortsätta senare. Ansökan ska vara framme innan ansökningstiden går ut; ansökningar som kommer in för sent "
        "behandlas inte."
    ),
    "how_to_apply_en": (
        "Sign in, choose your organisation and fill in the application. You can save an unfinished application and "
        "continue later. The application must arrive before the call closes; late applications are not considered."
    ),
}


JOINT_PROJECT_QUESTIONS = [
    {
        "type": "yes_no",
        "id": "joint-project",
        "required": True,
        "label": {
            "fi": "Toteutetaanko hanke yhdessä muiden järjestöjen kanssa?",
            "sv": "Genomförs projektet tillsammans med andra organisationer?",
            "en": "Is the project carried out together with other organisations?",
        },
    },
    {
        "type": "group",
        "id": "partners",
        "repeat": True,
        "min_items": 1,
        "max_items": 5,
        "show_if": {"question": "joint-project", "equals": "yes"},
        "label": {"fi": "Yhteistyökumppanit", "sv": "Samarbetspartner", "en": "Partners"},
        "questions": [
            {
                "type": "short_text",
                "id": "partner-name",
                "required": True,
                "label": {"fi": "Järjestön nimi", "sv": "Organisationens namn", "en": "Organisation"},
            },
            {
                "type": "long_text",
                "id": "partner-role",
                "max_length": 500,
                "label": {"fi": "Rooli hankkeessa", "sv": "Roll i projektet", "en": "Role in the project"},
            },
        ],
    },
]


def calls(funding_year: int) -> list[dict]:
    """This season's calls; `offsets` place them around today so that each status has examples."""
    next_year = funding_year + 1
    return [
        {
            "programme": "tem-kotoutuminen-jarjestoavustus",
            "reference": f"TEM-KOTO-{funding_year}",
            "opens_in_days": -14,
            "closes_in_days": 21,
            "closes_at_time": (16, 15),
            "title_fi": f"Järjestöavustus kotoutumista edistävään toimintaan {funding_year}",
            "title_sv": f"Organisationsstöd för verksamhet som främjar integration {funding_year}",
            "title_en": f"Grant to organisations for integration work {funding_year}",
            "description_fi": (
                "Työ- ja elinkeinoministeriö myöntää valtionavustusta rekisteröityneille yhdistyksille ja säätiöille "
                "hankkeisiin, jotka tukevat perheellisten maahanmuuttaneiden kotoutumista. Avustuksella voidaan "
                "tukea esimerkiksi vanhempien vertaistukea, perheiden arjen tietoa palveluista ja lasten ja nuorten "
                "harrastuksiin pääsyä. Hakijalla tulee olla vähintään kahden vuoden kokemus kotoutumista "
                "edistävästä työstä."
            ),
            "description_sv": (
                "Arbets- och näringsministeriet beviljar statsunderstöd till registrerade föreningar och stiftelser "
                "för projekt som stöder integrationen av invandrarfamiljer. Understödet kan till exempel gälla "
                "kamratstöd för föräldrar, information om tjänster i vardagen och barns och ungas tillgång till "
                "fritidsaktiviteter. Sökanden ska ha minst två års erfarenhet av arbete som främjar integration."
            ),
            "description_en": (
                "The Ministry of Economic Affairs and Employment grants state aid to registered associations and "
                "foundations for projects that support the integration of families with an immigrant background, "
                "such as peer support for parents, everyday information about services, and access to hobbies for "
                "children and young people. The applicant must have at least two years of integration work."
            ),
            "appropriation": Decimal("600000.00"),
            "min_grant": Decimal("20000.00"),
            "max_grant": Decimal("100000.00"),
            "period": ((funding_year, 1, 1), (next_year, 3, 31)),
            "eligible_organisation_types": [
                OrganisationType.REGISTERED_ASSOCIATION,
                OrganisationType.FOUNDATION,
            ],
            "themes": [
                (
                    "Perheellisten maahanmuuttaneiden kotoutuminen",
                    "Integration av invandrarfamiljer",
                    "Integration of families with an immigrant background",
                )
            ],
            "declarations": [
                (
                    "Hakijalla on vähintään kahden vuoden kokemus kotoutumista edistävästä työstä.",
                    "Sökanden har minst två års erfarenhet av arbete som främjar integration.",
                    "The applicant has at least two years of experience of integration work.",
                ),
                (
                    "Hakija sitoutuu osallistumaan kotoutumisen kumppanuusohjelman toimintaan.",
                    "Sökanden förbinder sig att delta i partnerskapsprogrammet för integration.",
                    "The applicant commits to taking part in the integration partnership programme.",
                ),
            ],
            "criteria": TEM_CRITERIA,
            "attachments": ASSOCIATION_ATTACHMENTS,
            "extra_project_questions": JOINT_PROJECT_QUESTIONS,
        },
        {
            "programme": "tem-maahanmuuttajien-osaamiskeskukset",
            "reference": f"TEM-OSKE-{funding_year}",
            "opens_in_days": -7,
            "closes_in_days": 28,
            "closes_at_time": (16, 15),
            "title_fi": f"Maahanmuuttajien osaamiskeskukset {funding_year}",
            "title_sv": f"Kompetenscentrum för invandrare {funding_year}",
            "title_en": f"Competence centres for immigrants {funding_year}",
            "description_fi": (
                "Valtionavustus kunnille osaamiskeskustoiminnan vakiinnuttamiseen: maahanmuuttaneiden osaamisen "
                "tunnistaminen sekä koulutus- ja työllistymispolut samasta paikasta. Haku on tarkoitettu kunnille, "
                "joissa asuu vähintään 8 000 muuta kuin suomea, ruotsia tai saamea äidinkielenään puhuvaa."
            ),
            "description_sv": (
                "Statsunderstöd till kommuner för att etablera kompetenscentrum: kartläggning av invandrares kompetens "
                "och vägar till utbildning och arbete på ett ställe. Ansökan gäller kommuner med minst 8 000 invånare "
                "med annat modersmål än finska, svenska eller samiska."
            ),
            "description_en": (
                "A state grant to municipalities to establish competence centres: recognising immigrants' skills and "
                "paths to training and work in one place. For municipalities with at least 8,000 residents whose "
                "language is not Finnish, Swedish or Sámi."
            ),
            "appropriation": Decimal("3000000.00"),
            "min_grant": Decimal("100000.00"),
            "max_grant": Decimal("600000.00"),
            "period": ((funding_year, 7, 1), (next_year, 6, 30)),
            "eligible_organisation_types": [OrganisationType.MUNICIPALITY],
            "themes": [
                (
                    "Osaamisen tunnistaminen ja työllistymisen polut",
                    "Kartläggning av kompetens och vägar till arbete",
                    "Recognising skills and paths to work",
                )
            ],
            "declarations": [
                (
                    "Kunnassa asuu vähintään 8 000 muuta kuin suomea, ruotsia tai saamea äidinkielenään puhuvaa.",
                    "I kommunen bor minst 8 000 personer med annat modersmål än finska, svenska eller samiska.",
                    "At least 8,000 residents of the municipality speak a language other than Finnish, Swedish or Sámi.",
                )
            ],
            "criteria": MUNICIPAL_CRITERIA,
            "attachments": MUNICIPAL_ATTACHMENTS,
        },
        {
            "programme": "tem-ohjaus-ja-neuvontapalvelut",
            "reference": f"TEM-NEUVO-{funding_year}",
            "opens_in_days": -3,
            "closes_in_days": 35,
            "closes_at_time": (16, 15),
            "title_fi": f"Maahanmuuttajien ohjaus- ja neuvontapalvelut {funding_year}",
            "title_sv": f"Vägledning och rådgivning för invandrare {funding_year}",
            "title_en": f"Guidance and counselling services for immigrants {funding_year}",
            "description_fi": (
                "Valtionavustus kunnille ja kuntayhtymille matalan kynnyksen ohjaus- ja neuvontapalveluihin. "
                "Avustus on enintään 70 % hyväksyttävistä kustannuksista ja se maksetaan jälkikäteen "
                "maksatushakemuksen perusteella."
            ),
            "description_sv": (
                "Statsunderstöd till kommuner och samkommuner för lättillgänglig vägledning och rådgivning. "
                "Understödet är högst 70 % av de godtagbara kostnaderna och betalas i efterskott på basis av en "
                "utbetalningsansökan."
            ),
            "description_en": (
                "A state grant to municipalities and joint municipal authorities for low-threshold guidance and "
                "counselling. The grant covers at most 70 % of eligible costs and is paid in arrears against a "
                "payment application."
            ),
            "appropriation": Decimal("2000000.00"),
            "min_grant": Decimal("30000.00"),
            "max_grant": Decimal("250000.00"),
            "period": ((funding_year, 1, 1), (funding_year, 12, 31)),
            "eligible_organisation_types": [
                OrganisationType.MUNICIPALITY,
                OrganisationType.JOINT_MUNICIPAL_AUTHORITY,
            ],
            "themes": [
                (
                    "Monikielinen neuvonta ja palveluohjaus",
                    "Flerspråkig rådgivning och servicehandledning",
                    "Multilingual advice and service guidance",
                )
            ],
            "declarations": [],
            "criteria": MUNICIPAL_CRITERIA,
            "attachments": MUNICIPAL_ATTACHMENTS,
        },
        {
            "programme": "tem-talent-hub",
            "reference": f"TEM-TALENT-{funding_year}",
            "opens_in_days": -10,
            "closes_in_days": 14,
            "closes_at_time": (16, 15),
            "title_fi": f"Talent Hub -toiminta {funding_year}",
            "title_sv": f"Talent Hub-verksamhet {funding_year}",
            "title_en": f"Talent Hub {funding_year}",
            "description_fi": (
                "Valtionavustus kunnille, joissa asuu vähintään 15 000 vieraskielistä, kansainvälisten osaajien ja "
                "heidän perheidensä houkutteluun, vastaanottoon ja kotoutumiseen. Avustus on enintään 70 % "
                "kustannuksista; vähintään 30 % on omaa rahoitusta, johon jokainen osatoteuttaja osallistuu."
            ),
            "description_sv": (
                "Statsunderstöd till kommuner med minst 15 000 främmandespråkiga invånare för att locka, ta emot och "
                "integrera internationella experter och deras familjer. Understödet är högst 70 % av kostnaderna; "
                "minst 30 % är egen finansiering som varje delgenomförare deltar i."
            ),
            "description_en": (
                "A state grant to municipalities with at least 15,000 foreign-language residents for attracting, "
                "receiving and integrating international talent and their families. The grant covers at most 70 % of "
                "costs; at least 30 % is own funding to which every co-implementer contributes."
            ),
            "appropriation": Decimal("3000000.00"),
            "min_grant": Decimal("200000.00"),
            "max_grant": Decimal("700000.00"),
            "period": ((funding_year, 1, 1), (funding_year, 12, 31)),
            "eligible_organisation_types": [OrganisationType.MUNICIPALITY],
            "themes": [
                (
                    "Kansainvälisten osaajien ja perheiden vastaanotto",
                    "Mottagande av internationella experter och deras familjer",
                    "Welcoming international talent and their families",
                )
            ],
            "declarations": [
                (
                    "Kunnassa asuu vähintään 15 000 vieraskielistä.",
                    "I kommunen bor minst 15 000 främmandespråkiga.",
                    "At least 15,000 residents of the municipality speak a foreign language.",
                )
            ],
            "criteria": MUNICIPAL_CRITERIA,
            "attachments": MUNICIPAL_ATTACHMENTS,
        },
        {
            "programme": "tem-maahanmuuttajien-osaamiskeskukset",
            "reference": f"TEM-OSKE-{funding_year}-LISAHAKU",
            "opens_in_days": 45,
            "closes_in_days": 75,
            "closes_at_time": (16, 15),
            "title_fi": f"Maahanmuuttajien osaamiskeskukset {funding_year}, lisähaku",
            "title_sv": f"Kompetenscentrum för invandrare {funding_year}, tilläggsansökan",
            "title_en": f"Competence centres for immigrants {funding_year}, additional call",
            "description_fi": (
                "Lisähaku osaamiskeskusten toimintaan kunnille, jotka eivät saaneet avustusta varsinaisessa haussa. "
                "Jaossa on varsinaisesta hausta jäänyt määräraha."
            ),
            "description_sv": (
                "Tilläggsansökan för kompetenscentrum för kommuner som inte fick understöd i den ordinarie ansökan. "
                "Det anslag som blev över i den ordinarie ansökan delas ut."
            ),
            "description_en": (
                "An additional call for competence centres, for municipalities not funded in the main call. The "
                "appropriation left over from the main call is shared."
            ),
            "appropriation": Decimal("1070000.00"),
            "min_grant": Decimal("100000.00"),
            "max_grant": Decimal("400000.00"),
            "period": ((funding_year, 9, 1), (next_year, 8, 31)),
            "eligible_organisation_types": [OrganisationType.MUNICIPALITY],
            "themes": [
                (
                    "Osaamisen tunnistaminen ja työllistymisen polut",
                    "Kartläggning av kompetens och vägar till arbete",
                    "Recognising skills and paths to work",
                )
            ],
            "declarations": [],
            "criteria": MUNICIPAL_CRITERIA,
            "attachments": MUNICIPAL_ATTACHMENTS,
        },
        {
            "programme": "tem-ohjaus-ja-neuvontapalvelut",
            "reference": f"TEM-NEUVO-{funding_year - 1}",
            "opens_in_days": -330,
            "closes_in_days": -300,
            "closes_at_time": (16, 15),
            "title_fi": f"Maahanmuuttajien ohjaus- ja neuvontapalvelut {funding_year - 1}",
            "title_sv": f"Vägledning och rådgivning för invandrare {funding_year - 1}",
            "title_en": f"Guidance and counselling services for immigrants {funding_year - 1}",
            "description_fi": "Edellisen vuoden haku ohjaus- ja neuvontapalveluihin. Haku on päättynyt.",
            "description_sv": "Förra årets ansökan om vägledning och rådgivning. Ansökningstiden har gått ut.",
            "description_en": "Last year's call for guidance and counselling services. The call has closed.",
            "appropriation": Decimal("2000000.00"),
            "min_grant": Decimal("30000.00"),
            "max_grant": Decimal("250000.00"),
            "period": ((funding_year - 1, 1, 1), (funding_year - 1, 12, 31)),
            "eligible_organisation_types": [
                OrganisationType.MUNICIPALITY,
                OrganisationType.JOINT_MUNICIPAL_AUTHORITY,
            ],
            "themes": [
                (
                    "Monikielinen neuvonta ja palveluohjaus",
                    "Flerspråkig rådgivning och servicehandledning",
                    "Multilingual advice and service guidance",
                )
            ],
            "declarations": [],
            "criteria": MUNICIPAL_CRITERIA,
            "attachments": MUNICIPAL_ATTACHMENTS,
        },
    ]
