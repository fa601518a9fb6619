"""Realistic demo content: organisations, people and this season's calls of the four integration programmes."""

from decimal import Decimal

from avustamo.organisations.models import OrganisationType

DEMO_PASSWORD = "avustamo-demo-2026"
# The demo officials' authenticator app secret (base32). Demo only: published, so that anyone can sign in as them.
DEMO_TOTP_SECRET = "AVUSTAMODEMOTOTPAVUSTAMODEMOTOTP"

# Officials' titles and telephone numbers are printed on the decisions they present, sign or answer questions
# about. The numbers are made up, in the form of the state's numbers.
PEOPLE = [
    {
        "email": "official@example.org",
        "full_name": "Olli Virkamies",
        "job_title_fi": "neuvotteleva virkamies",
        "job_title_sv": "konsultativ tjänsteman",
        "job_title_en": "Ministerial Adviser",
        "phone": "+358 29 504 7101",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["programme_manager", "administrator"],
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
    # The officials who handle applications. `roles` become RoleGrant rows (there is no service for roles).
    {
        "email": "manager@example.org",
        "full_name": "Marja Laaksonen",
        "job_title_fi": "erityisasiantuntija",
        "job_title_sv": "specialsakkunnig",
        "job_title_en": "Senior Specialist",
        "phone": "+358 29 504 7102",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["programme_manager"],
    },
    {
        "email": "reviewer-1@example.org",
        "full_name": "Pekka Nieminen",
        "job_title_fi": "ylitarkastaja",
        "job_title_sv": "överinspektör",
        "job_title_en": "Senior Inspector",
        "phone": "+358 29 504 7103",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["reviewer"],
    },
    {
        "email": "reviewer-2@example.org",
        "full_name": "Sanna Lehtonen",
        "job_title_fi": "asiantuntija",
        "job_title_sv": "sakkunnig",
        "job_title_en": "Specialist",
        "phone": "+358 29 504 7104",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["reviewer"],
    },
    {
        "email": "presenter@example.org",
        "full_name": "Heikki Mäkinen",
        "job_title_fi": "ylitarkastaja",
        "job_title_sv": "överinspektör",
        "job_title_en": "Senior Inspector",
        "phone": "+358 29 504 7105",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["presenter"],
    },
    {
        "email": "decider@example.org",
        "full_name": "Riitta Salminen",
        "job_title_fi": "yksikön päällikkö",
        "job_title_sv": "enhetschef",
        "job_title_en": "Head of Unit",
        "phone": "+358 29 504 7106",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["decision_maker"],
    },
    {
        "email": "finance@example.org",
        "full_name": "Jukka Hämäläinen",
        "job_title_fi": "controller",
        "job_title_sv": "controller",
        "job_title_en": "Financial Controller",
        "phone": "+358 29 504 7107",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["finance_officer"],
    },
    {
        "email": "finance-approver@example.org",
        "full_name": "Minna Lehtonen",
        "job_title_fi": "talouspäällikkö",
        "job_title_sv": "ekonomichef",
        "job_title_en": "Head of Finance",
        "phone": "+358 29 504 7108",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["finance_officer"],
    },
    {
        "email": "auditor@example.org",
        "full_name": "Liisa Järvinen",
        "job_title_fi": "sisäinen tarkastaja",
        "job_title_sv": "internrevisor",
        "job_title_en": "Internal Auditor",
        "phone": "+358 29 504 7109",
        "is_staff": True,
        "preferred_language": "fi",
        "roles": ["auditor"],
    },
    # Administrators of the associations that apply to the closed calls.
    {"email": "applicant-c@example.org", "full_name": "Johanna Björklund", "preferred_language": "sv"},
    {"email": "applicant-d@example.org", "full_name": "Ann-Sofie Backman", "preferred_language": "sv"},
    {"email": "applicant-e@example.org", "full_name": "Elina Koskinen", "preferred_language": "fi"},
    {"email": "applicant-f@example.org", "full_name": "Juha Heikkinen", "preferred_language": "fi"},
    {"email": "applicant-g@example.org", "full_name": "Samira Ahmed", "preferred_language": "fi"},
    {"email": "applicant-h@example.org", "full_name": "Ville Kettunen", "preferred_language": "fi"},
    {"email": "applicant-i@example.org", "full_name": "Tuula Karjalainen", "preferred_language": "fi"},
    {"email": "applicant-j@example.org", "full_name": "Mika Räsänen", "preferred_language": "fi"},
    {"email": "applicant-k@example.org", "full_name": "Abdirahman Warsame", "preferred_language": "fi"},
    {"email": "applicant-l@example.org", "full_name": "Katja Lindroos", "preferred_language": "fi"},
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
        "electronic_notification": True,
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
        "electronic_notification": True,
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
        "administrators": ["applicant-e@example.org"],
        "electronic_notification": True,
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
        "administrators": ["applicant-f@example.org"],
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
        "administrators": ["applicant-c@example.org"],
        "electronic_notification": True,
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
    # Associations applying to the closed calls. Business IDs and IBANs have valid check digits.
    {
        "name": "Mångkulturella föreningen i Närpes rf",
        "business_id": "2449489-3",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "545",
        "street_address": "Köpmansgatan 12",
        "postal_code": "64200",
        "post_office": "Närpes",
        "iban": "FI1457101020456789",
        "email": "styrelsen@mangkulturella-narpes.example.org",
        "administrators": ["applicant-d@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Monikulttuuristen naisten verkosto Helmi ry",
        "business_id": "2645751-9",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "091",
        "street_address": "Itäkatu 3 B",
        "postal_code": "00930",
        "post_office": "Helsinki",
        "iban": "FI7710345000123456",
        "email": "hallitus@helmiverkosto.example.org",
        "administrators": ["applicant-g@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Keski-Suomen nuorten kohtaamo ry",
        "business_id": "3162277-7",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "179",
        "street_address": "Kauppakatu 25",
        "postal_code": "40100",
        "post_office": "Jyväskylä",
        "iban": "FI5347100010234567",
        "email": "toimisto@nuortenkohtaamo.example.org",
        "administrators": ["applicant-h@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Kuopion kansainvälinen olohuone ry",
        "business_id": "1259921-7",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "297",
        "street_address": "Puijonkatu 19",
        "postal_code": "70100",
        "post_office": "Kuopio",
        "iban": "FI8711443000321654",
        "email": "olohuone@kuopionolohuone.example.org",
        "administrators": ["applicant-i@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Lahden Ystäväpiiri ry",
        "business_id": "1442249-0",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "398",
        "street_address": "Vapaudenkatu 8",
        "postal_code": "15110",
        "post_office": "Lahti",
        "iban": "FI9880001400987654",
        "email": "ystavapiiri@lahdenystavapiiri.example.org",
        "administrators": ["applicant-j@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Joensuun kotoutujat ry",
        "business_id": "6931471-0",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "167",
        "street_address": "Siltakatu 14",
        "postal_code": "80100",
        "post_office": "Joensuu",
        "iban": "FI1156602320147258",
        "email": "hallitus@joensuunkotoutujat.example.org",
        "administrators": ["applicant-k@example.org"],
        "electronic_notification": True,
    },
    {
        "name": "Porin Perhetalo ry",
        "business_id": "1324717-6",
        "organisation_type": OrganisationType.REGISTERED_ASSOCIATION,
        "home_municipality_id": "609",
        "street_address": "Yrjönkatu 6",
        "postal_code": "28100",
        "post_office": "Pori",
        "iban": "FI5640060010789123",
        "email": "toimisto@porinperhetalo.example.org",
        "administrators": ["applicant-l@example.org"],
        "electronic_notification": True,
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
            "min_foreign_language_population": 8000,
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
            # Every co-implementer co-funds its part: at least 30 %, as the whole (GRANTS_FI.md, Talent Hub 2021).
            "co_implementers_allowed": True,
            "own_funding_min_per_co_implementer": True,
            "period": ((funding_year, 1, 1), (funding_year, 12, 31)),
            "min_foreign_language_population": 15000,
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
            "min_foreign_language_population": 8000,
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


# --- The officials' side: a call in handling, and last year's call with published decisions ------------------

# A reviewer's written justification for each score, by criterion (in the order of TEM_CRITERIA).
REVIEW_JUSTIFICATIONS = [
    {
        5: "Hanke vastaa suoraan haun painopisteeseen, ja kaikki toimenpiteet tukevat haun tavoitteita.",
        4: "Hanke sopii haun tavoitteisiin hyvin; osa toiminnasta on yleistä yhdistystoimintaa.",
        3: "Hanke sivuaa haun painopistettä, mutta yhteys tavoitteisiin jää osin yleiselle tasolle.",
        2: "Hankkeen yhteys haun painopisteeseen on heikko; pääpaino on muussa kuin haun tavoitteissa.",
        1: "Hanke ei vastaa haun tavoitteisiin.",
    },
    {
        5: "Tavoitteet ja mittarit on esitetty selkeästi; tavoiteltu osallistujamäärä on kunnianhimoinen mutta uskottava.",
        4: "Vaikuttavuus on kuvattu hyvin; laadullisia mittareita voisi vielä tarkentaa.",
        3: "Odotetut tulokset on kuvattu, mutta mittarit ja osallistujamäärät jäävät epätarkoiksi.",
        2: "Tuloksia ei ole juuri määritelty, ja kustannus osallistujaa kohden on korkea.",
        1: "Hankkeen vaikutuksia ei ole kuvattu.",
    },
    {
        5: "Hakijalla on pitkä ja dokumentoitu kokemus vastaavista hankkeista ja kohderyhmästä.",
        4: "Hakijalla on usean vuoden kokemus kotoutumistyöstä; hankehallinnosta on vähemmän näyttöä.",
        3: "Hakijalla on kokemusta vapaaehtoistoiminnasta, mutta hankkeiden hallinnoinnista vain vähän.",
        2: "Hakijan kokemus kohderyhmän kanssa toimimisesta jää vähäiseksi.",
        1: "Hakijalla ei ole osoitettua kokemusta kotoutumista edistävästä työstä.",
    },
    {
        5: "Yhteistyö kunnan, oppilaitosten ja muiden järjestöjen kanssa on sovittu, ja roolit on kuvattu.",
        4: "Keskeiset kumppanit on nimetty; työnjako on osin vielä suunnitteilla.",
        3: "Yhteistyötä on suunniteltu, mutta kumppaneita ei ole vielä sitoutettu.",
        2: "Yhteistyö jää maininnan tasolle.",
        1: "Yhteistyötä ei ole suunniteltu.",
    },
    {
        5: "Toiminta kattaa useita kuntia ja tavoittaa myös pienet paikkakunnat.",
        4: "Toiminta kattaa kaupunkiseudun ja lähikunnat.",
        3: "Toiminta on paikallista, mikä on kohderyhmän kannalta perusteltua.",
        2: "Toiminta rajoittuu yhteen kaupunginosaan, eikä laajentamista ole suunniteltu.",
        1: "Toiminnan alue jää epäselväksi.",
    },
    {
        5: "Eri-ikäiset ja eri sukupuolet on huomioitu, ja tyttöjen ja äitien osallistumista tuetaan erikseen.",
        4: "Ikä- ja sukupuolinäkökulma on huomioitu; keinot tavoittaa poikia ja isiä jäävät vähäisiksi.",
        3: "Näkökulma on mainittu, mutta sen vaikutusta toimintaan ei ole kuvattu.",
        2: "Ikä- ja sukupuolinäkökulmaa on käsitelty vain ohimennen.",
        1: "Ikä- ja sukupuolinäkökulmaa ei ole käsitelty.",
    },
]

# A made-up account for the demo's payment batches (valid check digits, at Nordea by its bank code 166) and a made-up
# service code of the bank's payment service; the ministry's own are entered by its administrator.
DEMO_PAYMENT_ACCOUNT = "FI7416603000107066"
DEMO_PAYMENT_BIC = "NDEAFIHH"
DEMO_PAYMENT_SERVICE_CODE = "1234567-1"

# TEM pays through the State's invoice circulation. Its EDI address there, its operational unit and the projects
# of its programmes, and its income accounts are made up for the demo; an administrator enters the ministry's own
# from the State Treasury's chart of accounts. The transfer accounts are those published beside the Finnish National
# Agency for Education's grant system (payments.accounting.PUBLISHED_TRANSFER_ACCOUNTS).
DEMO_INVOICE_EDI_CODE = "003700000001"

# KEHA-keskus pays the guidance and counselling grants TEM decides. Its account and service code here are made up for
# the demo (valid check digits), as TEM's above.
KEHA_PAYMENT_ACCOUNT = "FI2916603000107100"
KEHA_PAYMENT_BIC = "NDEAFIHH"
KEHA_PAYMENT_SERVICE_CODE = "1234567-2"

# The population figures the demo loads for the municipal rules of its calls (at least 8,000 foreign-language residents
# for competence centres, 15,000 for Talent Hub): rounded approximations for the demo's municipalities, NOT Statistics
# Finland's figures (docs/municipality-figures.md). A deployment loads Statistics Finland's table on the page
# "Population of municipalities".
DEMO_POPULATION_FILE = "population_by_language_demo.csv"
DEMO_OPERATIONAL_UNIT = "3200100000"
DEMO_PROJECT_CODES = {
    "tem-kotoutuminen-jarjestoavustus": "3250300101",
    "tem-maahanmuuttajien-osaamiskeskukset": "3250300102",
    "tem-ohjaus-ja-neuvontapalvelut": "3250300103",
    "tem-talent-hub": "3230400101",
}
DEMO_INCOME_ACCOUNTS = {
    "return": "83900000",
    "recovery": "83910000",
    "interest": "63100000",
    "penalty_interest": "63900000",
}

# Payment in two instalments and the reports due, as TEM's NGO grant decisions set them.
DECISION_INSTALMENTS = [
    {"percent": "80", "condition": "on_acceptance"},
    {"percent": "20", "condition": "after_final_report"},
]

DECISION_CONDITIONS = {
    "fi": (
        "Avustuksen käytössä noudatetaan valtionavustuslakia (688/2001). Avustusta saa käyttää vain päätöksessä "
        "mainittuun tarkoitukseen ja käyttöaikana syntyneisiin hyväksyttäviin kustannuksiin. Avustuksen saajan on "
        "pidettävä avustuksesta erillistä kirjanpitoa, noudatettava hankinnoissa hankintalakia ja mainittava "
        "viestinnässään työ- ja elinkeinoministeriön rahoitus. Käyttämättä jäänyt tai väärin perustein saatu "
        "avustus on palautettava. Valtionapuviranomaisella on oikeus tarkastaa avustuksen käyttö."
    ),
    "sv": (
        "Vid användningen av understödet iakttas statsunderstödslagen (688/2001). Understödet får användas endast "
        "för det ändamål som anges i beslutet och för godtagbara kostnader som uppkommit under "
        "användningstiden. Understödstagaren ska föra separat bokföring över understödet, följa upphandlingslagen "
        "och nämna arbets- och näringsministeriets finansiering i sin kommunikation. Oanvänt eller felaktigt "
        "erhållet understöd ska återbetalas. Statsbidragsmyndigheten har rätt att granska användningen av "
        "understödet."
    ),
}


def _declarations_of_ngo_calls() -> list[tuple[str, str, str]]:
    return [
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
    ]


def _contact(name: str, email: str, phone: str) -> list[dict]:
    return [{"name": name, "email": email, "phone": phone}]


def _budget(costs: dict, *, own_funding: str, income: str = "0.00") -> dict:
    return {"costs": costs, "income": income, "own_funding": own_funding}


def youth_call(funding_year: int) -> dict:
    """This season's themed NGO call for young people: it closed three weeks ago and is being handled."""
    return {
        "programme": "tem-kotoutuminen-jarjestoavustus",
        "reference": f"TEM-KOTO-{funding_year}-NUORET",
        "opens_in_days": -63,
        "closes_in_days": -21,
        "closes_at_time": (16, 15),
        "title_fi": f"Järjestöavustus nuorten kotoutumista ja osallisuutta edistävään toimintaan {funding_year}",
        "title_sv": f"Organisationsstöd för verksamhet som främjar ungas integration och delaktighet {funding_year}",
        "title_en": f"Grant to organisations for the integration and participation of young people {funding_year}",
        "description_fi": (
            "Työ- ja elinkeinoministeriö myöntää valtionavustusta rekisteröityneille yhdistyksille ja säätiöille "
            "hankkeisiin, jotka tukevat 15–29-vuotiaiden maahanmuuttaneiden nuorten kotoutumista: opintoihin ja "
            "työelämään ohjausta, harrastuksia, vertaistukea ja nuorten omaa osallistumista. Hakijalla tulee olla "
            "vähintään kahden vuoden kokemus kotoutumista edistävästä työstä."
        ),
        "description_sv": (
            "Arbets- och näringsministeriet beviljar statsunderstöd till registrerade föreningar och stiftelser för "
            "projekt som stöder integrationen av invandrade unga i åldern 15–29 år: vägledning till studier och "
            "arbetsliv, fritidsaktiviteter, kamratstöd och de ungas eget deltagande. Sökanden ska ha minst två års "
            "erfarenhet av arbete som främjar integration."
        ),
        "description_en": (
            "The Ministry of Economic Affairs and Employment grants state aid to registered associations and "
            "foundations for projects that support the integration of young immigrants aged 15–29: guidance to "
            "studies and work, hobbies, peer support and the young people's own participation. The applicant must "
            "have at least two years of integration work."
        ),
        "appropriation": Decimal("400000.00"),
        "min_grant": Decimal("20000.00"),
        "max_grant": Decimal("80000.00"),
        "period": ((funding_year, 1, 1), (funding_year, 12, 31)),
        "eligible_organisation_types": [
            OrganisationType.REGISTERED_ASSOCIATION,
            OrganisationType.FOUNDATION,
        ],
        "themes": [
            (
                "Maahanmuuttaneiden nuorten kotoutuminen ja osallisuus",
                "Unga invandrares integration och delaktighet",
                "Integration and participation of young immigrants",
            )
        ],
        "declarations": _declarations_of_ngo_calls(),
        "criteria": TEM_CRITERIA,
        "attachments": ASSOCIATION_ATTACHMENTS,
        "extra_project_questions": JOINT_PROJECT_QUESTIONS,
        # allocation_suggest proposes nothing to applications whose reviewers' average is below this.
        "min_score": Decimal("3.0"),
    }


def youth_call_applications(funding_year: int) -> list[dict]:
    """Applications to the youth call, in the order they arrived, each left at a different step of handling.

    `submitted` is (days before the call closed, time of day). The optional steps run in this order: `completion`
    (a completion request; `overdue_by_days` moves its deadline into the past), `screening` ("eligible" or
    {"reason", "failed"}), `reviews` (per reviewer: a score for every criterion, "no_conflict" when only declared,
    None when only assigned, or {"conflict": reason}), `proposal` (the presenter's change to the suggested
    allocation) and `decision`.
    """
    year = {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"}
    return [
        {
            "business_id": "1414213-0",
            "applicant": "applicant-e@example.org",
            "submitted": (12, (10, 5)),
            "answers": {
                "contact-persons": _contact(
                    "Elina Koskinen", "elina.koskinen@yhdessa.example.org", "044 521 7730"
                ),
                "project-name": "Yhdessä opintoihin – nuorten opintopolut Turussa",
                "project-summary": (
                    "Henkilökohtaista opinto-ohjausta ja vertaismentorointia Turun seudulle muuttaneille 16–25-"
                    "vuotiaille: tutustumista oppilaitoksiin, apua yhteishakuun ja tukea ensimmäiseen opintovuoteen."
                ),
                "objectives": (
                    "120 nuorta saa henkilökohtaisen opintosuunnitelman ja vähintään 70 heistä aloittaa "
                    "tutkintoon johtavat opinnot tai valmentavan koulutuksen hankevuoden aikana."
                ),
                "target-groups": "Turun seudulle viimeisen neljän vuoden aikana muuttaneet 16–25-vuotiaat nuoret.",
                "activities": (
                    "Tammi–maaliskuu: mentoreiden koulutus ja yhteishakuklinikat. Huhti–kesäkuu: "
                    "oppilaitosvierailut ja kesäopinnot. Elo–joulukuu: opintojen alun tuki ja mentorointiryhmät."
                ),
                "regions": ["02"],
                "period": year,
                "budget": _budget(
                    {"personnel": "56000.00", "rents": "6000.00", "travel": "2000.00", "other": "4000.00"},
                    own_funding="6000.00",
                ),
                "joint-project": "yes",
                "partners": [
                    {
                        "partner-name": "Turun seudun opiskelijamentorit ry",
                        "partner-role": "Kouluttaa vapaaehtoiset mentorit ja vastaa mentorointiryhmistä.",
                    }
                ],
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (5, 4, 5, 5, 4, 4),
                "reviewer-2@example.org": (4, 4, 5, 4, 4, 3),
            },
            "decision": {
                "outcome": "approved",
                "status": "draft",
                "purpose": (
                    "Avustus myönnetään hankkeeseen Yhdessä opintoihin – nuorten opintopolut Turussa: "
                    "maahanmuuttaneiden nuorten opinto-ohjaukseen ja vertaismentorointiin hakemuksen "
                    "toimintasuunnitelman mukaisesti."
                ),
                "reasons": (
                    "Hakemus täyttää haun ehdot. Hanke vastaa haun painopisteeseen, hakijalla on pitkä kokemus "
                    "kohderyhmän kanssa toimimisesta ja yhteistyö on sovittu. Hanke sai arvioinnissa haun "
                    "parhaimpiin kuuluvat pisteet, ja avustus myönnetään haetun suuruisena."
                ),
            },
        },
        {
            "business_id": "2236067-2",
            "applicant": "applicant-c@example.org",
            "submitted": (9, (14, 40)),
            "answers": {
                "contact-persons": _contact(
                    "Johanna Björklund", "johanna.bjorklund@integration-vasa.example.org", "050 338 1290"
                ),
                "project-name": "Ungdomsbron – unga nyanlända i Vasa",
                "project-summary": (
                    "Ungdomsbron för samman unga nyanlända och unga vasabor i gemensamma fritidsgrupper, ger "
                    "läxhjälp på svenska och hjälper de unga att hitta sommarjobb i Österbotten."
                ),
                "objectives": (
                    "80 unga nyanlända deltar regelbundet i verksamheten och 30 av dem får sitt första sommarjobb "
                    "eller sin första praktikplats."
                ),
                "target-groups": "Unga nyanlända i åldern 15–24 i Vasa och Korsholm.",
                "activities": (
                    "Veckovisa fritidsgrupper och läxhjälp under läsåret, en jobbmässa för unga i april och "
                    "handledda sommarjobb i samarbete med lokala företag."
                ),
                "regions": ["15"],
                "period": year,
                "budget": _budget(
                    {"personnel": "42000.00", "rents": "4800.00", "travel": "1800.00", "other": "2400.00"},
                    own_funding="3000.00",
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (4, 4, 4, 4, 3, 4),
                "reviewer-2@example.org": (4, 3, 4, 4, 3, 4),
            },
            "decision": {
                "outcome": "approved",
                "status": "for_signing",
                "purpose": (
                    "Understödet beviljas för projektet Ungdomsbron – unga nyanlända i Vasa: fritidsgrupper, "
                    "läxhjälp och vägledning till sommarjobb för unga nyanlända enligt ansökans verksamhetsplan."
                ),
                "reasons": (
                    "Ansökan uppfyller villkoren. Projektet motsvarar ansökans tyngdpunkt, sökanden har lång "
                    "erfarenhet av arbete med målgruppen och projektet fick goda poäng i bedömningen. Understödet "
                    "beviljas till det sökta beloppet."
                ),
            },
        },
        {
            "business_id": "2645751-9",
            "applicant": "applicant-g@example.org",
            "submitted": (7, (9, 20)),
            "answers": {
                "contact-persons": _contact(
                    "Samira Ahmed", "samira.ahmed@helmiverkosto.example.org", "040 771 2045"
                ),
                "project-name": "Tyttöjen ilta – Helmi-kerhot nuorille naisille",
                "project-summary": (
                    "Viikoittaiset illat 15–25-vuotiaille maahanmuuttaneille tytöille ja nuorille naisille Itä-"
                    "Helsingissä: liikuntaa, keskusteluja terveydestä ja oikeuksista sekä tutustumista työelämään."
                ),
                "objectives": (
                    "Tytöt löytävät harrastuksen ja tuntevat oikeutensa; 60 osallistujaa tutustuu työpaikkoihin ja "
                    "20 vapaaehtoista ohjaajaa koulutetaan."
                ),
                "target-groups": "Itä-Helsingissä asuvat 15–25-vuotiaat maahanmuuttaneet tytöt ja nuoret naiset.",
                "activities": (
                    "Kerhoillat kahdesti viikossa, keväällä työpaikkavierailut, kesällä leiri ja syksyllä "
                    "vapaaehtoisten ohjaajien koulutus."
                ),
                "regions": ["01"],
                "period": year,
                "budget": _budget(
                    {
                        "personnel": "48000.00",
                        "rents": "9600.00",
                        "purchased_services": "4000.00",
                        "other": "2400.00",
                    },
                    income="800.00",
                    own_funding="3200.00",
                ),
                "joint-project": "yes",
                "partners": [
                    {
                        "partner-name": "Itä-Helsingin liikuntaseura ry",
                        "partner-role": "Järjestää kerhojen liikuntavuorot ja kesäleirin ohjelman.",
                    }
                ],
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (4, 3, 4, 3, 3, 5),
                "reviewer-2@example.org": (4, 3, 3, 3, 3, 5),
            },
            "proposal": {
                "amount": Decimal("50000.00"),
                "justification": (
                    "Kesäleirin ostopalvelut ja osa tilavuokrista eivät ole hyväksyttäviä kustannuksia; ehdotus "
                    "on pienennetty 50 000 euroon."
                ),
            },
        },
        {
            "business_id": "1442249-0",
            "applicant": "applicant-j@example.org",
            "submitted": (6, (15, 55)),
            "answers": {
                "contact-persons": _contact(
                    "Mika Räsänen", "mika.rasanen@lahdenystavapiiri.example.org", "045 118 6402"
                ),
                "project-name": "Ystäväpiiri nuorille – kaveritoimintaa Lahdessa",
                "project-summary": (
                    "Vapaaehtoiset kaveriparit ja ryhmät tutustuttavat Lahteen muuttaneet nuoret kaupungin "
                    "harrastuksiin ja nuorisotiloihin."
                ),
                "objectives": "50 kaveriparia ja neljä harrastusryhmää; nuoret löytävät pysyvän harrastuksen.",
                "target-groups": "Lahteen muuttaneet 15–22-vuotiaat nuoret.",
                "activities": "Kaveriparien koulutus keväällä, parien ja ryhmien toiminta koko vuoden.",
                "regions": ["07"],
                "period": year,
                "budget": _budget(
                    {"personnel": "30000.00", "rents": "3000.00", "other": "2000.00"}, own_funding="1500.00"
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (4, 3, 3, 3, 3, 3),
                "reviewer-2@example.org": {
                    "conflict": (
                        "Olen Lahden Ystäväpiiri ry:n hallituksen varajäsen, joten olen esteellinen arvioimaan "
                        "hakemusta."
                    )
                },
            },
        },
        {
            "business_id": "1732050-2",
            "applicant": "applicant-f@example.org",
            "submitted": (5, (11, 30)),
            "answers": {
                "contact-persons": _contact(
                    "Juha Heikkinen", "juha.heikkinen@pohjoisenkoto.example.org", "040 655 9031"
                ),
                "project-name": "Nuoret kylillä – kotoutumisen tuki Pohjois-Pohjanmaan pikkukunnissa",
                "project-summary": (
                    "Liikkuva nuorisotyöntekijä ja verkko-ohjaus tavoittavat pienille paikkakunnille muuttaneet "
                    "nuoret, joille kaupunkien palvelut ovat kaukana."
                ),
                "objectives": "Tavoitetaan 90 nuorta kymmenessä kunnassa; jokaiselle nuorelle oma tukihenkilö.",
                "target-groups": "Pohjois-Pohjanmaan pienille paikkakunnille muuttaneet 15–29-vuotiaat.",
                "activities": "Kuntakierrokset kahden viikon välein, viikoittainen verkko-ohjaus ja kesätapahtuma Oulussa.",
                "regions": ["17"],
                "period": year,
                "budget": _budget(
                    {"personnel": "45000.00", "travel": "6000.00", "rents": "4000.00", "other": "2000.00"},
                    own_funding="3000.00",
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {"reviewer-1@example.org": "no_conflict", "reviewer-2@example.org": None},
        },
        {
            "business_id": "3162277-7",
            "applicant": "applicant-h@example.org",
            "submitted": (4, (13, 10)),
            "answers": {
                "contact-persons": _contact(
                    "Ville Kettunen", "ville.kettunen@nuortenkohtaamo.example.org", "050 912 4476"
                ),
                "project-name": "Kohtaamo – nuorten kesätyöpolut",
                "project-summary": (
                    "Jyväskylän seudun maahanmuuttaneet nuoret valmentautuvat työelämään ryhmissä ja saavat "
                    "kesätyöpaikan yhteistyöyritysten kautta."
                ),
                "objectives": "60 nuorta valmentautuu, 40 saa kesätyö- tai harjoittelupaikan.",
                "target-groups": "Jyväskylän seudun 16–24-vuotiaat maahanmuuttaneet nuoret.",
                "activities": "Työelämävalmennus tammi–huhtikuussa, kesätyöt touko–elokuussa, jatko-ohjaus syksyllä.",
                "regions": ["13"],
                "period": year,
                "budget": _budget(
                    {"personnel": "52000.00", "rents": "7200.00", "travel": "2500.00", "other": "3300.00"},
                    own_funding="5000.00",
                ),
                "joint-project": "no",
            },
            "completion": {
                "question_ids": ["budget", "activities"],
                "message": (
                    "Talousarvion henkilöstökuluista puuttuu erittely: kuinka monta henkilöä hanke palkkaa ja millä "
                    "työajalla. Kuvatkaa myös, miten kesätyöpaikat hankitaan."
                ),
                "reply_in_days": 7,
                # The applicant did not reply in time: the deadline is moved into the past after the request.
                "overdue_by_days": 3,
            },
        },
        {
            "business_id": "1324717-6",
            "applicant": "applicant-l@example.org",
            "submitted": (3, (10, 45)),
            "answers": {
                "contact-persons": _contact(
                    "Katja Lindroos", "katja.lindroos@porinperhetalo.example.org", "044 230 8817"
                ),
                "project-name": "Perhetalon nuorten kerho",
                "project-summary": (
                    "Porin Perhetalon nuorten kerho tarjoaa maahanmuuttaneille nuorille läksyapua, suomen kielen "
                    "keskusteluryhmiä ja retkiä Satakunnassa."
                ),
                "objectives": "40 nuorta osallistuu kerhoon säännöllisesti; suomen kielen taito vahvistuu.",
                "target-groups": "Porissa asuvat 13–19-vuotiaat maahanmuuttaneet nuoret ja heidän vanhempansa.",
                "activities": "Kerho kolmesti viikossa, retket kerran kuussa, vanhempainillat kahdesti vuodessa.",
                "regions": ["04"],
                "period": year,
                "budget": _budget(
                    {
                        "personnel": "40000.00",
                        "rents": "6000.00",
                        "purchased_services": "3000.00",
                        "other": "1500.00",
                    },
                    income="500.00",
                    own_funding="2500.00",
                ),
                "joint-project": "no",
            },
            "completion": {
                "attachments": ["Viimeisin tilinpäätös ja tilintarkastuskertomus"],
                "message": (
                    "Liitteenä oleva tilinpäätös on allekirjoittamaton, ja tilintarkastuskertomus puuttuu. "
                    "Lähettäkää allekirjoitettu tilinpäätös ja tilintarkastuskertomus."
                ),
                "reply_in_days": 14,
            },
        },
        {
            "business_id": "6931471-0",
            "applicant": "applicant-k@example.org",
            "submitted": (2, (12, 0)),
            "answers": {
                "contact-persons": _contact(
                    "Abdirahman Warsame", "abdirahman.warsame@joensuunkotoutujat.example.org", "046 872 1150"
                ),
                "project-name": "Nuorten illat Joensuussa",
                "project-summary": "Viikoittaiset illat, joissa nuoret pelaavat, harrastavat ja saavat tukea opintoihin.",
                "objectives": "30 nuorta osallistuu säännöllisesti.",
                "target-groups": "Joensuuhun muuttaneet 15–25-vuotiaat nuoret.",
                "activities": "Illat kerran viikossa syys- ja kevätkaudella.",
                "regions": ["12"],
                "period": year,
                "budget": _budget(
                    {"personnel": "24000.00", "rents": "3600.00", "other": "2400.00"}, own_funding="1000.00"
                ),
                "joint-project": "no",
            },
            "screening": {
                "failed": "declarations_given",
                "reason": (
                    f"Yhdistys on merkitty yhdistysrekisteriin keväällä {funding_year - 2}. Haku edellyttää "
                    "vähintään kahden vuoden kokemusta kotoutumista edistävästä työstä, eikä hakemuksesta tai sen "
                    "liitteistä käy ilmi aiempaa toimintaa. Hakemus ei täytä haun ehtoja."
                ),
            },
        },
        {
            "business_id": "1259921-7",
            "applicant": "applicant-i@example.org",
            "submitted": (0, (15, 48)),
            "answers": {
                "contact-persons": _contact(
                    "Tuula Karjalainen", "tuula.karjalainen@kuopionolohuone.example.org", "040 402 6683"
                ),
                "project-name": "Olohuone nuorille – kohtaamispaikka Kuopion keskustassa",
                "project-summary": (
                    "Avoin kohtaamispaikka, jossa nuoret saavat ohjausta opintoihin, asumiseen ja työnhakuun sekä "
                    "tutustuvat kuopiolaisiin nuoriin."
                ),
                "objectives": "Olohuoneessa käy viikoittain 40 nuorta; 25 nuorta ohjataan opintoihin tai töihin.",
                "target-groups": "Kuopioon muuttaneet 16–29-vuotiaat nuoret.",
                "activities": "Olohuone auki neljänä päivänä viikossa, ohjausajat ja kuukausittaiset tapahtumat.",
                "regions": ["11"],
                "period": year,
                "budget": _budget(
                    {"personnel": "38000.00", "rents": "4800.00", "travel": "1200.00", "other": "2000.00"},
                    own_funding="2000.00",
                ),
                "joint-project": "no",
            },
        },
    ]


def earlier_ngo_call(funding_year: int) -> dict:
    """The NGO call of `funding_year`, held in the autumn before it: decided and published."""
    next_year = funding_year + 1
    return {
        "programme": "tem-kotoutuminen-jarjestoavustus",
        "reference": f"TEM-KOTO-{funding_year}",
        "opens_on": (funding_year - 1, 11, 17),
        "closes_on": (funding_year - 1, 12, 19),
        "closes_at_time": (16, 15),
        "title_fi": f"Järjestöavustus kotoutumista edistävään toimintaan {funding_year}",
        "title_sv": f"Organisationsstöd för verksamhet som främjar integration {funding_year}",
        "title_en": f"Grant to organisations for integration work {funding_year}",
        "description_fi": (
            "Työ- ja elinkeinoministeriö myöntää valtionavustusta rekisteröityneille yhdistyksille ja säätiöille "
            "hankkeisiin, joissa vertaistuki ja vapaaehtoistoiminta tukevat maahanmuuttaneiden kotoutumista: "
            "vertaisryhmiä, kieli- ja kaveritoimintaa sekä vapaaehtoisten koulutusta. Hakijalla tulee olla "
            "vähintään kahden vuoden kokemus kotoutumista edistävästä työstä."
        ),
        "description_sv": (
            "Arbets- och näringsministeriet beviljar statsunderstöd till registrerade föreningar och stiftelser för "
            "projekt där kamratstöd och frivilligverksamhet stöder invandrares integration: kamratgrupper, språk- "
            "och kompisverksamhet samt utbildning av frivilliga. Sökanden ska ha minst två års erfarenhet av "
            "arbete som främjar integration."
        ),
        "description_en": (
            "The Ministry of Economic Affairs and Employment grants state aid to registered associations and "
            "foundations for projects in which peer support and volunteering support the integration of "
            "immigrants: peer groups, language and buddy activities and training for volunteers. The applicant "
            "must have at least two years of integration work."
        ),
        "appropriation": Decimal("500000.00"),
        "min_grant": Decimal("20000.00"),
        "max_grant": Decimal("100000.00"),
        "period": ((funding_year, 1, 1), (next_year, 3, 31)),
        "eligible_organisation_types": [
            OrganisationType.REGISTERED_ASSOCIATION,
            OrganisationType.FOUNDATION,
        ],
        "themes": [
            (
                "Vertaistuki ja vapaaehtoistoiminta kotoutumisen tukena",
                "Kamratstöd och frivilligverksamhet som stöd för integrationen",
                "Peer support and volunteering for integration",
            )
        ],
        "declarations": _declarations_of_ngo_calls(),
        "criteria": TEM_CRITERIA,
        "attachments": ASSOCIATION_ATTACHMENTS,
        "extra_project_questions": JOINT_PROJECT_QUESTIONS,
        "min_score": Decimal("3.0"),
    }


def earlier_ngo_call_applications(funding_year: int) -> list[dict]:
    """Applications to the earlier NGO call, all decided and published; `submitted` as in the youth call."""
    return [
        {
            "business_id": "1618033-3",
            "applicant": "applicant-a@example.org",
            "submitted": (8, (11, 20)),
            "answers": {
                "contact-persons": _contact(
                    "Aino Rahastonhoitaja", "aino.rahastonhoitaja@kotipiha.example.org", "040 123 4567"
                ),
                "project-name": "Kotipihan vertaisryhmät",
                "project-summary": (
                    "Vapaaehtoisten vetämät vertaisryhmät maahanmuuttaneille vanhemmille Tampereella: arjen "
                    "tietoa palveluista, suomen kielen harjoittelua ja lasten harrastuskokeiluja."
                ),
                "objectives": (
                    "Kuusi vertaisryhmää kokoontuu viikoittain; 20 vapaaehtoista ohjaajaa koulutetaan ja 150 "
                    "vanhempaa osallistuu ryhmiin."
                ),
                "target-groups": "Tampereen seudulle muuttaneet vanhemmat ja heidän lapsensa.",
                "activities": (
                    "Tammikuussa ohjaajakoulutus, helmi–toukokuussa ja syys–joulukuussa viikoittaiset ryhmät, "
                    "kesällä perheretket."
                ),
                "regions": ["06"],
                "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"},
                "budget": _budget(
                    {"personnel": "40000.00", "rents": "6000.00", "travel": "1500.00", "other": "2500.00"},
                    income="1000.00",
                    own_funding="4000.00",
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (5, 4, 4, 4, 3, 5),
                "reviewer-2@example.org": (4, 4, 5, 4, 3, 4),
            },
            "decision": {
                "outcome": "approved",
                "status": "published",
                "purpose": (
                    "Avustus myönnetään hankkeeseen Kotipihan vertaisryhmät: vapaaehtoisten ohjaajien "
                    "koulutukseen ja maahanmuuttaneiden vanhempien vertaisryhmiin Tampereella hakemuksen "
                    "toimintasuunnitelman mukaisesti."
                ),
                "reasons": (
                    "Hakemus täyttää haun ehdot. Hanke vastaa haun painopisteeseen, hakijalla on vakiintunutta "
                    "kokemusta vertaisryhmätoiminnasta ja hankkeen tavoitteet ja mittarit on kuvattu selkeästi. "
                    "Hanke sai arvioinnissa haun parhaat pisteet, ja avustus myönnetään haetun suuruisena."
                ),
            },
        },
        {
            "business_id": "2449489-3",
            "applicant": "applicant-d@example.org",
            "submitted": (5, (9, 45)),
            "answers": {
                "contact-persons": _contact(
                    "Ann-Sofie Backman", "ann-sofie.backman@mangkulturella-narpes.example.org", "050 447 2318"
                ),
                "project-name": "Språkvänner i Närpes",
                "project-summary": (
                    "Frivilliga språkvänner träffar nyanlända familjer i Närpes och Kristinestad varje vecka för att "
                    "öva svenska i vardagen och följa med till tjänster och fritidsaktiviteter."
                ),
                "objectives": "60 språkvänspar och två samtalsgrupper; deltagarnas svenska stärks i vardagen.",
                "target-groups": "Nyanlända familjer i Närpes och Kristinestad, många arbetar inom växthusnäringen.",
                "activities": (
                    "Utbildning av språkvänner i mars, parträffar och samtalsgrupper året runt och en gemensam "
                    "sommarfest."
                ),
                "regions": ["15"],
                "period": {"start": f"{funding_year}-03-01", "end": f"{funding_year + 1}-02-28"},
                "budget": _budget(
                    {"personnel": "32000.00", "rents": "3600.00", "travel": "4000.00", "other": "2400.00"},
                    own_funding="4000.00",
                ),
                "joint-project": "yes",
                "partners": [
                    {
                        "partner-name": "Kristinestads svenska Marthaförening rf",
                        "partner-role": "Rekryterar språkvänner i Kristinestad och ordnar samtalsgruppens lokal.",
                    }
                ],
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (4, 3, 4, 4, 4, 3),
                "reviewer-2@example.org": (4, 4, 3, 4, 4, 3),
            },
            "proposal": {
                "amount": Decimal("30000.00"),
                "justification": (
                    "Resekostnaderna är höga i förhållande till verksamheten och personalkostnaderna har godkänts "
                    "för en deltidsanställd koordinator; förslaget har sänkts till 30 000 euro."
                ),
            },
            "decision": {
                "outcome": "partially_approved",
                "status": "published",
                "purpose": (
                    "Understödet beviljas för projektet Språkvänner i Närpes: utbildning av frivilliga språkvänner, "
                    "parträffar och samtalsgrupper för nyanlända familjer i Närpes och Kristinestad."
                ),
                "reasons": (
                    "Ansökan uppfyller villkoren och projektet motsvarar ansökans tyngdpunkt. Understödet beviljas "
                    "delvis: resekostnaderna är höga i förhållande till verksamheten och personalkostnaderna "
                    "godkänns för en koordinator på deltid. Anslaget räcker inte till det sökta beloppet för alla "
                    "projekt som fick goda poäng."
                ),
            },
        },
        {
            "business_id": "1732050-2",
            "applicant": "applicant-f@example.org",
            "submitted": (3, (13, 5)),
            "answers": {
                "contact-persons": _contact(
                    "Juha Heikkinen", "juha.heikkinen@pohjoisenkotoutuminen.example.org", "040 552 1907"
                ),
                "project-name": "Kielikahvilat Oulun seudulle",
                "project-summary": (
                    "Viikoittaiset kielikahvilat Oulussa, Kempeleessä ja Limingassa: maahanmuuttaneet harjoittelevat "
                    "suomea vapaaehtoisten kanssa ja saavat tietoa alueen palveluista."
                ),
                "objectives": "Kolme kielikahvilaa kokoontuu viikoittain; 120 osallistujaa ja 25 vapaaehtoista.",
                "target-groups": "Oulun seudulle muuttaneet aikuiset, erityisesti kotona lapsia hoitavat vanhemmat.",
                "activities": "Vapaaehtoisten perehdytys tammikuussa, kahvilat helmi–syyskuussa, loppujuhla syyskuussa.",
                "regions": ["17"],
                "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-09-30"},
                "budget": _budget(
                    {"personnel": "24000.00", "rents": "3000.00", "travel": "1000.00", "other": "2000.00"},
                    own_funding="3000.00",
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (4, 4, 4, 3, 4, 4),
                "reviewer-2@example.org": (4, 3, 4, 4, 4, 3),
            },
            "decision": {
                "outcome": "approved",
                "status": "published",
                "purpose": (
                    "Avustus myönnetään hankkeeseen Kielikahvilat Oulun seudulle: vapaaehtoisvoimin järjestettäviin "
                    "kielikahviloihin Oulussa, Kempeleessä ja Limingassa hakemuksen toimintasuunnitelman mukaisesti."
                ),
                "reasons": (
                    "Hakemus täyttää haun ehdot. Hanke vastaa haun painopisteeseen, toiminta on kuvattu selkeästi ja "
                    "kustannukset ovat kohtuulliset osallistujamäärään nähden. Avustus myönnetään haetun suuruisena."
                ),
            },
        },
        {
            "business_id": "1442249-0",
            "applicant": "applicant-j@example.org",
            "submitted": (1, (15, 30)),
            "answers": {
                "contact-persons": _contact(
                    "Mika Räsänen", "mika.rasanen@lahdenystavapiiri.example.org", "045 118 6402"
                ),
                "project-name": "Ystäväpiiri – vapaaehtoiset kotoutumisen tukena",
                "project-summary": "Vapaaehtoiset ystävät tukevat Lahteen muuttaneita aikuisia arjessa.",
                "objectives": "Toimintaa laajennetaan.",
                "target-groups": "Lahteen muuttaneet aikuiset.",
                "activities": "Ystävätoimintaa koko vuoden, tapahtumia ja retkiä.",
                "regions": ["07"],
                "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"},
                "budget": _budget(
                    {
                        "personnel": "52000.00",
                        "rents": "6000.00",
                        "purchased_services": "5000.00",
                        "other": "3000.00",
                    },
                    own_funding="6000.00",
                ),
                "joint-project": "no",
            },
            "screening": "eligible",
            "reviews": {
                "reviewer-1@example.org": (3, 2, 3, 2, 3, 2),
                "reviewer-2@example.org": (2, 2, 3, 2, 3, 1),
            },
            "decision": {
                "outcome": "rejected",
                "status": "published",
                "reasons": (
                    "Hakemus täyttää haun ehdot, mutta hanke sai arvioinnissa keskimäärin alle kolme pistettä "
                    "viidestä: hankkeen tavoitteita ja tuloksia ei ole määritelty, yhteistyötä ei ole suunniteltu ja "
                    "kustannus osallistujaa kohden on korkea. Määräraha on kohdennettu hankkeisiin, jotka vastasivat "
                    "haun tavoitteisiin paremmin."
                ),
            },
        },
    ]


# The grant in recovery (loader._grant_in_recovery): the one application its call, two funding years back, decided.
def recovery_call_application(funding_year: int) -> dict:
    return {
        "business_id": "1732050-2",
        "applicant": "applicant-f@example.org",
        "submitted": (6, (14, 5)),
        "answers": {
            "contact-persons": _contact(
                "Juha Heikkinen", "juha.heikkinen@pohjoisenkoto.example.org", "040 655 9031"
            ),
            "project-name": "Kylätuvat – kotoutumisen kohtaamispaikat Oulun seudulla",
            "project-summary": (
                "Vapaaehtoisten ylläpitämät kylätuvat neljässä kunnassa: suomen kielen keskusteluryhmiä, "
                "neuvontaa arjen asioissa ja yhteisiä tapahtumia kuntalaisten kanssa."
            ),
            "objectives": "Neljä kylätupaa avoinna viikoittain; 120 osallistujaa ja 25 vapaaehtoista.",
            "target-groups": "Oulun seudun pienempiin kuntiin muuttaneet aikuiset ja perheet.",
            "activities": "Vapaaehtoisten koulutus alkuvuonna, kylätuvat ympäri vuoden ja kesäjuhla.",
            "regions": ["17"],
            "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"},
            "budget": _budget(
                {"personnel": "36000.00", "rents": "4800.00", "travel": "2400.00", "other": "1800.00"},
                own_funding="3000.00",
            ),
            "joint-project": "no",
        },
        "screening": "eligible",
        "reviews": {
            "reviewer-1@example.org": (4, 4, 4, 4, 4, 4),
            "reviewer-2@example.org": (4, 3, 4, 4, 4, 4),
        },
        "proposal": {"amount": Decimal("42000.00"), "justification": "Haetun suuruisena."},
        "decision": {
            "outcome": "approved",
            "status": "published",
            "purpose": (
                "Avustus myönnetään hankkeeseen Kylätuvat: kotoutumisen kohtaamispaikkojen toimintaan Oulun "
                "seudulla hakemuksen toimintasuunnitelman mukaisesti."
            ),
            "reasons": (
                "Hakemus täyttää haun ehdot, ja hanke vastaa haun painopisteeseen. Avustus myönnetään haetun "
                "suuruisena."
            ),
        },
    }


RECOVERY_GROUNDS = (
    "Loppuselvityksen tarkastuksessa havaittiin, että osa avustuksesta käytettiin yhdistyksen "
    "toimitilan remonttiin, joka ei kuulu hankkeen hyväksyttäviin kustannuksiin."
)
RECOVERY_REASONS = (
    "Avustusta on käytetty olennaisesti muuhun tarkoitukseen kuin se on myönnetty: toimitilan remontti ei kuulu "
    "päätöksessä hyväksyttyyn hankkeeseen. Valtionavustuslain 21 §:n mukaan avustus on perittävä tältä osin takaisin."
)
CARRIED_RATE_SOURCE = "Demo: the latest announced reference rate carried forward; enter the Bank of Finland's rate for this half-year."
RECOVERY_HEARING_PROPOSAL = (
    "Valtionapuviranomainen esittää, että avustuksesta peritään takaisin kymmenesosa korkoineen, koska se on "
    "käytetty toimitilan remonttiin."
)
SETTLEMENT_HEARING_PROPOSAL = (
    "Loppuselvityksestä esitetään hyväksyttäväksi muut kulut paitsi 210 euron tarjoilukulut juhlaan, jolloin "
    "avustus jää myönnettyä pienemmäksi."
)
SETTLEMENT_HEARING_GROUNDS = "Juhla ei kuulunut hankesuunnitelmaan eikä päätöksessä hyväksyttyihin kustannuksiin (valtionavustuslaki 11 §)."


def talent_hub_answers(funding_year: int) -> dict:
    """Vantaa's Talent Hub application: its own part of the joint project (the co-implementers' parts are in
    TALENT_HUB_CO_IMPLEMENTERS). The whole: costs 535 000 €, own funding 162 000 € (30.28 %), grant 373 000 €."""
    return {
        "contact-persons": [
            {
                "name": "Ville Projektipäällikkö",
                "email": "talenthub@vantaa.example.org",
                "phone": "09 8392 0000",
            }
        ],
        "project-name": "Talent Hub Vantaa – osaajat ja perheet kotiin",
        "project-summary": (
            "Kansainvälisten osaajien ja heidän perheidensä vastaanotto Vantaalla: palveluohjaus, puolisoiden "
            "työllistymispolut ja yritysten rekrytointituki yhdessä kahden osatoteuttajan kanssa."
        ),
        "objectives": "Osaajat ja perheet asettuvat Vantaalle; puolisot löytävät työtä; yritykset rekrytoivat ulkomailta.",
        "target-groups": "Vantaalle muuttavat kansainväliset osaajat, heidän puolisonsa ja lapsensa sekä vantaalaiset yritykset.",
        "activities": "Monikielinen palveluohjaus, puolisoverkosto, rekrytointitapahtumat ja kansainvälisen koulun perhepäivät.",
        "regions": ["01"],
        # A municipality has the VAT in its costs refunded (the municipal VAT refund).
        "vat-recoverable": "yes",
        "period": {"start": f"{funding_year}-01-01", "end": f"{funding_year}-12-31"},
        "budget": {
            "costs": {
                "personnel": "300000.00",
                "purchased_services": "60000.00",
                "rents": "20000.00",
                "travel": "10000.00",
                "other": "10000.00",
            },
            "own_funding": "120000.00",
        },
    }


# Fictional organisations; the Business IDs have valid check digits.
TALENT_HUB_CO_IMPLEMENTERS = [
    {
        "business_id": "3141590-3",
        "name": "Kehäkaupunkien Osaajapalvelut ry",
        "costs": {"personnel": "80000.00", "purchased_services": "10000.00"},
        "own_funding": "27000.00",
        "contact_name": "Leila Rekrytoija",
        "contact_email": "leila@osaajapalvelut.example.org",
        "contact_phone": "+358 40 555 0101",
    },
    {
        "business_id": "2718280-1",
        "name": "Vantaan Kansainvälinen Koulu Oy",
        "costs": {"personnel": "40000.00", "travel": "5000.00"},
        "own_funding": "15000.00",
        "contact_name": "Oskari Rehtori",
        "contact_email": "oskari@vik-koulu.example.org",
        "contact_phone": "+358 50 555 0202",
    },
]
