"""The standard application form every new call starts from: the blocks the service relies on, in fi/sv/en."""

from avustamo.programmes.application_form.schema import SCHEMA_VERSION


def _text(fi: str, sv: str, en: str) -> dict:
    return {"fi": fi, "sv": sv, "en": en}


def standard_definition() -> dict:
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
                    {
                        "type": "budget",
                        "id": "budget",
                        "fact": "budget",
                        "required": True,
                        "label": _text("Hankkeen talousarvio", "Projektets budget", "Project budget"),
                        "help": _text(
                            "Haettava avustus on hyväksyttävät kustannukset vähennettynä tuloilla, muulla julkisella rahoituksella ja omarahoituksella.",
                            "Det understöd som söks är de godtagbara kostnaderna minskade med intäkter, annan offentlig finansiering och självfinansiering.",
                            "The grant applied for is the eligible costs less income, other public funding and own funding.",
                        ),
                    }
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
