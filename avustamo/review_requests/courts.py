"""The administrative courts (hallinto-oikeus, förvaltningsdomstol) and which of them hears an appeal against a
decision on a request for review.

A ministry's decision concerns the whole country, so the appeal goes to the administrative court of the region of
the appellant's home municipality (Administrative Courts Act 430/1999, section 12 [unverified wording]), not to the
Helsinki Administrative Court by default. The court districts below are those in force since 2019 [unverified
against the Government Decree on the seats and districts of administrative courts]; a deployment corrects any
region with the setting `APPEAL_COURT_OF_REGION`.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Court:
    code: str
    name_fi: str
    name_sv: str
    name_en: str

    def name_in(self, language: str) -> str:
        return {"sv": self.name_sv, "en": self.name_en}.get(language, self.name_fi)


COURTS = {
    court.code: court
    for court in (
        Court("helsinki", "Helsingin hallinto-oikeus", "Helsingfors förvaltningsdomstol", "Helsinki Administrative Court"),
        Court("hameenlinna", "Hämeenlinnan hallinto-oikeus", "Tavastehus förvaltningsdomstol", "Hämeenlinna Administrative Court"),
        Court("ita-suomi", "Itä-Suomen hallinto-oikeus", "Östra Finlands förvaltningsdomstol", "Eastern Finland Administrative Court"),
        Court("pohjois-suomi", "Pohjois-Suomen hallinto-oikeus", "Norra Finlands förvaltningsdomstol", "Northern Finland Administrative Court"),
        Court("turku", "Turun hallinto-oikeus", "Åbo förvaltningsdomstol", "Turku Administrative Court"),
        Court("vaasa", "Vaasan hallinto-oikeus", "Vasa förvaltningsdomstol", "Vaasa Administrative Court"),
        Court("ahvenanmaa", "Ahvenanmaan hallintotuomioistuin", "Ålands förvaltningsdomstol", "Åland Administrative Court"),
    )
}  # fmt: skip

# Statistics Finland's region codes (01–21) → court.
COURT_OF_REGION = {
    "01": "helsinki",
    "02": "turku",
    "04": "turku",
    "05": "hameenlinna",
    "06": "hameenlinna",
    "07": "hameenlinna",
    "08": "hameenlinna",
    "09": "hameenlinna",
    "10": "ita-suomi",
    "11": "ita-suomi",
    "12": "ita-suomi",
    "13": "vaasa",
    "14": "vaasa",
    "15": "vaasa",
    "16": "vaasa",
    "17": "pohjois-suomi",
    "18": "pohjois-suomi",
    "19": "pohjois-suomi",
    "21": "ahvenanmaa",
}


def competent_court(organisation) -> Court:
    """The court that hears the organisation's appeal: by the region of its home municipality."""
    region = organisation.home_municipality.region_id
    code = settings.APPEAL_COURT_OF_REGION.get(region) or COURT_OF_REGION.get(region, "helsinki")
    return COURTS[code]
