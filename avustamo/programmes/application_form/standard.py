"""The standard application form every new call starts from: the blocks the service relies on, in fi/sv/en."""

import copy

from avustamo.programmes.application_form.schema import SCHEMA_VERSION


def _text(fi: str, sv: str, en: str) -> dict:
    return {"fi": fi, "sv": sv, "en": en}


VAT_RECOVERABLE_QUESTION = {
    "type": "yes_no",
    "id": "vat-recoverable",
    "fact": "vat_recoverable",
    "required": True,
    "label": _text(
        "Voiko hakija vähentää hankkeen kustannusten arvonlisäveron tai saada sen palautuksena?",
        "Kan sökanden dra av mervärdesskatten i projektets kostnader eller få den återbetald?",
        "Can the applicant deduct the VAT in the project's costs or get it refunded?",
    ),
    "help": _text(
        "Esimerkiksi kunta saa arvonlisäveron palautuksena kuntien arvonlisäveron palautusjärjestelmästä. "
        "Jos voitte vähentää tai saada palautuksena arvonlisäveron, se ei ole hyväksyttävä kustannus: ilmoittakaa "
        "kustannukset ilman arvonlisäveroa. Muuten ilmoittakaa ne arvonlisäveroineen.",
        "En kommun får till exempel mervärdesskatten återbetald genom kommunernas återbäringssystem. Om ni kan dra "
        "av eller få mervärdesskatten återbetald är den ingen godtagbar kostnad: ange kostnaderna utan "
        "mervärdesskatt. Annars anger ni dem inklusive mervärdesskatt.",
        "A municipality, for example, gets the VAT refunded under the municipal VAT refund. If you can deduct the "
        "VAT or get it refunded, it is not an eligible cost: give the costs without VAT. Otherwise give them with "
        "VAT.",
    ),
}

DE_MINIMIS_SECTION = {
    "id": "de-minimis-section",
    "title": _text(
        "Vähämerkityksinen (de minimis) tuki", "Stöd av mindre betydelse (de minimis)", "De minimis aid"
    ),
    # The ceiling counts any three years back from the day of the grant (2023/2831 art. 3(2)), and the whole single
    # undertaking: the service counts by itself only its own grants to the applicant's Business ID.
    "help": _text(
        "Avustus myönnetään vähämerkityksisenä tukena (komission asetus (EU) 2023/2831). Samalle yhdelle "
        "yritykselle saa myöntää tällaista tukea enintään 300 000 euroa minkä tahansa kolmen vuoden jakson aikana. "
        "Ilmoittakaa kaikki vähämerkityksinen tuki, joka on myönnetty yrityksellenne ja sen kanssa samaan yhteen "
        "yritykseen kuuluville yrityksille kolmen viime vuoden aikana tästä päivästä taaksepäin laskien: muiden "
        "myöntäjien tuki sekä tämän palvelun kautta muille yhteen yritykseen kuuluville myönnetyt avustukset. "
        "Yrityksenne omalle Y-tunnukselle tämän palvelun kautta myönnetyt avustukset lasketaan mukaan itsestään. "
        "Jos teille myönnetään tukea ennen päätöstä, ilmoittakaa siitä viranomaiselle. Jättäkää taulukko tyhjäksi, "
        "jos tukea ei ole myönnetty.",
        "Understödet beviljas som stöd av mindre betydelse (kommissionens förordning (EU) 2023/2831). Ett och "
        "samma företag får beviljas högst 300 000 euro sådant stöd under en period av tre år. Ange allt stöd av "
        "mindre betydelse som har beviljats ert företag och de företag som hör till samma enda företag under de "
        "tre senaste åren räknat bakåt från i dag: stöd från andra beviljare och understöd som beviljats genom den "
        "här tjänsten till de andra företagen i samma enda företag. Understöd till ert eget FO-nummer genom den här "
        "tjänsten räknas med automatiskt. Om ni beviljas stöd före beslutet, meddela myndigheten. Lämna tabellen "
        "tom om inget stöd har beviljats.",
        "The grant is given as de minimis aid (Commission Regulation (EU) 2023/2831). A single undertaking may "
        "receive at most EUR 300,000 of such aid over any period of three years. Declare all de minimis aid "
        "granted to your undertaking and to the undertakings forming a single undertaking with it in the last "
        "three years, counted back from today: aid from other granting authorities, and grants made through this "
        "service to the other undertakings of the single undertaking. Grants made through this service to your "
        "own Business ID are counted automatically. If you are granted aid before the decision, tell the "
        "authority. Leave the table empty if none has been granted.",
    ),
    "questions": [
        {
            "type": "group",
            "id": "de-minimis-aid",
            "fact": "de_minimis_aid",
            "repeat": True,
            "min_items": 0,
            "max_items": 20,
            "label": _text(
                "Saatu vähämerkityksinen tuki", "Erhållet stöd av mindre betydelse", "De minimis aid received"
            ),
            "questions": [
                {
                    "type": "short_text",
                    "id": "granting-authority",
                    "required": True,
                    "max_length": 200,
                    "label": _text("Tuen myöntäjä", "Stödets beviljare", "Granting authority"),
                },
                {
                    "type": "date",
                    "id": "granted-on",
                    "required": True,
                    "label": _text("Myöntämispäivä", "Beviljades", "Date of grant"),
                },
                {
                    "type": "money",
                    "id": "amount",
                    "required": True,
                    "min": "0.01",
                    "label": _text("Määrä (euroa)", "Belopp (euro)", "Amount (euros)"),
                },
            ],
        }
    ],
}


def standard_definition(*, de_minimis: bool = False) -> dict:
    """The standard form; for a call whose grants are de minimis aid, with the declaration of aid received."""
    definition = _standard_definition()
    if de_minimis:
        definition["sections"].insert(-1, copy.deepcopy(DE_MINIMIS_SECTION))
    return definition


def _standard_definition() -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "sections": [
            {
                "id": "applicant-section",
                "title": _text("Hakija", "Sökande", "Applicant"),
                "questions": [
                    {
                        "type": "applicant",
                        "id": "applicant",
                        "fact": "applicant",
                        "label": _text(
                            "Hakijaorganisaatio", "Sökande organisation", "Applicant organisation"
                        ),
                        "help": _text(
                            "Tiedot tulevat organisaation rekisteröidyistä tiedoista. Korjaa ne organisaation sivulla.",
                            "Uppgifterna kommer från organisationens registrerade uppgifter. Korrigera dem på organisationens sida.",
                            "These come from the organisation's registered details. Correct them on the organisation's page.",
                        ),
                    },
                    {
                        "type": "contact_persons",
                        "id": "contact-persons",
                        "fact": "contact_persons",
                        "required": True,
                        "label": _text("Yhteyshenkilöt", "Kontaktpersoner", "Contact persons"),
                        "help": _text(
                            "Henkilö, joka vastaa hakemusta koskeviin kysymyksiin.",
                            "Den person som svarar på frågor om ansökan.",
                            "The person who answers questions about the application.",
                        ),
                    },
                ],
            },
            {
                "id": "project-section",
                "title": _text("Hanke", "Projekt", "Project"),
                "questions": [
                    {
                        "type": "short_text",
                        "id": "project-name",
                        "fact": "project_name",
                        "required": True,
                        "max_length": 200,
                        "label": _text("Hankkeen nimi", "Projektets namn", "Project name"),
                    },
                    {
                        "type": "long_text",
                        "id": "project-summary",
                        "fact": "project_summary",
                        "required": True,
                        "max_length": 1000,
                        "label": _text("Hanke lyhyesti", "Projektet i korthet", "Project in brief"),
                        "help": _text(
                            "Tiivistelmä julkaistaan, jos hanke saa avustusta.",
                            "Sammanfattningen publiceras om projektet beviljas understöd.",
                            "The summary is published if the project is funded.",
                        ),
                    },
                    {
                        "type": "long_text",
                        "id": "objectives",
                        "fact": "objectives",
                        "required": True,
                        "max_length": 3000,
                        "label": _text("Tavoitteet", "Mål", "Objectives"),
                    },
                    {
                        "type": "long_text",
                        "id": "target-groups",
                        "fact": "target_groups",
                        "required": True,
                        "max_length": 2000,
                        "label": _text("Kohderyhmät", "Målgrupper", "Target groups"),
                    },
                    {
                        "type": "long_text",
                        "id": "activities",
                        "fact": "activities",
                        "required": True,
                        "max_length": 5000,
                        "label": _text(
                            "Toiminta ja aikataulu", "Verksamhet och tidtabell", "Activities and schedule"
                        ),
                    },
                    {
                        "type": "region",
                        "id": "regions",
                        "fact": "regions",
                        "required": True,
                        "multiple": True,
                        "label": _text(
                            "Maakunnat, joissa toimitaan",
                            "Landskap där verksamheten sker",
                            "Regions of the activities",
                        ),
                    },
                    {
                        "type": "period",
                        "id": "period",
                        "fact": "period",
                        "required": True,
                        "label": _text(
                            "Avustuksen käyttöaika", "Understödets användningstid", "Period of use"
                        ),
                    },
                ],
            },
            {
                "id": "budget-section",
                "title": _text("Talousarvio", "Budget", "Budget"),
                "questions": [
                    copy.deepcopy(VAT_RECOVERABLE_QUESTION),
                    {
                        "type": "budget",
                        "id": "budget",
                        "fact": "budget",
                        "required": True,
                        "label": _text("Hankkeen talousarvio", "Projektets budget", "Project budget"),
                        "help": _text(
                            "Haettava avustus on hyväksyttävät kustannukset vähennettynä tuloilla, muulla julkisella rahoituksella ja omarahoituksella. Ilmoittakaa kustannukset ilman arvonlisäveroa, jos voitte vähentää sen tai saada sen palautuksena, ja muuten arvonlisäveroineen.",
                            "Det understöd som söks är de godtagbara kostnaderna minskade med intäkter, annan offentlig finansiering och självfinansiering. Ange kostnaderna utan mervärdesskatt om ni kan dra av den eller få den återbetald, annars inklusive mervärdesskatt.",
                            "The grant applied for is the eligible costs less income, other public funding and own funding. Give the costs without VAT if you can deduct it or get it refunded, otherwise with VAT.",
                        ),
                    },
                ],
            },
            {
                "id": "declarations-section",
                "title": _text("Vakuutukset", "Försäkran", "Declarations"),
                "questions": [
                    {
                        "type": "declarations",
                        "id": "declarations",
                        "fact": "declarations",
                        "label": _text(
                            "Hakija vakuuttaa, että", "Sökanden försäkrar att", "The applicant confirms that"
                        ),
                    }
                ],
            },
        ],
    }


def _count(question_id: str, label: dict) -> dict:
    return {"type": "number", "id": question_id, "label": label, "min": "0", "decimals": 0}


def standard_report_definition(final: bool) -> dict:
    """The report form every call's interim (`final=False`) and final reports start from."""
    participants_help = _text(
        "Ilmoita vain lukumäärät. Älä kirjoita nimiä tai muita henkilötietoja.",
        "Ange endast antal. Skriv inte namn eller andra personuppgifter.",
        "Give numbers only. Do not write names or other personal data.",
    )
    return {
        "schema": SCHEMA_VERSION,
        "sections": [
            {
                "id": "results-section",
                "title": _text("Toiminta ja tulokset", "Verksamhet och resultat", "Activities and results"),
                "questions": [
                    {
                        "type": "long_text",
                        "id": "activities-done",
                        "required": True,
                        "max_length": 6000,
                        "label": _text(
                            "Mitä hankkeessa tehtiin?",
                            "Vad gjordes i projektet?",
                            "What did the project do?",
                        ),
                    },
                    {
                        "type": "long_text",
                        "id": "results",
                        "fact": "results",
                        "required": True,
                        "max_length": 6000,
                        "label": _text(
                            "Miten tavoitteet saavutettiin?"
                            if final
                            else "Miten työ on edennyt tavoitteisiin?",
                            "Hur uppnåddes målen?" if final else "Hur har arbetet framskridit mot målen?",
                            "How were the objectives met?" if final else "How has the work progressed?",
                        ),
                    },
                ],
            },
            {
                "id": "participants-section",
                "title": _text("Osallistujat", "Deltagare", "Participants"),
                "help": participants_help,
                "questions": [
                    {
                        "type": "group",
                        "id": "participants-by-age",
                        "label": _text("Ikäryhmittäin", "Efter åldersgrupp", "By age group"),
                        "questions": [
                            _count("age-under-18", _text("Alle 18-vuotiaat", "Under 18 år", "Under 18")),
                            _count("age-18-29", _text("18–29-vuotiaat", "18–29 år", "18–29")),
                            _count("age-30-64", _text("30–64-vuotiaat", "30–64 år", "30–64")),
                            _count(
                                "age-65-plus", _text("65 vuotta täyttäneet", "65 år och äldre", "65 or over")
                            ),
                        ],
                    },
                    {
                        "type": "group",
                        "id": "participants-by-gender",
                        "label": _text("Sukupuolen mukaan", "Efter kön", "By gender"),
                        "questions": [
                            _count("gender-women", _text("Naiset", "Kvinnor", "Women")),
                            _count("gender-men", _text("Miehet", "Män", "Men")),
                            _count(
                                "gender-other",
                                _text("Muu tai ei tiedossa", "Annat eller okänt", "Other or not known"),
                            ),
                        ],
                    },
                    {
                        "type": "group",
                        "id": "participants-by-language",
                        "label": _text("Kieliryhmittäin", "Efter språkgrupp", "By language group"),
                        "questions": [
                            _count("language-finnish", _text("Suomenkieliset", "Finskspråkiga", "Finnish")),
                            _count("language-swedish", _text("Ruotsinkieliset", "Svenskspråkiga", "Swedish")),
                            _count("language-sami", _text("Saamenkieliset", "Samiskspråkiga", "Sámi")),
                            _count(
                                "language-other", _text("Muunkieliset", "Övriga språk", "Other languages")
                            ),
                        ],
                    },
                ],
            },
            {
                "id": "finances-section",
                "title": _text("Talous", "Ekonomi", "Finances"),
                "help": _text(
                    "Ilmoita toteutuneet kustannukset ja rahoitus kustannuslajeittain. Hyväksytty talousarvio näkyy vertailuna.",
                    "Ange de faktiska kostnaderna och finansieringen per kostnadsslag. Den godkända budgeten visas som jämförelse.",
                    "Give the actual costs and funding by category. The approved budget is shown for comparison.",
                ),
                "questions": [
                    {
                        "type": "yes_no",
                        "id": "vat-included",
                        "fact": "vat_included",
                        "required": True,
                        "label": _text(
                            "Sisältävätkö ilmoitetut kustannukset arvonlisäveroa?",
                            "Ingår mervärdesskatt i de kostnader som anges?",
                            "Do the costs given include VAT?",
                        ),
                        "help": _text(
                            "Jos avustuksen saaja voi vähentää arvonlisäveron tai saada sen palautuksena, "
                            "kustannukset ilmoitetaan ilman arvonlisäveroa.",
                            "Om mottagaren kan dra av mervärdesskatten eller få den återbetald anges kostnaderna "
                            "utan mervärdesskatt.",
                            "If the recipient can deduct the VAT or get it refunded, the costs are given without "
                            "VAT.",
                        ),
                    },
                    {
                        "type": "budget",
                        "id": "actual-budget",
                        "fact": "budget",
                        "required": True,
                        "label": _text("Toteutunut talous", "Utfall", "Actual costs and funding"),
                    },
                    {
                        "type": "attachment",
                        "id": "accounts",
                        "required": final,
                        "kinds": ["pdf", "xlsx", "ods"],
                        "label": _text(
                            "Hankkeen kirjanpidon tuloslaskelma" if final else "Kirjanpidon ote",
                            "Projektets resultaträkning" if final else "Utdrag ur bokföringen",
                            "The project's profit and loss account" if final else "Extract of the accounts",
                        ),
                    },
                ],
            },
        ],
    }
